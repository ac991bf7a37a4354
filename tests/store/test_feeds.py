"""Feeds: registration, due-for-poll claims with leases, health, seen items."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.service.store import DuplicateFeed, Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=5)
LEASE = timedelta(seconds=30)


async def test_add_feed_rejects_duplicates_and_upsert_does_not(store: Store) -> None:
    async with store.session() as repo:
        feed = await repo.add_feed("https://a.example/rss", added_by="U1", next_poll_at=T0)
        assert (feed.health, feed.source, feed.first_poll_done) == ("ok", "command", False)
        with pytest.raises(DuplicateFeed):
            await repo.add_feed("https://a.example/rss")
        same = await repo.upsert_feed("https://a.example/rss", backfill=True)
        assert same.id == feed.id and same.backfill and same.source == "config"
        await repo.upsert_feed("https://b.example/rss")
        assert [f.url for f in await repo.list_feeds()] == [
            "https://a.example/rss",
            "https://b.example/rss",
        ]
        assert await repo.remove_feed("https://b.example/rss")
        assert not await repo.remove_feed("https://b.example/rss")


async def test_claim_respects_next_poll_at_and_the_lease(store: Store) -> None:
    async with store.session() as repo:
        due = await repo.add_feed("https://due.example/rss", next_poll_at=T0)
        await repo.add_feed("https://later.example/rss", next_poll_at=T0 + timedelta(minutes=1))

    claimed = await store.claim_due_feeds("w1", T0, limit=10, lease=LEASE)
    assert [f.id for f in claimed] == [due.id]
    assert claimed[0].claimed_by == "w1" and claimed[0].claimed_until == T0 + LEASE
    # Held by w1: nobody else gets it, not even a second later.
    assert await store.claim_due_feeds("w2", T0 + timedelta(seconds=1), lease=LEASE) == []

    async with store.session() as repo:
        assert await repo.finish_feed_poll(
            due.id, "w1", now=T0, next_poll_at=T0 + INTERVAL, etag='"v1"', title="Due"
        )
    # Not due again within its interval, even though its lease is gone.
    got = await store.claim_due_feeds("w2", T0 + INTERVAL - timedelta(seconds=1), lease=LEASE)
    assert [f.url for f in got] == ["https://later.example/rss"]
    again = await store.claim_due_feeds("w2", T0 + INTERVAL, lease=LEASE)
    assert [f.id for f in again] == [due.id]
    assert (again[0].etag, again[0].title, again[0].first_poll_done) == ('"v1"', "Due", True)


async def test_crashed_pollers_claim_expires(store: Store) -> None:
    async with store.session() as repo:
        feed = await repo.add_feed("https://a.example/rss", next_poll_at=T0)
    assert len(await store.claim_due_feeds("crashed", T0, lease=LEASE)) == 1
    assert await store.claim_due_feeds("w2", T0 + LEASE - timedelta(seconds=1)) == []
    [reclaimed] = await store.claim_due_feeds("w2", T0 + LEASE + timedelta(seconds=1))
    assert reclaimed.id == feed.id and reclaimed.claimed_by == "w2"
    async with store.session() as repo:
        # The late worker's result is refused: it no longer holds the feed.
        assert not await repo.finish_feed_poll(feed.id, "crashed", next_poll_at=T0 + INTERVAL)
        assert await repo.finish_feed_poll(feed.id, "w2", next_poll_at=T0 + INTERVAL)


async def test_failures_count_up_and_disabled_feeds_are_never_due(store: Store) -> None:
    async with store.session() as repo:
        feed = await repo.add_feed("https://bad.example/rss", next_poll_at=T0)
    now = T0
    for n in (1, 2):
        [claimed] = await store.claim_due_feeds("w", now)
        async with store.session() as repo:
            await repo.finish_feed_poll(
                claimed.id, "w", now=now, next_poll_at=now, error="HTTP 500", disable=n == 2
            )
            state = await repo.get_feed(feed.id)
            assert state is not None
            assert (state.failures, state.health_reason) == (n, "HTTP 500")
            assert state.health == ("failing" if n == 1 else "disabled")
        now += timedelta(minutes=1)
    assert await store.claim_due_feeds("w", now + timedelta(days=1)) == []
    async with store.session() as repo:
        assert await repo.enable_feed("https://bad.example/rss", now=now)
    [back] = await store.claim_due_feeds("w", now)
    assert (back.health, back.failures) == ("ok", 0)


async def test_concurrent_feed_claims_never_overlap(db_url: str, store: Store) -> None:
    async with store.session() as repo:
        for i in range(40):
            await repo.add_feed(f"https://f{i}.example/rss", next_poll_at=T0)
    other = Store(db_url)  # a second engine: as another process would have
    try:
        batches = await asyncio.gather(
            *(s.claim_due_feeds(f"w{i}", T0, limit=3) for i, s in enumerate([store, other] * 10))
        )
    finally:
        await other.close()
    ids = [f.id for batch in batches for f in batch]
    assert len(ids) == len(set(ids)) == 40


async def test_seen_items_report_only_new_keys(store: Store) -> None:
    async with store.session() as repo:
        feed = await repo.add_feed("https://a.example/rss")
        other = await repo.add_feed("https://b.example/rss")
        assert await repo.mark_items_seen(feed.id, ["a", "b", "a"]) == {"a", "b"}
        assert await repo.mark_items_seen(feed.id, ["b", "c"]) == {"c"}
        assert await repo.mark_items_seen(other.id, ["a"]) == {"a"}
        many = [f"k{i}" for i in range(1200)]  # more than one statement's worth
        assert await repo.mark_items_seen(feed.id, many) == set(many)
        assert await repo.mark_items_seen(feed.id, []) == set()
