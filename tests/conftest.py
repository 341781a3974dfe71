"""Session fixtures: the assembled pipeline (built once), the seed article and its gold."""

from __future__ import annotations

import json

import pytest

from pipeline.nlp import assemble
from policy_testkit import SEED_GOLD, SEED_TEXT


@pytest.fixture(autouse=True)
def _rules_only_unless_asked(monkeypatch):
    """Tests see the same pipeline whether or not this machine has a trained base
    (``models/base``) or trained layer; tests of those layers ask for them."""
    monkeypatch.setenv("POLICY_BASE_MODEL", "none")
    monkeypatch.setenv("POLICY_TRAINED_MODEL", "none")


@pytest.fixture(scope="session")
def nlp():
    """The rules pipeline assembled from pipeline/configs/pipeline.cfg (nothing downloaded)."""
    return assemble()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))
