"""Fixtures of the review tests: the seed as a prediction, and one real doccano server per session."""

from __future__ import annotations

import json
import secrets
import uuid

import pytest

from doccano_reviewer import DoccanoReviewer
from pipeline.review.remote import DoccanoConnection
from pipeline.review.server import DoccanoServer, free_port
from review_fixtures import CLIENT_PYTHON, REPO, SERVER_VENV


@pytest.fixture
def seed() -> tuple[dict, str]:
    """The seed gold as a machine prediction, and the seed's canonical text."""
    record = json.loads((REPO / "annotations" / "gold" / "seed-article.json").read_text(encoding="utf-8"))
    text = (REPO / "corpus" / "seed-article.txt").read_bytes().decode("utf-8").replace("\r\n", "\n")
    return record, text


@pytest.fixture(scope="session")
def doccano_server(tmp_path_factory):
    """A real doccano server on a free loopback port, for the whole test session."""
    if not (SERVER_VENV / "bin" / "doccano").exists() or not CLIENT_PYTHON.exists():
        pytest.fail(f"{SERVER_VENV} or {CLIENT_PYTHON.parent.parent} missing: run `make review-envs`")
    server = DoccanoServer(home=tmp_path_factory.mktemp("doccano"), venv=SERVER_VENV, port=free_port(),
                           username="admin", password="-" + secrets.token_urlsafe(12))  # "-": not an option
    server.start(timeout=180)
    yield server
    server.stop()


@pytest.fixture
def connection(doccano_server) -> DoccanoConnection:
    """A connection to a project of its own (created by the first push)."""
    return DoccanoConnection(url=doccano_server.url, project=f"test-{uuid.uuid4().hex[:12]}",
                             username=doccano_server.username, password=doccano_server.password,
                             client_python=CLIENT_PYTHON, request_timeout=30, task_timeout=120)


@pytest.fixture(scope="session")
def reviewer(doccano_server) -> DoccanoReviewer:
    return DoccanoReviewer(doccano_server.url, doccano_server.username, doccano_server.password)
