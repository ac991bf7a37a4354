"""The durable intake queue (links waiting for the pipeline) and per-host feed claims, on
SQLite and PostgreSQL (issue 9)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.service.store import INTAKE_MAX_ATTEMPTS, IntakeRow, Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def _links(store: Store, n: int, source: str = "slack") -> list[int]:
    async with store.session() as repo:
        return await repo.enqueue_links(
            [{"url": f"https://news.example/{i}", "source": source} for i in range(n)]
        )


async def _row(store: Store, intake_id: int) -> IntakeRow:
    async with store.session() as repo:
        row = await repo.session.get(IntakeRow, intake_id)
        assert row is not None
        return row


async def test_links_are_claimed_oldest_first_once_and_finished(store: Store) -> None:
    async with store.session() as repo:
        [feed_item] = await repo.enqueue_links(
            [{"url": "https://news.example/f", "source": "feed", "feed_id": 999,
              "published_hint": date(2026, 2, 28)}]
        )
    ids = await _links(store, 3)
    now = datetime.now(UTC)
    first = await store.claim_intake("w1", now, limit=2, lease=LEASE)
    assert [r.id for r in first] == [feed_item, ids[0]]
    assert first[0].feed_id == 999 and first[0].published_hint == date(2026, 2, 28)
    assert all(r.status == "processing" and r.attempts == 1 for r in first)
    second = await store.claim_intake("w2", now, limit=10, lease=LEASE)
    assert [r.id for r in second] == ids[1:]
    assert await store.claim_intake("w3", now, limit=10, lease=LEASE) == []

    async with store.session() as repo:
        assert not await repo.finish_intake(ids[0], "w2", outcome="no_events")  # not w2's
        assert await repo.finish_intake(ids[0], "w1", outcome="no_events")
        assert not await repo.finish_intake(ids[0], "w1", outcome="no_events")  # done once
        assert await repo.intake_counts() == {"done": 1, "processing": 3}
    done = await _row(store, ids[0])
    assert (done.status, done.outcome, done.claimed_by) == ("done", "no_events", None)


async def test_a_dead_workers_links_come_back_after_the_lease_then_go_dead(
    store: Store,
) -> None:
    [link] = await _links(store, 1)
    now = datetime.now(UTC)
    for attempt in range(1, INTAKE_MAX_ATTEMPTS + 1):
        got = await store.claim_intake(f"crashed-{attempt}", now, lease=LEASE)
        assert [(r.id, r.attempts) for r in got] == [(link, attempt)]
        assert await store.claim_intake("other", now + LEASE / 2, lease=LEASE) == []
        now += LEASE + timedelta(seconds=1)
    # The article killed every worker that took it: it does not loop for ever.
    assert await store.claim_intake("other", now, lease=LEASE) == []
    row = await _row(store, link)
    assert row.status == "dead" and "lease expired" in (row.last_error or "")


async def test_release_on_shutdown_does_not_use_an_attempt(store: Store) -> None:
    a, b = await _links(store, 2)
    now = datetime.now(UTC)
    await store.claim_intake("w1", now, lease=LEASE)
    assert await store.release_intake("w1", [a]) == 1
    assert (await _row(store, a)).attempts == 0
    async with store.session() as repo:
        assert await repo.release_intake("w1", keep_attempts=True) == 1  # a died: b counts
    assert (await _row(store, b)).attempts == 1
    got = await store.claim_intake("w2", now, lease=LEASE)
    assert sorted(r.id for r in got) == [a, b]


async def test_retry_later_then_dead_after_the_last_attempt(store: Store) -> None:
    [link] = await _links(store, 1)
    now = datetime.now(UTC)
    for attempt in range(1, INTAKE_MAX_ATTEMPTS + 1):
        [row] = await store.claim_intake("w", now, lease=LEASE)
        assert (row.id, row.attempts) == (link, attempt)
        async with store.session() as repo:
            status = await repo.retry_intake(link, "w", "database down", now + LEASE)
        assert status == ("dead" if attempt == INTAKE_MAX_ATTEMPTS else "pending")
        if status == "pending":
            assert await store.claim_intake("w", now, lease=LEASE) == []  # not before
        now += LEASE


async def test_an_already_claimed_link_is_processed_by_its_claimer_only(store: Store) -> None:
    async with store.session() as repo:
        [link] = await repo.enqueue_links(
            [{"url": "https://news.example/now", "source": "slack"}], claimed_by="w1",
            lease=LEASE,
        )
    assert await store.claim_intake("w2", datetime.now(UTC), lease=LEASE) == []
    row = await _row(store, link)
    assert (row.status, row.claimed_by, row.attempts) == ("processing", "w1", 1)


async def test_concurrent_claimers_never_share_a_link(store: Store) -> None:
    await _links(store, 60)
    other = Store(store.url)  # another engine, as another process would have
    try:
        now = datetime.now(UTC)
        batches = await asyncio.gather(
            *(
                (store if i % 2 else other).claim_intake(f"w{i}", now, limit=7, lease=LEASE)
                for i in range(12)
            )
        )
    finally:
        await other.close()
    ids = [r.id for batch in batches for r in batch]
    assert len(ids) == len(set(ids)) == 60


async def test_prune_forgets_old_finished_links(store: Store) -> None:
    a, b = await _links(store, 2)
    now = datetime.now(UTC)
    await store.claim_intake("w", now, lease=LEASE)
    async with store.session() as repo:
        await repo.finish_intake(a, "w", outcome="duplicate", now=now - timedelta(days=8))
        assert await repo.prune_intake(now - timedelta(days=7)) == 1
        left = (await repo.session.scalars(select(IntakeRow.id))).all()
    assert left == [b]


# -- feeds claimed under a per-host limit ----------------------------------------------------


async def test_per_host_claims_leave_a_busy_hosts_feeds_for_later(store: Store) -> None:
    async with store.session() as repo:
        busy = [await repo.add_feed(f"https://Busy.example/{i}", next_poll_at=T0)
                for i in range(6)]
        quiet = [await repo.add_feed(f"https://quiet.example/{i}",
                                     next_poll_at=T0 + timedelta(seconds=1)) for i in range(2)]
    assert {f.host for f in busy} == {"busy.example"}
    got = await store.claim_due_feeds(
        "w", T0 + timedelta(seconds=5), limit=10, lease=LEASE, per_host=2
    )
    # Oldest first, but never more than two of one host.
    assert [f.id for f in got] == [busy[0].id, busy[1].id, quiet[0].id, quiet[1].id]
    # Two of busy.example are running, one slot of it is left ...
    more = await store.claim_due_feeds(
        "w", T0 + timedelta(seconds=5), limit=10, lease=LEASE, per_host=3,
        busy={"busy.example": 2},
    )
    assert [f.id for f in more] == [busy[2].id]
    # ... and a full host yields nothing, while its feeds stay free for other workers.
    none = await store.claim_due_feeds(
        "w", T0 + timedelta(seconds=5), limit=10, lease=LEASE, per_host=3,
        busy={"busy.example": 3},
    )
    assert none == []
    others = await store.claim_due_feeds("w2", T0 + timedelta(seconds=5), limit=10, lease=LEASE)
    assert [f.id for f in others] == [f.id for f in busy[3:]]
    async with store.session() as repo:
        assert await repo.next_feed_due(T0) is None  # every feed is held
        assert await repo.release_worker_feeds("w2") == 3
        assert await repo.next_feed_due(T0) == T0


async def test_reading_never_waits_for_a_writer_and_writers_take_turns(store: Store) -> None:
    [link] = await _links(store, 1)
    order: list[str] = []

    async def writer(name: str, hold: float) -> None:
        async with store.session() as repo:
            order.append(f"{name} in")
            await repo.enqueue_links([{"url": f"https://news.example/{name}", "source": "t"}])
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    first = asyncio.create_task(writer("a", 0.5))
    await asyncio.sleep(0.1)
    async with asyncio.timeout(0.3), store.read_session() as repo:  # while "a" writes
        assert (await repo.intake_counts()) == {"pending": 1}  # a's row is not committed
        assert await repo.session.get(IntakeRow, link) is not None
    second = asyncio.create_task(writer("b", 0.0))  # "a" is still writing
    await asyncio.gather(first, second)
    if store.dialect == "sqlite":  # one writer at a time, queued in this process
        assert order == ["a in", "a out", "b in", "b out"]
