"""The feed poller: an APScheduler 3 ``AsyncIOScheduler`` ticking a claim-and-poll loop.

A *fill cycle* claims as many due feeds as there are free poll slots
(``Store.claim_due_feeds`` — a lease in the database, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several processes on one database never poll a feed twice per interval),
starts a poll for each, and goes on claiming as slots free up until nothing is due. At
most ``concurrency`` polls (``NEWSBOT_POLL_CONCURRENCY``) run at once, and at most
``per_host`` (``NEWSBOT_POLL_PER_HOST``) against one host: a feed is only claimed when a
slot *and* its host have room for it, so a claim's lease never runs out while the feed
waits its turn, and the feeds of one slow host never hold up the others.

A poll ends when the feed is parsed and its new items are recorded — in the service, in
the durable intake queue the pipeline's workers read (see :func:`bot.service.feeds.poll_feed`),
so reading articles never occupies a poll slot.

Cycles start on time: when a cycle ends, and when a poll ends, the scheduler sets a timer
for the moment the next feed falls due, so a feed is polled within moments of its
``next_poll_at`` (interval + well under a second), not on the next tick. The APScheduler
interval job (every ``tick`` seconds, ``max_instances=1``, ``coalesce=True``) remains as
the safety net for feeds other processes add or give back.

The job itself only starts the cycle as a task of this class and returns at once, so
APScheduler never cancels work half-way (its asyncio executor cancels running jobs at
shutdown). :meth:`FeedScheduler.shutdown` stops the job, lets the polls in flight
finish, starts no poll after it has begun, and only then hands back whatever feeds this
worker still holds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import Counter
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
from config.settings import Settings, redact_url

log = logging.getLogger("newsbot.scheduler")

MAX_TICK = 5.0
# Seconds after a feed falls due that its timer fires: feeds falling due together are
# claimed together, one transaction for many instead of one each.
WAKE_SLACK = 0.1
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
        submit: Submit | None = None,
        *,
        worker_id: str | None = None,
        client: httpx.AsyncClient | None = None,
        policy: FeedPolicy | None = None,
        tick: float | None = None,
        concurrency: int | None = None,
        per_host: int | None = None,
        lease: timedelta | None = None,
        clock: Callable[[], datetime] = utcnow,
        on_items: Callable[[], None] | None = None,
    ) -> None:
        """``submit`` None: new items go to the durable intake queue, and ``on_items()``
        is called after a poll queued some (the pipeline wakes up for them).
        ``concurrency`` and ``per_host`` default to ``settings.poll_concurrency`` and
        ``settings.poll_per_host``."""
        concurrency = settings.poll_concurrency if concurrency is None else concurrency
        per_host = settings.poll_per_host if per_host is None else per_host
        if concurrency < 1 or per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        self.store = store
        self.settings = settings
        self.submit = submit
        self.on_items = on_items
        self.worker_id = worker_id or default_worker_id()
        self.policy = policy or FeedPolicy.from_settings(settings)
        self.tick = tick if tick is not None else min(self.policy.poll_interval, MAX_TICK)
        if self.tick <= 0:
            raise ValueError("tick must be positive")
        self.concurrency = concurrency
        self.per_host = per_host
        self._batch = max(1, concurrency // 8)
        # A claim must outlive the slowest poll: the whole fetch plus the database work.
        self.lease = lease or max(DEFAULT_LEASE, timedelta(seconds=3 * settings.fetch_timeout + 30))
        self.clock = clock
        self.polls_started = 0
        self._client = client
        self._own_client = False
        self._scheduler: AsyncIOScheduler | None = None
        self._closing = False
        self._closed = asyncio.Event()
        self._cycle: asyncio.Task[None] | None = None
        self._cycle_lock = asyncio.Lock()
        self._rerun = False
        self._kicked = asyncio.Event()
        self._wake: asyncio.TimerHandle | None = None
        self._polls: set[asyncio.Task[PollResult | None]] = set()
        self._busy: Counter[str] = Counter()  # host → polls of it running now

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
            "feed scheduler %s started: %d polls at once, %d per host (tick %g s)",
            self.worker_id,
            self.concurrency,
            self.per_host,
            self.tick,
        )

    async def shutdown(self) -> None:
        """Stop ticking, start no new poll, wait for the polls in flight to finish."""
        if self._closing:
            await self._closed.wait()
            return
        self._closing = True
        self._kicked.set()
        try:
            if self._wake is not None:
                self._wake.cancel()
                self._wake = None
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.shutdown(wait=False)
                await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the next loop turn
            while True:
                pending = [t for t in (self._cycle, *self._polls) if t is not None and not t.done()]
                if not pending:
                    break
                await asyncio.gather(*pending, return_exceptions=True)
            # Only now, with every poll over: a claim handed back earlier would make a poll
            # still running lose it ("claim lost") and its outcome go unrecorded.
            try:
                released = await self.store.release_worker_feeds(self.worker_id)
                if released:
                    log.info("feed scheduler %s: handed back %d feeds", self.worker_id, released)
            except Exception:
                log.exception("feed scheduler %s: could not release claims", self.worker_id)
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
            self._client = make_client(self.settings, max_connections=self.concurrency)
            self._own_client = True
        return self._client

    async def _tick(self) -> None:
        # Never awaits: APScheduler's executor cancels running jobs at shutdown, and
        # this way there is nothing of ours for it to cancel.
        self._kick()

    def _kick(self) -> None:
        """Make sure a fill cycle runs now (or runs again right after the current one)."""
        if self._closing:
            return
        self._kicked.set()
        if self._cycle is not None and not self._cycle.done():
            self._rerun = True
            return
        self._cycle = asyncio.create_task(self._cycles(), name=f"feed-cycle:{self.worker_id}")

    async def _cycles(self) -> None:
        while not self._closing:
            self._rerun = False
            await self._fill()
            if not self._rerun:
                break

    def _wake_at(self, due: datetime | None) -> None:
        """Kick a cycle when ``due`` comes, unless a timer already fires sooner."""
        if due is None or self._closing or self._scheduler is None:
            return
        loop = asyncio.get_running_loop()
        when = loop.time() + max(0.0, (due - self.clock()).total_seconds()) + WAKE_SLACK
        if self._wake is not None:
            if not self._wake.cancelled() and self._wake.when() <= when:
                return
            self._wake.cancel()
        self._wake = loop.call_at(when, self._on_wake)

    def _on_wake(self) -> None:
        self._wake = None
        self._kick()

    async def run_cycle(self) -> int:
        """Claim and poll every feed due now, wait for those polls; how many were polled.

        What the timer does each tick, runnable by hand (tests, benchmarks, one-shot CLI).
        """
        started = self.polls_started
        await self._fill()
        while polls := [t for t in self._polls if not t.done()]:
            await asyncio.gather(*polls, return_exceptions=True)
        return self.polls_started - started

    async def _wait_for_change(self) -> None:
        """Until a poll ends or someone kicks the scheduler."""
        kicked = asyncio.ensure_future(self._kicked.wait())
        try:
            await asyncio.wait({*self._polls, kicked}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            kicked.cancel()

    async def _fill(self) -> int:
        """Claim due feeds into free slots until nothing more is due; returns polls started."""
        started = 0
        next_due: datetime | None = None
        async with self._cycle_lock:
            while not self._closing:
                self._kicked.clear()
                free = self.concurrency - len(self._polls)
                # Claim in batches: one transaction per poll ending would cost more than
                # the few slots left idle for a moment.
                if free <= 0 or (free < self._batch and len(self._polls) >= self._batch):
                    await self._wait_for_change()
                    continue
                try:
                    feeds, held_back, next_due = await self.store.claim_due_feeds_per_host(
                        self.worker_id,
                        self.clock(),
                        limit=free,
                        lease=self.lease,
                        per_host=self.per_host,
                        busy=+self._busy,
                    )
                except Exception:
                    log.exception("feed scheduler %s: could not claim feeds", self.worker_id)
                    next_due = None
                    break
                if self._closing:
                    await self._release(feeds)
                    break
                for feed in feeds:
                    self._start_poll(feed)
                    started += 1
                if len(feeds) == free:
                    continue
                if held_back:
                    # More is due on hosts at their limit: a poll ending makes room.
                    if self._polls:
                        await self._wait_for_change()
                    continue
                break  # nothing else is due
            self._wake_at(next_due)
        return started

    def _start_poll(self, feed: FeedRow) -> None:
        host = feed.host
        task = asyncio.create_task(self._poll(feed), name=f"feed-poll:{feed.url}")
        self._polls.add(task)
        self._busy[host] += 1

        def done(t: asyncio.Task[PollResult | None]) -> None:
            self._polls.discard(t)
            self._busy[host] -= 1
            if self._busy[host] <= 0:
                del self._busy[host]

        task.add_done_callback(done)
        self.polls_started += 1

    async def _poll(self, feed: FeedRow) -> PollResult | None:
        now = self.clock()
        try:
            result = await poll_feed(
                feed,
                self.store,
                self.settings,
                self.submit,
                client=self._ensure_client(),
                worker_id=self.worker_id,
                now=now,
                policy=self.policy,
            )
        except Exception:
            # A database hiccup: the claim runs out and the feed is polled again then.
            log.exception("feed %s: poll crashed", redact_url(feed.url))
            return None
        # This feed is due again one interval after this poll began (a failing one
        # later: the timer then finds nothing due and sets itself for the true time).
        self._wake_at(now + timedelta(seconds=self.policy.poll_interval))
        if result.submitted and self.submit is None and self.on_items is not None:
            try:
                self.on_items()
            except Exception:
                log.exception("feed scheduler %s: on_items failed", self.worker_id)
        return result

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
