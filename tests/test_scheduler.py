"""bot.service.scheduler: real APScheduler timers, a loopback feed server, one SQLite file shared
by two schedulers with separate engines (as two processes would have)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.service.feeds import FeedItem, FeedPolicy
from bot.service.scheduler import FeedScheduler
from bot.service.store import Store
from config.settings import Settings

RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
    b"<item><title>One</title><link>https://news.example/one</link></item>"
    b"</channel></rss>"
)


@dataclass
class CountingServer:
    """Serves the same RSS on every path, after ``delay`` seconds; counts hits per path."""

    port: int = 0
    delay: float = 0.0
    hits: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
async def server() -> AsyncIterator[CountingServer]:
    state = CountingServer()
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            state.hits[head.split(b" ", 2)[1].decode()] += 1
            state.in_flight += 1
            try:
                await asyncio.sleep(state.delay)
            finally:
                state.in_flight -= 1
            writer.write(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/rss+xml\r\n"
                + f"Content-Length: {len(RSS)}\r\n\r\n".encode()
                + RSS
            )
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.port = srv.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        for task in tasks:
            task.cancel()
        srv.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        await srv.wait_closed()


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/t.db"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    store = await Store.open(db_url)
    try:
        yield store
    finally:
        await store.close()


SETTINGS = Settings(_env_file=None, allow_private_networks=True, fetch_timeout=3.0)


async def add_feeds(store: Store, server: CountingServer, n: int) -> list[str]:
    urls = [server.url(f"/feed{i}") for i in range(n)]
    async with store.session() as repo:
        for url in urls:
            await repo.add_feed(url, backfill=True)
    return urls


class Collector:
    def __init__(self) -> None:
        self.links: list[str] = []

    async def __call__(self, link: str, item: FeedItem) -> None:
        self.links.append(link)


def _our_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("feed-")]


async def test_two_schedulers_poll_each_feed_once_per_interval(
    server: CountingServer, store: Store, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    server.delay = 0.15  # polls overlap, so both workers must take part
    await add_feeds(store, server, 3)
    other = Store(db_url)  # a second engine, as another process would have
    # Wide margins on every side, so that a loaded machine cannot fail the test: the first
    # interval's polls take about 0.5 s of its 2 s, the second's start at 2 s and are read at
    # 3.4 s, and a third could not start before 4 s.
    policy = FeedPolicy(poll_interval=2.0)
    submit = Collector()
    a = FeedScheduler(
        store, SETTINGS, submit, worker_id="a", policy=policy, tick=0.1, concurrency=1
    )
    b = FeedScheduler(
        other, SETTINGS, submit, worker_id="b", policy=policy, tick=0.1, concurrency=1
    )
    try:
        a.start()
        b.start()
        await asyncio.sleep(1.4)  # inside the first interval
        assert sorted(server.hits.values()) == [1, 1, 1]
        await asyncio.sleep(2.0)  # into the second interval, not the third
    finally:
        await asyncio.gather(a.shutdown(), b.shutdown())
        await other.close()
    assert sorted(server.hits.values()) == [2, 2, 2]
    assert a.polls_started > 0 and b.polls_started > 0
    assert a.polls_started + b.polls_started == 6
    assert len(submit.links) == 3  # backfill on the first poll; nothing new afterwards
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_shutdown_waits_for_polls_in_flight_and_starts_no_more(
    server: CountingServer, store: Store
) -> None:
    server.delay = 0.4
    urls = await add_feeds(store, server, 3)
    scheduler = FeedScheduler(store, SETTINGS, Collector(), worker_id="w", tick=0.05, concurrency=1)
    scheduler.start()
    for _ in range(100):
        if server.in_flight:
            break
        await asyncio.sleep(0.02)
    assert server.in_flight == 1
    await scheduler.shutdown()
    assert not scheduler.running
    assert _our_tasks() == []
    assert sum(server.hits.values()) == 1 and server.in_flight == 0
    await asyncio.sleep(0.3)  # several ticks' worth: nothing else starts
    assert sum(server.hits.values()) == 1
    async with store.session() as repo:
        feeds = {f.url: f for f in await repo.list_feeds()}
    polled = [u for u in urls if feeds[u].last_polled_at is not None]
    assert len(polled) == 1  # the poll in flight finished and was recorded
    assert all(f.claimed_by is None for f in feeds.values())
    await scheduler.shutdown()  # a second call is harmless
    with pytest.raises(RuntimeError):
        scheduler.start()


async def test_run_cycle_polls_everything_due_within_the_concurrency_bound(
    server: CountingServer, store: Store
) -> None:
    server.delay = 0.05
    await add_feeds(store, server, 7)
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, server.in_flight)
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(watch())
    scheduler = FeedScheduler(store, SETTINGS, Collector(), worker_id="w", concurrency=3)
    try:
        assert await scheduler.run_cycle() == 7
        assert await scheduler.run_cycle() == 0  # nothing due until the interval is over
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        await scheduler.shutdown()
    assert sorted(server.hits.values()) == [1] * 7
    assert 1 < peak <= 3


async def test_default_tick_and_lease() -> None:
    scheduler = FeedScheduler(
        None,  # type: ignore[arg-type]
        SETTINGS,
        Collector(),
        policy=FeedPolicy(poll_interval=2.0),
    )
    assert scheduler.tick == 2.0
    assert FeedScheduler(None, SETTINGS, Collector()).tick == 5.0  # type: ignore[arg-type]
    assert scheduler.lease.total_seconds() >= 3 * SETTINGS.fetch_timeout
    assert scheduler.worker_id.count(":") == 2
