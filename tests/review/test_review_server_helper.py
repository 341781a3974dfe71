"""Offline tests of the server helper's PID handling."""

from __future__ import annotations

import subprocess

from review_fixtures import SERVER_VENV

from pipeline.review.server import DoccanoServer, is_ready, free_port


def test_stale_pid_file_never_stops_someone_elses_process(tmp_path):
    other = subprocess.Popen(["sleep", "30"])
    try:
        (tmp_path / "celery.pid").write_text(f"{other.pid}\n")
        server = DoccanoServer(home=tmp_path, venv=SERVER_VENV)
        assert server.running_pids() == {}
        assert server.stop() is False
        assert other.poll() is None
        assert not (tmp_path / "celery.pid").exists()
    finally:
        other.kill()
        other.wait()


def test_nothing_listening_is_not_ready():
    assert not is_ready(f"http://127.0.0.1:{free_port()}", timeout=1)
