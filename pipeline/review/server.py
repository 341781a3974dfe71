"""Start and stop a local doccano 1.8.4 server on the loopback interface.

`doccano webserver` binds 0.0.0.0, so this runs doccano's own gunicorn app bound to
127.0.0.1 and the celery worker (`doccano task`) that imports and exports need. Both
run in their own process groups; their PIDs go to the data folder, and `down` stops
exactly those groups.

Standard library only: the Makefile runs this file as a script with the server's
virtual environment, and the test fixture imports it from the main environment.

    python pipeline/review/server.py up --home .doccano --port 8777 --venv .venv-doccano
    python pipeline/review/server.py down --home .doccano
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8777
DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "doccano-local"  # loopback-only server; documented in the README
PROCESSES = ("gunicorn", "celery")

# doccano keeps uploaded files under its own package folder; this settings module,
# written into the data folder, moves them there too, so every byte of server data
# lives in one place.
SETTINGS_MODULE = "doccano_local_settings"
SETTINGS_SOURCE = """\
import os

from config.settings.production import *  # noqa: F401,F403

DJANGO_DRF_FILEPOND_UPLOAD_TMP = os.path.join(os.environ["DOCCANO_HOME"], "uploads")
DJANGO_DRF_FILEPOND_ALLOW_EXTERNAL_UPLOAD_DIR = True  # outside the package folder on purpose
"""


class ServerError(RuntimeError):
    """The server could not be started, reached or stopped."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_ready(url: str, timeout: float = 2.0) -> bool:
    """Return True when the server answers `/favicon.ico` with 200 (timeouts: not ready)."""
    try:
        with urllib.request.urlopen(f"{url}/favicon.ico", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, TimeoutError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class DoccanoServer:
    """A doccano server whose data (sqlite database, media, logs, PIDs) live in `home`.

    Args:
        home: data folder, created if missing.
        venv: virtual environment with doccano installed (`.venv-doccano`).
        port: loopback port to bind.
        username: admin user created (idempotently) on start.
        password: the admin's password.
    """

    home: Path
    venv: Path = Path(".venv-doccano")
    port: int = DEFAULT_PORT
    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD

    def __post_init__(self) -> None:
        self.home = Path(self.home).resolve()
        self.venv = Path(self.venv).absolute()
        # Children started by this object: a parent must reap them (poll), or an exited
        # child stays a zombie that `kill -0` still finds.
        self._children: dict[int, subprocess.Popen] = {}

    def _alive(self, pid: int) -> bool:
        child = self._children.get(pid)
        return child.poll() is None if child is not None else _alive(pid)

    def _ours(self, pid: int) -> bool:
        """Whether a PID from a PID file still runs this server's program (not a reused PID)."""
        if pid in self._children:  # started here; its cmdline may not be set yet
            return True
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            return False
        except OSError:  # no /proc: trust the PID file
            return True
        return str(self.venv).encode() in command

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _pid_file(self, name: str) -> Path:
        return self.home / f"{name}.pid"

    def _log_file(self, name: str) -> Path:
        return self.home / "logs" / f"{name}.log"

    def _backend_dir(self) -> Path:
        found = sorted(self.venv.glob("lib/python3*/site-packages/backend"))
        if not found:
            raise ServerError(f"{self.venv}: no doccano installed here (run `make review-envs`)")
        return found[0]

    def _environment(self) -> dict[str, str]:
        secret_file = self.home / "secret_key"
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(48))
            secret_file.chmod(0o600)
        (self.home / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_SOURCE)
        env = dict(os.environ)
        env.update(
            DOCCANO_HOME=str(self.home),
            DATABASE_URL=f"sqlite:///{self.home / 'db.sqlite3'}",
            MEDIA_ROOT=str(self.home / "media"),
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            PYTHONPATH=os.pathsep.join(filter(None, [str(self.home), os.environ.get("PYTHONPATH")])),
            STANDALONE="True",
            DEBUG="False",
            SECRET_KEY=secret_file.read_text().strip(),
            PYTHONUNBUFFERED="1",
        )
        return env

    def running_pids(self) -> dict[str, int]:
        """PIDs from the PID files whose processes are still alive."""
        pids = {}
        for name in PROCESSES:
            pid_file = self._pid_file(name)
            if pid_file.exists():
                pid = int(pid_file.read_text().strip() or 0)
                if pid and self._alive(pid) and self._ours(pid):
                    pids[name] = pid
        return pids

    def _run_setup(self, env: dict[str, str]) -> None:
        """`doccano init` and `doccano createuser`; both are idempotent."""
        doccano = str(self.venv / "bin" / "doccano")
        # The password goes through the environment, not argv, so `ps` does not show it;
        # `--option=value`, so a password starting with "-" is not taken for an option.
        create_user = (
            "import os, sys; from backend.cli import main; "
            "sys.argv = ['doccano', 'createuser', '--username=' + os.environ['DOCCANO_SETUP_USER'], "
            "'--password=' + os.environ['DOCCANO_SETUP_PASSWORD']]; main()"
        )
        setup_env = dict(env, DOCCANO_SETUP_USER=self.username, DOCCANO_SETUP_PASSWORD=self.password)
        steps = [([doccano, "init"], env), ([str(self.venv / "bin" / "python"), "-c", create_user], setup_env)]
        log = self._log_file("setup")
        with log.open("a") as out:
            for argv, step_env in steps:
                done = subprocess.run(argv, env=step_env, stdout=out, stderr=subprocess.STDOUT, cwd=self.home)
                if done.returncode != 0:
                    raise ServerError(f"doccano {argv[1] if argv[0] == doccano else 'createuser'} failed; see {log}")

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> int:
        with self._log_file(name).open("a") as out:
            process = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.home, start_new_session=True,
            )
        self._pid_file(name).write_text(f"{process.pid}\n")
        self._children[process.pid] = process
        return process.pid

    def start(self, timeout: float = 120.0) -> float:
        """Start the server unless it already runs; return the seconds it took to get ready.

        Raises:
            ServerError: the port is taken by something else, setup failed, or the
                server was not ready within `timeout` (then it is stopped again).
        """
        began = time.monotonic()
        (self.home / "logs").mkdir(parents=True, exist_ok=True)
        running = self.running_pids()
        if set(running) == set(PROCESSES) and is_ready(self.url):
            return 0.0
        if running:
            self.stop()
        if _port_taken(self.port):
            raise ServerError(f"port {self.port} on 127.0.0.1 is already in use; set DOCCANO_PORT to another port")
        env = self._environment()
        # Exports are zipped into media/ and fetched at once by the adapter; drop old ones.
        for archive in (self.home / "media").glob("*.zip"):
            archive.unlink()
        self._run_setup(env)
        bin_dir = self.venv / "bin"
        self._spawn("gunicorn", [
            str(bin_dir / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
            "--timeout", "120", "--chdir", str(self._backend_dir()), "config.wsgi",
        ], env)
        self._spawn("celery", [str(bin_dir / "doccano"), "task", "--concurrency", "1"], env)
        while time.monotonic() - began < timeout:
            if is_ready(self.url):
                return time.monotonic() - began
            dead = [name for name in PROCESSES if name not in self.running_pids()]
            if dead:
                self.stop()
                raise ServerError(f"doccano {dead[0]} exited during start; see {self._log_file(dead[0])}")
            time.sleep(0.5)
        self.stop()
        raise ServerError(f"doccano at {self.url} was not ready within {timeout:.0f} s; see {self.home / 'logs'}")

    def stop(self, grace: float = 20.0) -> bool:
        """Stop the processes named in the PID files (their whole process groups).

        Returns:
            True when something was running.
        """
        running = self.running_pids()
        # SIGTERM to the leaders only: gunicorn's master and celery's main process stop
        # their own workers; signalling the whole group makes celery wait on dead children.
        for pid in running.values():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while any(self._alive(pid) for pid in running.values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in running.values():
            try:
                os.killpg(pid, signal.SIGKILL)  # whatever is left of the group
            except ProcessLookupError:
                pass
        for pid in running.values():
            if pid in self._children:
                self._children.pop(pid).wait()
        for name in PROCESSES:
            self._pid_file(name).unlink(missing_ok=True)
        return bool(running)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("--home", type=Path, default=Path(".doccano"))
    parser.add_argument("--venv", type=Path, default=Path(".venv-doccano"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DOCCANO_PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)
    server = DoccanoServer(
        home=args.home, venv=args.venv, port=args.port,
        username=os.environ.get("DOCCANO_USERNAME") or DEFAULT_USERNAME,
        password=os.environ.get("DOCCANO_PASSWORD") or DEFAULT_PASSWORD,
    )
    try:
        if args.action == "up":
            seconds = server.start()
            state = "already running" if seconds == 0.0 else f"ready in {seconds:.1f} s"
            print(f"doccano {state} at {server.url} (user {server.username}, data in {server.home})")
        elif args.action == "down":
            print("doccano stopped" if server.stop() else "doccano was not running")
        else:
            up = server.running_pids() and is_ready(server.url)
            print(f"doccano {'running' if up else 'not running'} at {server.url}")
            return 0 if up else 1
    except ServerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
