"""The main environment's side of the doccano adapter: runs `adapter.py` in the client
environment and exchanges JSON/JSONL files with it. No HTTP here."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.review.doccano_format import examples_to_jsonl

ADAPTER = Path(__file__).resolve().parent / "adapter.py"
DEFAULT_CLIENT_PYTHON = Path(".venv-doccano-client/bin/python")


class ReviewError(RuntimeError):
    """A failure of the review round trip, as one line for the user."""


@dataclass
class DoccanoConnection:
    """Where the doccano server is, who logs in, and which project holds the review.

    Args:
        url: the server, e.g. http://127.0.0.1:8777.
        project: the doccano project's name.
        username: the doccano user.
        password: the user's password.
        client_python: the Python of the environment with doccano-client.
        request_timeout: seconds one HTTP request may take.
        task_timeout: seconds an import or export task may take on the server.
    """

    url: str
    project: str
    username: str
    password: str = field(repr=False)
    client_python: Path = DEFAULT_CLIENT_PYTHON
    request_timeout: float = 30.0
    task_timeout: int = 300

    def _run(self, command: str, workdir: Path, *extra: str) -> dict:
        if not Path(self.client_python).exists():
            raise ReviewError(f"{self.client_python}: doccano-client environment missing (run `make review-envs`)")
        out = workdir / f"{command}.out.json"
        argv = [str(self.client_python), str(ADAPTER), command, "--url", self.url, "--project", self.project,
                "--out", str(out), "--request-timeout", str(self.request_timeout),
                "--task-timeout", str(self.task_timeout), *extra]
        env = dict(os.environ, DOCCANO_USERNAME=self.username, DOCCANO_PASSWORD=self.password)
        # The adapter bounds every request and task itself; this is the last guard.
        limit = self.task_timeout * 2 + self.request_timeout * 20
        try:
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            raise ReviewError(f"doccano at {self.url} did not finish `{command}` within {limit:.0f} s") from None
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            errors = [line for line in lines if line.startswith("error: ")]
            message = (errors or lines or [f"doccano adapter exited with status {done.returncode}"])[-1]
            raise ReviewError(message.removeprefix("error: "))
        return json.loads(out.read_text())

    def snapshot(self, *, create: bool) -> dict:
        """The project's id and all its examples (doccano's JSONL export + `is_confirmed`).

        Args:
            create: create the project and its label types when missing; otherwise a
                missing project is an error.
        """
        with tempfile.TemporaryDirectory(prefix="doccano-") as tmp:
            return self._run("snapshot", Path(tmp), *(["--create"] if create else []))

    def apply(self, upload: list[dict], delete: list[int]) -> dict:
        """Upload the examples, then delete the examples with the given ids."""
        with tempfile.TemporaryDirectory(prefix="doccano-") as tmp:
            upload_file, delete_file = Path(tmp) / "upload.jsonl", Path(tmp) / "delete.json"
            upload_file.write_text(examples_to_jsonl(upload), encoding="ascii")
            delete_file.write_text(json.dumps(delete))
            return self._run("apply", Path(tmp), "--upload", str(upload_file), "--delete", str(delete_file))
