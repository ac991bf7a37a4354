"""Fresh databases for tests: a SQLite file, or a new database on the PostgreSQL server in
``NEWSBOT_TEST_POSTGRES_URL`` (``source .ci/postgres.sh`` starts one). Without that
variable PostgreSQL cases skip — except under ``CI=true``, where they fail."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.service.store import normalize_url

PG_ENV = "NEWSBOT_TEST_POSTGRES_URL"


def require_postgres() -> str:
    """The server URL, or skip (fail under CI) when there is none."""
    url = os.environ.get(PG_ENV)
    if not url:
        message = f"{PG_ENV} is not set (start a server with: source .ci/postgres.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL tests cannot skip under CI: {message}", pytrace=False)
        pytest.skip(message)
    return url


async def fresh_database(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """Yield the URL of an empty database on ``backend``; drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    server = normalize_url(require_postgres())
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"newsbot_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
