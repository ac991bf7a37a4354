"""The delivery outbox: enqueue once, claim with leases, retry, dead-letter."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.service.store import DeliveryRow, Repository, Store
from bot.service.store.repository import DeliveryKind

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def _world(repo: Repository, clusters: int = 1) -> tuple[int, int, list[int]]:
    """A channel, an article, and ``clusters`` event clusters."""
    channel = await repo.upsert_channel("console", "stdout")
    article, _ = await repo.add_article(f"https://news.example/{clusters}")
    ids = []
    for i in range(clusters):
        cluster = await repo.create_cluster(
            type="attack", country="AF", place_keys=[f"p{i}"], seen_at=T0, severity_rank=2
        )
        ids.append(cluster.id)
    return channel.id, article.id, ids


async def _enqueue(
    repo: Repository,
    channel: int,
    cluster: int,
    *,
    kind: DeliveryKind = "alert",
    escalation_level: int = 0,
    also_cluster_ids: Sequence[int] = (),
    article_id: int | None = None,
    not_before: datetime = T0,
) -> DeliveryRow | None:
    return await repo.enqueue_delivery(
        channel_id=channel,
        cluster_id=cluster,
        kind=kind,
        payload={"text": f"cluster {cluster}"},
        article_id=article_id,
        escalation_level=escalation_level,
        also_cluster_ids=also_cluster_ids,
        not_before=not_before,
    )


async def test_the_same_alert_is_queued_once_per_channel(store: Store) -> None:
    async with store.session() as repo:
        channel, article, [cluster] = await _world(repo)
        first = await _enqueue(repo, channel, cluster, article_id=article)
        assert first is not None and first.status == "pending" and first.attempts == 0
        assert await _enqueue(repo, channel, cluster) is None
        # A stronger report is a new message; so is each "also reported by" update.
        assert await _enqueue(repo, channel, cluster, kind="escalation", escalation_level=1)
        assert await _enqueue(repo, channel, cluster, kind="also_reported", escalation_level=2)
        assert await _enqueue(repo, channel, cluster, kind="also_reported", escalation_level=3)
        assert await _enqueue(repo, channel, cluster, kind="escalation", escalation_level=1) is None
        other = await repo.upsert_channel("console", "other")
        assert await _enqueue(repo, other.id, cluster) is not None
    assert await store.pending_count() == 5
    assert await store.pending_count(channel) == 4
    async with store.session() as repo:
        assert await repo.queued_levels(channel, [cluster, 999]) == {cluster: 1}
        assert [d.id for d in await repo.deliveries_for_article(article)] == [first.id]


async def test_one_message_for_several_clusters_blocks_each_of_them(store: Store) -> None:
    async with store.session() as repo:
        channel, _, [c1, c2, c3] = await _world(repo, clusters=3)
        grouped = await _enqueue(repo, channel, c1, also_cluster_ids=[c2])
        assert grouped is not None
        assert await _enqueue(repo, channel, c2) is None  # already in the grouped message
        # A message overlapping a queued cluster is refused as a whole, not half-written.
        assert await _enqueue(repo, channel, c3, also_cluster_ids=[c2]) is None
        assert await repo.queued_levels(channel, [c1, c2, c3]) == {c1: 0, c2: 0}
        assert await _enqueue(repo, channel, c3) is not None
    assert await store.pending_count() == 2


async def test_enqueue_commits_or_rolls_back_with_the_rest(store: Store) -> None:
    async with store.session() as repo:
        channel, _, [cluster] = await _world(repo)
    with pytest.raises(RuntimeError):
        async with store.session() as repo:
            await repo.add_article("https://news.example/lost")
            await _enqueue(repo, channel, cluster)
            raise RuntimeError("crash before commit")
    assert await store.pending_count() == 0
    async with store.session() as repo:
        assert await repo.get_article_by_url("https://news.example/lost") is None
        assert await _enqueue(repo, channel, cluster) is not None


async def test_claim_then_mark_sent(store: Store) -> None:
    async with store.session() as repo:
        channel, _, [c1, c2] = await _world(repo, clusters=2)
        d1 = await _enqueue(repo, channel, c1, not_before=T0)
        await _enqueue(repo, channel, c2, not_before=T0 + timedelta(minutes=1))
    assert d1 is not None
    [claimed] = await store.claim_deliveries("w1", T0, limit=10, lease=LEASE)
    assert claimed.id == d1.id
    assert (claimed.status, claimed.attempts, claimed.claimed_by) == ("sending", 1, "w1")
    assert claimed.payload == {"text": f"cluster {c1}"}
    assert await store.claim_deliveries("w2", T0 + timedelta(seconds=1)) == []
    assert await store.pending_count() == 2  # sending still counts as owed
    assert await store.mark_sent(d1.id, "msg-1", now=T0 + timedelta(seconds=2))
    assert not await store.mark_sent(d1.id, "msg-again")
    async with store.session() as repo:
        sent = await repo.get_delivery(d1.id)
        assert sent is not None
        assert (sent.status, sent.sent_message_id, sent.claimed_by) == ("sent", "msg-1", None)
        assert sent.sent_at == T0 + timedelta(seconds=2)
        found = await repo.sent_alert_for_cluster(channel, c1)
        assert found is not None and found.id == d1.id
        assert await repo.delivery_counts() == {"sent": 1, "pending": 1}
    assert await store.pending_count() == 1
    # Sent is final: long after the lease it is not claimed again.
    later = await store.claim_deliveries("w2", T0 + timedelta(hours=1))
    assert [d.cluster_id for d in later] == [c2]


async def test_failed_delivery_retries_then_goes_dead(db_url: str) -> None:
    store = await Store.open(db_url, max_attempts=3)
    try:
        async with store.session() as repo:
            channel, _, [cluster] = await _world(repo)
            delivery = await _enqueue(repo, channel, cluster)
        assert delivery is not None
        now = T0
        for attempt in (1, 2):
            [claimed] = await store.claim_deliveries("w", now, lease=LEASE)
            assert claimed.attempts == attempt
            retry_at = now + timedelta(minutes=attempt)
            status = await store.mark_failed(claimed.id, "HTTP 500", retry_at, worker_id="w")
            assert status == "failed"
            assert await store.claim_deliveries("w", retry_at - timedelta(seconds=1)) == []
            now = retry_at
        [last] = await store.claim_deliveries("w", now, lease=LEASE)
        assert last.attempts == 3
        assert await store.mark_failed(last.id, "HTTP 503", now + timedelta(hours=1)) == "dead"
        assert await store.claim_deliveries("w", now + timedelta(days=1)) == []
        assert await store.pending_count() == 0
        async with store.session() as repo:
            dead = await repo.get_delivery(delivery.id)
            assert dead is not None and (dead.status, dead.last_error) == ("dead", "HTTP 503")
    finally:
        await store.close()


async def test_permanent_failure_goes_dead_at_once(store: Store) -> None:
    async with store.session() as repo:
        channel, _, [cluster] = await _world(repo)
        await _enqueue(repo, channel, cluster)
    [claimed] = await store.claim_deliveries("w", T0)
    assert await store.mark_failed(claimed.id, "HTTP 400 invalid_payload", None) == "dead"
    # Only a delivery being sent can fail.
    assert await store.mark_failed(claimed.id, "again", T0) is None


async def test_expired_lease_is_reclaimed_and_the_old_worker_is_ignored(store: Store) -> None:
    async with store.session() as repo:
        channel, _, [cluster] = await _world(repo)
        await _enqueue(repo, channel, cluster)
    [held] = await store.claim_deliveries("crashed", T0, lease=LEASE)
    assert await store.claim_deliveries("w2", T0 + LEASE - timedelta(seconds=1)) == []
    [again] = await store.claim_deliveries("w2", T0 + LEASE + timedelta(seconds=1), lease=LEASE)
    assert again.id == held.id
    assert (again.claimed_by, again.attempts) == ("w2", 2)
    assert await store.mark_failed(held.id, "late", T0, worker_id="crashed") is None
    assert await store.release_delivery(held.id, worker_id="crashed") is False
    assert await store.mark_sent(again.id, "m")


async def test_a_delivery_that_keeps_killing_its_worker_goes_dead(db_url: str) -> None:
    store = await Store.open(db_url, max_attempts=2)
    try:
        async with store.session() as repo:
            channel, _, [cluster] = await _world(repo)
            await _enqueue(repo, channel, cluster)
        now = T0
        for _ in range(2):
            assert len(await store.claim_deliveries("w", now, lease=LEASE)) == 1
            now += LEASE + timedelta(seconds=1)  # the worker died holding it
        assert await store.claim_deliveries("w", now) == []
        async with store.session() as repo:
            assert await repo.delivery_counts() == {"dead": 1}
    finally:
        await store.close()


async def test_release_does_not_use_up_an_attempt(store: Store) -> None:
    async with store.session() as repo:
        channel, _, [cluster] = await _world(repo)
        await _enqueue(repo, channel, cluster)
    [claimed] = await store.claim_deliveries("w", T0)
    assert claimed.attempts == 1
    retry = T0 + timedelta(seconds=5)  # e.g. Retry-After: 5
    assert await store.release_delivery(claimed.id, at=retry, worker_id="w")
    assert await store.claim_deliveries("w", retry - timedelta(seconds=1)) == []
    [again] = await store.claim_deliveries("w", retry)
    assert again.attempts == 1
    assert await store.release_worker_claims("w") == (0, 1)
    [third] = await store.claim_deliveries("w2", retry)
    assert third.id == claimed.id


@pytest.mark.parametrize("limit", [1, 7])
async def test_concurrent_claimers_never_get_the_same_delivery(
    db_url: str, store: Store, limit: int
) -> None:
    total = 60
    async with store.session() as repo:
        channel, _, clusters = await _world(repo, clusters=total)
        for cluster in clusters:
            await _enqueue(repo, channel, cluster)
    other = Store(db_url)  # a second engine, as a second process would have

    async def drain(s: Store, worker: str) -> list[int]:
        got: list[int] = []
        for _ in range(total + 1):  # bounded: a broken claim must fail the test, not hang it
            batch = await s.claim_deliveries(worker, T0, limit=limit, lease=LEASE)
            if not batch:
                break
            got += [d.id for d in batch]
            await asyncio.sleep(0)
        return got

    try:
        results = await asyncio.gather(
            drain(store, "a1"), drain(other, "b1"), drain(store, "a2"), drain(other, "b2")
        )
    finally:
        await other.close()
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)) == total
    assert sum(1 for r in results if r) >= 2  # the work really was shared
