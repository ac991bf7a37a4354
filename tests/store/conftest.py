"""Fixtures: every store test runs on SQLite (a fresh file) and on PostgreSQL.

PostgreSQL comes from ``NEWSBOT_TEST_POSTGRES_URL`` (``.ci/postgres.sh`` starts one); each
test gets its own freshly created database on that server. Without the variable the
PostgreSQL cases skip — except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import URL

from bot.store import Store, normalize_url

PG_ENV = "NEWSBOT_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def _admin_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on."""
    name: str = request.param
    if name == "postgresql" and not os.environ.get(PG_ENV):
        message = f"{PG_ENV} is not set (start a server with: source .ci/postgres.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL tests cannot skip under CI: {message}", pytrace=False)
        pytest.skip(message)
    return name


@pytest.fixture
async def db_url(backend: str, tmp_path) -> AsyncIterator[str]:
    """The URL of an empty database, dropped after the test."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}"
        return
    server = normalize_url(os.environ[PG_ENV])
    name = f"newsbot_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_admin_dsn(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(_admin_dsn(server))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    """A migrated store on a fresh database."""
    store = await Store.open(db_url)
    try:
        yield store
    finally:
        await store.close()
