"""Paused channels: migration 0002, and deliveries held (never lost) while a channel is paused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from bot.service.store import (
    Base,
    Store,
    create_engine,
    current_revision,
    head_revision,
    upgrade_database,
)
from bot.service.store.migrate import alembic_config

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _columns(conn: Connection) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns("channels")}


async def test_upgrade_from_0001_keeps_channels_and_matches_the_models(db_url: str) -> None:
    await upgrade_database(db_url, "0001")
    assert await current_revision(db_url) == "0001"
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            assert "paused_at" not in await conn.run_sync(_columns)
            await conn.execute(text(
                "INSERT INTO channels (platform, workspace_id, channel_id, name, source, "
                "created_at) VALUES ('discord', 'g1', '42', 'desk', 'command', :at)"
            ), {"at": T0.replace(tzinfo=None) if engine.dialect.name == "sqlite" else T0})
    finally:
        await engine.dispose()

    await upgrade_database(db_url)
    assert await current_revision(db_url) == head_revision()

    def diff(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert {"paused_reason", "paused_at"} <= await conn.run_sync(_columns)
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()
    async with Store(db_url) as store, store.session() as repo:
        channel = await repo.get_channel("discord", "42", "g1")
        assert channel is not None and channel.paused_at is None
        assert channel.paused_reason is None and channel.created_at == T0


async def test_downgrade_to_0001_drops_the_pause_columns(db_url: str) -> None:
    async with await Store.open(db_url) as store, store.session() as repo:
        channel = await repo.upsert_channel("discord", "42", workspace_id="g1")
        await repo.pause_channel(channel.id, "gone")

    def downgrade(conn: Connection) -> None:
        config = alembic_config(db_url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")

    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
        async with engine.connect() as conn:
            assert "paused_at" not in await conn.run_sync(_columns)
    finally:
        await engine.dispose()
    await upgrade_database(db_url)
    async with Store(db_url) as store, store.session() as repo:
        channel = await repo.get_channel("discord", "42", "g1")
        assert channel is not None and channel.paused_at is None  # the row survived


async def _queue(store: Store, channel_id: int, n: int) -> list[int]:
    ids = []
    async with store.session() as repo:
        for i in range(n):
            cluster = await repo.create_cluster(
                type="attack", country="AF", place_keys=[f"p{i}"], seen_at=T0, severity_rank=2
            )
            row = await repo.enqueue_delivery(
                channel_id=channel_id, cluster_id=cluster.id, kind="alert",
                payload={"n": i}, not_before=T0,
            )
            assert row is not None
            ids.append(row.id)
    return ids


async def test_a_paused_channels_deliveries_are_held_until_resumed(store: Store) -> None:
    async with store.session() as repo:
        desk = await repo.upsert_channel("discord", "1", workspace_id="g1")
        other = await repo.upsert_channel("discord", "2", workspace_id="g1")
        elsewhere = await repo.upsert_channel("discord", "3", workspace_id="g2")
        assert await repo.paused_channels("discord", "g1") == []
        assert await repo.pause_channel(desk.id, "the bot cannot see #desk", now=T0)
        assert not await repo.pause_channel(9999, "no such channel")
        assert await repo.pause_channel(elsewhere.id, "lost access", now=T0)
    held = await _queue(store, desk.id, 2)
    [free] = await _queue(store, other.id, 1)

    now = T0 + timedelta(minutes=1)
    claimed = await store.claim_deliveries("w1", now)
    assert [d.id for d in claimed] == [free]  # the paused channel's are skipped
    assert await store.mark_sent(free, "m1")
    async with store.session() as repo:
        [paused] = await repo.paused_channels("discord", "g1")
        assert (paused.id, paused.paused_reason, paused.paused_at) == (
            desk.id, "the bot cannot see #desk", T0)
        # Paused again: the newest reason, the first time
        await repo.pause_channel(desk.id, "missing permissions", now=now)
        [paused] = await repo.paused_channels("discord", "g1")
        assert (paused.paused_reason, paused.paused_at) == ("missing permissions", T0)
        assert await repo.pending_count(desk.id) == 2
        # A held delivery with a retry far off is made due by the resume
        await repo.session.execute(text(
            "UPDATE deliveries SET status = 'failed', next_attempt_at = :later WHERE id = :id"
        ), {"later": (now + timedelta(days=1)).replace(tzinfo=None)
            if store.dialect == "sqlite" else now + timedelta(days=1), "id": held[1]})
    assert await store.claim_deliveries("w1", now + timedelta(hours=1)) == []

    async with store.session() as repo:
        assert await repo.resume_channel(desk.id, now=now)
        assert not await repo.resume_channel(desk.id)  # not paused any more
        assert not await repo.resume_channel(other.id)
        assert [c.id for c in await repo.paused_channels("discord", "g1")] == []
        assert [c.id for c in await repo.paused_channels("discord", "g2")] == [elsewhere.id]
    claimed = await store.claim_deliveries("w1", now + timedelta(seconds=1))
    assert sorted(d.id for d in claimed) == sorted(held)
    assert all(d.attempts == 1 for d in claimed)
