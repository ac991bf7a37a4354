"""Fixtures: every store test runs on SQLite (a fresh file) and on PostgreSQL.

PostgreSQL comes from ``NEWSBOT_TEST_POSTGRES_URL`` (``.ci/postgres.sh`` starts one); each
test gets its own freshly created database on that server. Without the variable the
PostgreSQL cases skip — except under ``CI=true``, where they fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from databases import fresh_database, require_postgres

from bot.service.store import Store

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on."""
    name: str = request.param
    if name == "postgresql":
        require_postgres()
    return name


@pytest.fixture
async def db_url(backend: str, tmp_path) -> AsyncIterator[str]:
    """The URL of an empty database, dropped after the test."""
    async for url in fresh_database(backend, tmp_path):
        yield url


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    """A migrated store on a fresh database."""
    store = await Store.open(db_url)
    try:
        yield store
    finally:
        await store.close()
