"""The outbox worker end to end: a real SQLite store, real HTTP to loopback receivers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from itertools import pairwise
from typing import Any

import httpx
import pytest
from fakes import FakeWebhookReceiver, Reply, add_channel, queue_alert, sample_alert

from bot.service.outbox import OutboxWorker, Sink, original_finder
from bot.service.store import Store
from handlers.webhooks import make_client, webhook_sinks

FAST = {"backoff_base": 0.05, "backoff_max": 0.2}


@pytest.fixture
async def db_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/t.db"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    s = await Store.open(db_url, max_attempts=3)
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(timeout=2.0) as c:
        yield c


@pytest.fixture
def sinks(store: Store, client: httpx.AsyncClient) -> dict[str, Sink]:
    return webhook_sinks(client, find_original=original_finder(store))


def _worker(store: Store, sinks: dict[str, Sink], name: str = "w1", **kw: Any) -> OutboxWorker:
    options: dict[str, Any] = {"min_interval_per_channel": {}, **FAST, **kw}
    return OutboxWorker(store, sinks, worker_id=name, **options)


async def _drain(worker: OutboxWorker, store: Store, timeout: float = 5.0) -> None:
    """Run the worker until nothing is owed any more."""
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop, poll_interval=0.02))
    try:
        async with asyncio.timeout(timeout):
            while await store.pending_count():
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task


async def _status(store: Store, delivery_id: int) -> tuple[str, int, str | None, str | None]:
    async with store.session() as repo:
        row = await repo.get_delivery(delivery_id)
    assert row is not None
    return row.status, row.attempts, row.last_error, row.sent_message_id


# -- retries -------------------------------------------------------------------------------


async def test_500_then_429_then_200_sends_once_and_honours_retry_after(
    store: Store, sinks: dict[str, Sink], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="newsbot.outbox")
    script = [500, Reply(429, headers={"Retry-After": "1"}), 200]
    async with FakeWebhookReceiver("discord", script=script) as rx:
        channel = await add_channel(store, "discord-webhook", rx.webhook_url)
        delivery = await queue_alert(store, channel.id)
        await _drain(_worker(store, sinks), store)
    first, limited, ok = rx.requests
    assert [r.status for r in rx.requests] == [500, 429, 200]
    assert len(rx.delivered) == 1
    assert ok.at - limited.at >= 0.95  # Retry-After: 1
    assert limited.at - first.at < 0.9  # a 500 without Retry-After backs off briefly
    status, attempts, error, message_id = await _status(store, delivery.id)
    assert (status, attempts, error) == ("sent", 3, None)
    assert message_id == next(iter(rx.messages))
    lines = [r.getMessage() for r in caplog.records if r.name == "newsbot.outbox"]
    assert sum("HTTP 500" in m for m in lines) == 1
    assert sum("HTTP 429" in m and "retry in 1.0s" in m for m in lines) == 1
    assert sum(m.startswith("outbox: sent alert") for m in lines) == 1
    assert not any(rx.webhook_url in m or "t0ken" in m for m in lines)


async def test_a_webhook_answering_400_forever_goes_dead_after_max_attempts(
    store: Store, sinks: dict[str, Sink]
) -> None:
    async with FakeWebhookReceiver("slack", default=400) as rx:
        channel = await add_channel(store, "slack-webhook", rx.webhook_url)
        delivery = await queue_alert(store, channel.id)
        await _drain(_worker(store, sinks), store)
    assert len(rx.requests) == 3 == store.max_attempts
    status, attempts, error, _ = await _status(store, delivery.id)
    assert (status, attempts) == ("dead", 3)
    assert error == "HTTP 400 from slack-webhook: invalid_payload"


async def test_unknown_webhook_goes_dead_at_once(store: Store, sinks: dict[str, Sink]) -> None:
    async with FakeWebhookReceiver("discord", default=404) as rx:
        channel = await add_channel(store, "discord-webhook", rx.webhook_url)
        delivery = await queue_alert(store, channel.id)
        await _drain(_worker(store, sinks), store)
    assert len(rx.requests) == 1
    status, attempts, error, _ = await _status(store, delivery.id)
    assert (status, attempts) == ("dead", 1)
    assert error is not None and "Unknown Webhook" in error


async def test_a_platform_without_a_sink_is_a_clear_permanent_failure(
    store: Store, sinks: dict[str, Sink]
) -> None:
    channel = await add_channel(store, "discord", name="C123")
    delivery = await queue_alert(store, channel.id)
    assert await _worker(store, sinks).run_once() == 0
    status, attempts, error, _ = await _status(store, delivery.id)
    assert (status, attempts) == ("dead", 1)
    assert error is not None and "no sink for platform 'discord'" in error


# -- rate limits and parallel channels -------------------------------------------------------


async def test_one_slack_channel_is_paced_while_two_channels_run_in_parallel(
    store: Store, sinks: dict[str, Sink]
) -> None:
    interval = 0.2
    async with FakeWebhookReceiver("slack") as a, FakeWebhookReceiver("slack") as b:
        ch_a = await add_channel(store, "slack-webhook", a.webhook_url, name="a")
        ch_b = await add_channel(store, "slack-webhook", b.webhook_url, name="b")
        for _ in range(3):
            await queue_alert(store, ch_a.id)
            await queue_alert(store, ch_b.id)
        worker = _worker(store, sinks, min_interval_per_channel={"slack-webhook": interval})
        assert await worker.run_once() == 6
    for rx in (a, b):
        times = [r.at for r in rx.delivered]
        assert len(times) == 3
        assert all(t2 - t1 >= interval * 0.95 for t1, t2 in pairwise(times))
    # Parallel, not one channel after the other: their messages interleave.
    assert b.requests[0].at < a.requests[1].at and a.requests[0].at < b.requests[1].at


async def test_discord_rate_limit_headers_delay_the_next_message(
    store: Store, sinks: dict[str, Sink]
) -> None:
    empty = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.3"}
    async with FakeWebhookReceiver("discord", script=[Reply(200, headers=empty)]) as rx:
        channel = await add_channel(store, "discord-webhook", rx.webhook_url)
        await queue_alert(store, channel.id)
        await queue_alert(store, channel.id)
        assert await _worker(store, sinks).run_once() == 2
    first, second = rx.delivered
    assert second.at - first.at >= 0.28


async def test_a_long_rate_limit_hands_deliveries_back_instead_of_holding_them(
    store: Store, sinks: dict[str, Sink]
) -> None:
    empty = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "30"}
    async with FakeWebhookReceiver("discord", script=[Reply(200, headers=empty)]) as rx:
        channel = await add_channel(store, "discord-webhook", rx.webhook_url)
        await queue_alert(store, channel.id)
        later = await queue_alert(store, channel.id)
        assert await _worker(store, sinks, max_inline_wait=1.0).run_once() == 1
    assert len(rx.requests) == 1
    status, attempts, _, _ = await _status(store, later.id)
    assert (status, attempts) == ("pending", 0)  # handed back, no attempt used
    assert await store.claim_deliveries("other") == []  # not due for ~30 s


# -- crashes, restarts, shutdown ---------------------------------------------------------------


async def test_a_worker_that_dies_mid_send_loses_nothing(
    db_url: str, store: Store, sinks: dict[str, Sink]
) -> None:
    lease = timedelta(seconds=0.6)
    async with FakeWebhookReceiver("slack", script=[Reply(delay=30)]) as rx:
        channel = await add_channel(store, "slack-webhook", rx.webhook_url)
        ids = [(await queue_alert(store, channel.id)).id for _ in range(3)]
        dying = _worker(store, sinks, "dying", lease=lease, lease_margin=timedelta(0))
        task = asyncio.create_task(dying.run_once())
        await rx.wait_for(1, where=lambda r: True)  # first request is in flight, hanging
        task.cancel()  # kill -9: no cleanup, claims stay
        with pytest.raises(asyncio.CancelledError):
            await task

        restarted = Store(db_url, max_attempts=3)  # a new process, its own engine
        try:
            fresh = _worker(restarted, sinks, "fresh", lease=lease, lease_margin=timedelta(0))
            assert await fresh.run_once() == 0  # still leased to the dead worker
            await asyncio.sleep(lease.total_seconds() + 0.1)
            assert await fresh.run_once() == 3
            assert await fresh.run_once() == 0
        finally:
            await restarted.close()
    assert len(rx.delivered) == 3  # each alert arrived exactly once
    for delivery_id in ids:
        status, _, _, _ = await _status(store, delivery_id)
        assert status == "sent"


async def test_two_workers_never_send_the_same_delivery(
    db_url: str, store: Store, client: httpx.AsyncClient
) -> None:
    async with FakeWebhookReceiver("slack") as a, FakeWebhookReceiver("discord") as b:
        ch_a = await add_channel(store, "slack-webhook", a.webhook_url, name="a")
        ch_b = await add_channel(store, "discord-webhook", b.webhook_url, name="b")
        for _ in range(10):
            await queue_alert(store, ch_a.id)
            await queue_alert(store, ch_b.id)
        other = Store(db_url, max_attempts=3)
        try:
            stop = asyncio.Event()
            workers = [
                _worker(s, webhook_sinks(client), name, batch=3)
                for s, name in ((store, "p1"), (other, "p2"))
            ]
            tasks = [asyncio.create_task(w.run(stop, poll_interval=0.02)) for w in workers]
            await a.wait_for(10)
            await b.wait_for(10)
            await asyncio.sleep(0.2)  # room for a duplicate to show up
            stop.set()
            await asyncio.gather(*tasks)
        finally:
            await other.close()
    assert len(a.requests) == len(a.delivered) == 10
    assert len(b.requests) == len(b.delivered) == 10
    embeds = [r.json["embeds"][0]["title"] for r in b.delivered]
    assert len(embeds) == 10
    async with store.session() as repo:
        assert await repo.delivery_counts() == {"sent": 20}


async def test_stop_finishes_the_send_in_flight_and_hands_back_the_rest(
    store: Store, sinks: dict[str, Sink]
) -> None:
    async with FakeWebhookReceiver("slack", script=[Reply(delay=0.3)]) as rx:
        channel = await add_channel(store, "slack-webhook", rx.webhook_url)
        first = await queue_alert(store, channel.id)
        rest = [await queue_alert(store, channel.id) for _ in range(2)]
        stop = asyncio.Event()
        task = asyncio.create_task(_worker(store, sinks).run(stop, poll_interval=0.02))
        await rx.wait_for(1, where=lambda r: True)
        stop.set()
        async with asyncio.timeout(2):
            await task
    assert len(rx.requests) == len(rx.delivered) == 1
    assert (await _status(store, first.id))[0] == "sent"
    for row in rest:
        status, attempts, _, _ = await _status(store, row.id)
        assert (status, attempts) == ("pending", 0)
    assert await store.pending_count() == 2


async def test_also_reported_through_the_worker_edits_the_discord_message(
    store: Store, sinks: dict[str, Sink]
) -> None:
    async with FakeWebhookReceiver("discord") as rx:
        channel = await add_channel(store, "discord-webhook", rx.webhook_url)
        first = await queue_alert(store, channel.id)
        await _drain(_worker(store, sinks), store)
        update = sample_alert(source="reuters.com")
        also = await queue_alert(store, channel.id, update, kind="also_reported",
                                 cluster_id=first.cluster_id, level=2)
        await _drain(_worker(store, sinks), store)
    [post] = rx.delivered
    [patch] = rx.edits
    original_id = (await _status(store, first.id))[3]
    assert patch.path.endswith(f"/messages/{original_id}")
    assert (await _status(store, also.id))[3] == original_id
    assert "reuters.com" in str(patch.json["embeds"][0]["fields"])
    assert post.json["embeds"][0]["title"] == patch.json["embeds"][0]["title"]
