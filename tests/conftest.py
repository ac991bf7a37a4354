"""Shared fixtures: the real gazetteer and NLP model, loaded once per test session."""

from __future__ import annotations

import importlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

SHARED_EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.jsonl"
TRAINING = Path(__file__).resolve().parent.parent / "training"


def _training_script(name: str):
    """A script of training/ imported as a module (the folder is no package)."""
    sys.path.insert(0, str(TRAINING))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(TRAINING))


@pytest.fixture(scope="session")
def train_events():
    return _training_script("train_events")


@pytest.fixture(scope="session")
def crossval_events():
    return _training_script("crossval_events")


@pytest.fixture(scope="session")
def word_examples():
    return _training_script("word_examples")


@pytest.fixture(scope="session")
def analyzer():
    from bot.analysis.analyze import Analyzer
    from config.settings import Settings

    a = Analyzer(Settings(_env_file=None))
    a.warm_up()
    return a


@pytest.fixture(scope="session")
def dev_cases():
    import json

    if not SHARED_EVAL.is_file():
        pytest.skip(f"{SHARED_EVAL} is absent")
    return [json.loads(line) for line in SHARED_EVAL.read_text().splitlines() if line.strip()]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator:
    """A fresh SQLite store in the test's temporary directory (modules that need another
    database define their own ``store``)."""
    from bot.service.store import Store

    s = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}")
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture(scope="session")
def pattern_examples():
    return _training_script("pattern_examples")
