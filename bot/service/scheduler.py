"""The feed poller: an APScheduler 3 ``AsyncIOScheduler`` ticking a claim-and-poll loop.

Every ``tick`` seconds one interval job (``max_instances=1``, ``coalesce=True``) makes
sure a *fill cycle* runs: claim as many due feeds as there are free poll slots
(``Store.claim_due_feeds`` — a lease in the database, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several processes on one database never poll a feed twice per interval),
start a poll for each, and go on claiming as slots free up until nothing is due. At most
``concurrency`` polls run at once, and a feed is only claimed when a slot is free for it,
so a claim's lease never runs out while the feed waits its turn.

The job itself only starts the cycle as a task of this class and returns at once, so
APScheduler never cancels work half-way (its asyncio executor cancels running jobs at
shutdown). :meth:`FeedScheduler.shutdown` stops the job, lets the polls in flight
finish, and starts no poll after it has begun; feeds claimed but not yet started are
handed back at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import update

from bot.fetch import make_client
from bot.service.feeds import FeedPolicy, PollResult, Submit, poll_feed
from bot.service.store import DEFAULT_LEASE, FeedRow, Store
from bot.service.store.schema import utcnow
from config.settings import Settings

log = logging.getLogger("newsbot.scheduler")

DEFAULT_CONCURRENCY = 4
MAX_TICK = 5.0
_EXECUTOR = "newsbot-feeds"
# APScheduler logs two INFO lines per run of every job; a tick every few seconds would
# drown the one line per poll that the service promises. Problems still show.
logging.getLogger(f"apscheduler.executors.{_EXECUTOR}").setLevel(logging.WARNING)
_APS_LOG = logging.getLogger("newsbot.scheduler.apscheduler")
_APS_LOG.setLevel(logging.WARNING)


def default_worker_id() -> str:
    """host:pid:random — unique per process, readable in the feeds table."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class FeedScheduler:
    """Polls due feeds on a timer; share one database between as many as you like.

    ``start()`` inside a running event loop, ``await shutdown()`` to stop. ``submit``
    receives each new item (see :func:`bot.service.feeds.poll_feed`).
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        submit: Submit,
        *,
        worker_id: str | None = None,
        client: httpx.AsyncClient | None = None,
        policy: FeedPolicy | None = None,
        tick: float | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        lease: timedelta | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.store = store
        self.settings = settings
        self.submit = submit
        self.worker_id = worker_id or default_worker_id()
        self.policy = policy or FeedPolicy.from_settings(settings)
        self.tick = tick if tick is not None else min(self.policy.poll_interval, MAX_TICK)
        if self.tick <= 0:
            raise ValueError("tick must be positive")
        self.concurrency = concurrency
        # A claim must outlive the slowest poll: the whole fetch plus the database work.
        self.lease = lease or max(DEFAULT_LEASE, timedelta(seconds=3 * settings.fetch_timeout + 30))
        self.clock = clock
        self.polls_started = 0
        self._client = client
        self._own_client = False
        self._scheduler: AsyncIOScheduler | None = None
        self._closing = False
        self._closed = asyncio.Event()
        self._cycle: asyncio.Task[int] | None = None
        self._cycle_lock = asyncio.Lock()
        self._polls: set[asyncio.Task[PollResult | None]] = set()

    # -- life cycle ----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between ``start()`` and the beginning of ``shutdown()``."""
        return self._scheduler is not None and not self._closing

    def start(self) -> None:
        """Start ticking (the first cycle runs at once). Needs a running event loop."""
        if self._closing:
            raise RuntimeError("this FeedScheduler was shut down; make a new one")
        if self._scheduler is not None:
            raise RuntimeError("already started")
        self._ensure_client()
        scheduler = AsyncIOScheduler(
            timezone=UTC,
            executors={_EXECUTOR: AsyncIOExecutor()},
            logger=_APS_LOG,
        )
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=self.tick,
            id="newsbot-feed-poll",
            executor=_EXECUTOR,
            name="claim and poll due feeds",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(self.tick * 2)),
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info(
            "feed scheduler %s started: tick %g s, %d polls at once",
            self.worker_id,
            self.tick,
            self.concurrency,
        )

    async def shutdown(self) -> None:
        """Stop ticking, start no new poll, wait for the polls in flight to finish."""
        if self._closing:
            await self._closed.wait()
            return
        self._closing = True
        try:
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.shutdown(wait=False)
                await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the next loop turn
            while True:
                pending = [t for t in (self._cycle, *self._polls) if t is not None and not t.done()]
                if not pending:
                    break
                await asyncio.gather(*pending, return_exceptions=True)
            if self._own_client and self._client is not None:
                await self._client.aclose()
                self._client = None
        finally:
            self._closed.set()
        log.info("feed scheduler %s stopped after %d polls", self.worker_id, self.polls_started)

    async def __aenter__(self) -> FeedScheduler:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.shutdown()

    # -- work ----------------------------------------------------------------------------

    def _ensure_client(self) -> httpx.AsyncClient:
        # One guarded client for every poll: connection pooling, and its TLS context
        # (costly to build) is built once.
        if self._client is None:
            self._client = make_client(self.settings)
            self._own_client = True
        return self._client

    async def _tick(self) -> None:
        # Never awaits: APScheduler's executor cancels running jobs at shutdown, and
        # this way there is nothing of ours for it to cancel.
        if self._closing or (self._cycle is not None and not self._cycle.done()):
            return
        self._cycle = asyncio.create_task(self._fill(), name=f"feed-cycle:{self.worker_id}")

    async def run_cycle(self) -> int:
        """Claim and poll every feed due now, wait for those polls; how many were polled.

        What the timer does each tick, runnable by hand (tests, benchmarks, one-shot CLI).
        """
        started = self.polls_started
        await self._fill()
        while polls := [t for t in self._polls if not t.done()]:
            await asyncio.gather(*polls, return_exceptions=True)
        return self.polls_started - started

    async def _fill(self) -> int:
        """Claim due feeds into free slots until nothing more is due; returns polls started."""
        started = 0
        async with self._cycle_lock:
            while not self._closing:
                free = self.concurrency - len(self._polls)
                if free <= 0:
                    await asyncio.wait(set(self._polls), return_when=asyncio.FIRST_COMPLETED)
                    continue
                try:
                    feeds = await self.store.claim_due_feeds(
                        self.worker_id, self.clock(), limit=free, lease=self.lease
                    )
                except Exception:
                    log.exception("feed scheduler %s: could not claim feeds", self.worker_id)
                    break
                if self._closing:
                    await self._release(feeds)
                    break
                for feed in feeds:
                    self._start_poll(feed)
                    started += 1
                if len(feeds) < free:
                    break
        return started

    def _start_poll(self, feed: FeedRow) -> None:
        task = asyncio.create_task(self._poll(feed), name=f"feed-poll:{feed.url}")
        self._polls.add(task)
        task.add_done_callback(self._polls.discard)
        self.polls_started += 1

    async def _poll(self, feed: FeedRow) -> PollResult | None:
        try:
            return await poll_feed(
                feed,
                self.store,
                self.settings,
                self.submit,
                client=self._ensure_client(),
                worker_id=self.worker_id,
                now=self.clock(),
                policy=self.policy,
            )
        except Exception:
            # A database hiccup: the claim runs out and the feed is polled again then.
            log.exception("feed %s: poll crashed", feed.url)
            return None

    async def _release(self, feeds: list[FeedRow]) -> None:
        """Hand back feeds claimed during shutdown, so another worker polls them now."""
        if not feeds:
            return
        try:
            async with self.store.session() as repo:
                await repo.session.execute(
                    update(FeedRow)
                    .where(
                        FeedRow.id.in_([f.id for f in feeds]),
                        FeedRow.claimed_by == self.worker_id,
                    )
                    .values(claimed_by=None, claimed_until=None)
                )
        except Exception:
            log.exception("feed scheduler %s: could not release claims", self.worker_id)
