"""Migrations: fresh database to head, idempotent, concurrent, reversible, in step with models."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.service.store import (
    Base,
    UnsupportedDatabase,
    create_engine,
    current_revision,
    head_revision,
    normalize_url,
    upgrade_database,
)
from bot.service.store.migrate import alembic_config

TABLES = {
    "alembic_version",
    "articles",
    "channels",
    "deliveries",
    "delivery_clusters",
    "event_clusters",
    "events",
    "feed_items",
    "feeds",
    "intake",
    "subscriptions",
}


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_fresh_database_upgrades_to_head_and_rerun_is_a_noop(db_url: str) -> None:
    assert await current_revision(db_url) is None
    await upgrade_database(db_url)
    assert await current_revision(db_url) == head_revision()
    assert await _tables(db_url) == TABLES
    await upgrade_database(db_url)  # idempotent
    assert await current_revision(db_url) == head_revision()


async def test_concurrent_upgrades_do_not_collide(db_url: str) -> None:
    await asyncio.gather(*(upgrade_database(db_url) for _ in range(3)))
    assert await current_revision(db_url) == head_revision()


async def test_migrated_schema_matches_the_models(db_url: str) -> None:
    await upgrade_database(db_url)

    def diff(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    await upgrade_database(db_url)

    def downgrade(conn: Connection) -> None:
        config = alembic_config(db_url)
        config.attributes["connection"] = conn
        command.downgrade(config, "base")

    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
    finally:
        await engine.dispose()
    assert await _tables(db_url) == {"alembic_version"}
    await upgrade_database(db_url)
    assert await _tables(db_url) == TABLES


def test_urls_are_normalised_to_async_drivers() -> None:
    assert normalize_url("postgresql://u:p@h:5/db").drivername == "postgresql+asyncpg"
    assert normalize_url("postgres://u@h/db").drivername == "postgresql+asyncpg"
    assert normalize_url("sqlite:///./x.db").drivername == "sqlite+aiosqlite"
    kept = "postgresql+asyncpg://u:p%40ss@h:5/db"
    assert normalize_url(kept).render_as_string(hide_password=False) == kept
    with pytest.raises(UnsupportedDatabase):
        normalize_url("mysql://u@h/db")
