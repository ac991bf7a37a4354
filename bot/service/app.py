"""The composition root of `newsbot run`: settings → store → analysis pool → pipeline →
outbox → feed scheduler, stopped cleanly on SIGTERM or Ctrl-C.

Feed polls write new items to the durable intake queue and end; the pipeline's workers
take links from that queue (posted links go there too) and read them in the analysis
pool's worker processes. Stopping: chat apps, then the poller (its polls end and only
then hand back their feeds), then the pipeline (links in progress finish, the rest stay
queued), then the outbox (sends in flight finish, its other deliveries are handed back).

Sinks are found through the ``newsbot.sinks`` entry point group (``handlers`` registers the
console and webhook sinks), so this package never imports a platform adapter. Chat apps
(the Slack app, the Discord bot) come the same way, through ``newsbot.platforms``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any, Protocol

import httpx

from bot.analysis.analyze import Analyzer
from bot.analysis.places import get_gazetteer
from bot.analysis.regions import resolve_region, suggest
from bot.service.analysis_pool import AnalysisPool, default_workers
from bot.service.outbox import OutboxWorker, Sink
from bot.service.pipeline import Ingestor, IngestResult
from bot.service.scheduler import FeedScheduler
from bot.service.store import Store
from config.settings import Settings

log = logging.getLogger("newsbot.app")
SinkFactory = Callable[[Store, httpx.AsyncClient], Mapping[str, Sink]]


def skip_missing_sniffio() -> None:
    """httpcore tries ``import sniffio`` several times per request; when the package is not
    installed, each failed import searches the whole ``sys.path`` again — about a
    millisecond of every feed poll. Record it as absent once, so the import fails at once.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class ConfigError(Exception):
    """The config file names something newsbot cannot use; the message says what."""


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def load_sinks(store: Store, client: httpx.AsyncClient) -> dict[str, Sink]:
    """Every sink the installed handlers offer, by channel platform."""
    sinks: dict[str, Sink] = {}
    for ep in entry_points(group="newsbot.sinks"):
        factory: SinkFactory = ep.load()
        sinks.update(factory(store, client))
    if not sinks:
        raise ConfigError(
            "no sinks are installed (entry point group 'newsbot.sinks'); "
            "reinstall newsbot with `make install`"
        )
    return sinks


# -- chat platforms (Slack app, Discord bot) ---------------------------------------------


class Platform(Protocol):
    """A running chat app; its factory returns None when its tokens are not set."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def load_platforms(service: Service) -> list[Platform]:
    """Every chat app the installed handlers offer and the settings enable."""
    found: list[Platform] = []
    for ep in entry_points(group="newsbot.platforms"):
        factory: Callable[[Service], Platform | None] = ep.load()
        platform = factory(service)
        if platform is not None:
            found.append(platform)
    return found


async def sync_config(store: Store, settings: Settings) -> None:
    """Upsert the config file's feeds and channels (with their subscriptions). With no
    channel anywhere, alerts go to a console channel subscribed to the world."""
    problems: list[str] = []
    async with store.session() as repo:
        for feed in settings.feeds:
            await repo.upsert_feed(feed.url, backfill=feed.backfill, source="config")
        for ch in settings.channels:
            if ch.kind != "console" and ch.url is None:
                problems.append(f"channel {ch.name!r} ({ch.kind}) needs a url")
                continue
            row = await repo.upsert_channel(
                ch.kind, ch.name, name=ch.name,
                webhook_url=ch.url.get_secret_value() if ch.url else None, source="config",
            )
            for region in ch.regions:
                place = resolve_region(region)
                if place is None:
                    close = ", ".join(suggest(region)) or "no close names"
                    problems.append(f"channel {ch.name!r}: unknown region {region!r} ({close})")
                    continue
                await repo.add_subscription(
                    row.id, place.key, place.name, types=ch.types,
                    min_severity=ch.min_severity, created_by="config", replace=True,
                )
        if not settings.channels and not await repo.list_channels():
            row = await repo.upsert_channel("console", "console", name="console", source="config")
            await repo.add_subscription(row.id, "world", "World", created_by="config",
                                        replace=True)
    if problems:
        raise ConfigError("the config file has problems: " + "; ".join(problems))


class Service:
    """One running newsbot: polls feeds, analyses links, delivers alerts."""

    def __init__(self, settings: Settings, *, worker: str | None = None) -> None:
        self.settings = settings
        self.worker = worker or worker_id()
        self.store: Store | None = None
        self.analyzer: Analyzer | None = None
        self.pool: AnalysisPool | None = None
        self.ingestor: Ingestor | None = None
        self.outbox: OutboxWorker | None = None
        self.scheduler: FeedScheduler | None = None
        self._client: httpx.AsyncClient | None = None
        self._outbox_task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.platforms: list[Platform] = []

    async def start(self) -> None:
        skip_missing_sniffio()
        self.store = await Store.open(self.settings.database_url)
        await sync_config(self.store, self.settings)
        self.analyzer = Analyzer(self.settings)
        workers = default_workers(self.settings)
        if workers > 0:
            # Articles are read in the pool; this process needs only the gazetteer (for
            # alerts), and loads the NLP model only if a command analyses a link itself.
            self.pool = AnalysisPool(self.settings, workers)
            await asyncio.gather(self.pool.start(), asyncio.to_thread(get_gazetteer))
        else:
            await asyncio.to_thread(self.analyzer.warm_up)
        self.ingestor = Ingestor(
            self.store, self.analyzer, self.settings, pool=self.pool, worker_id=self.worker,
            # Enough links in progress to keep every analysis worker busy while others
            # are being fetched and stored.
            workers=max(4, 3 * workers + 2),
        )
        await self.ingestor.start()
        self._client = httpx.AsyncClient(timeout=10.0)
        self.outbox = OutboxWorker(
            self.store, load_sinks(self.store, self._client), worker_id=self.worker
        )
        self._outbox_task = asyncio.create_task(self.outbox.run(self._stop), name="outbox")
        self.scheduler = FeedScheduler(
            self.store, self.settings, None, worker_id=self.worker,
            on_items=self.ingestor.wake,
        )
        self.scheduler.start()
        # Chat apps last: a command or a posted link finds the store, queue and outbox up.
        for platform in load_platforms(self):
            await platform.start()
            self.platforms.append(platform)
        log.info("newsbot running as %s (database %s, %s)", self.worker,
                 self.settings.database_url.split("@")[-1],
                 f"{workers} analysis processes" if workers else "analysis in a thread")

    async def submit_link(self, url: str, *, source: str) -> None:
        """A link a person posted: queued durably, like feed items."""
        assert self.ingestor is not None
        await self.ingestor.submit(url, source=source)

    async def process_link(self, url: str, *, source: str) -> IngestResult:
        """A link a person posted, processed now for an answer in the chat — and queued
        durably first, so a crash part-way still gets it processed after the restart."""
        assert self.ingestor is not None and self.store is not None
        return await self.ingestor.process_now(url, source=source)

    def request_stop(self) -> None:
        self._stop.set()

    async def wait(self) -> None:
        await self._stop.wait()

    async def stop(self) -> None:
        """Stop polling, finish the links and sends in progress, then close."""
        # Chat apps first: no new commands or links while the rest winds down.
        for platform in reversed(self.platforms):
            try:
                await platform.stop()
            except Exception:
                log.exception("stopping %s failed", platform.name)
        self.platforms = []
        # The poller before the outbox is told to stop: each ends its own claims.
        if self.scheduler is not None:
            await self.scheduler.shutdown()
        if self.ingestor is not None:
            # Links not started stay queued in the database for the next start.
            await self.ingestor.stop(drain=False, timeout=30)
        self._stop.set()
        if self._outbox_task is not None:
            await self._outbox_task
        if self.pool is not None:
            await self.pool.close()
        if self._client is not None:
            await self._client.aclose()
        if self.store is not None:
            await self.store.close()
        log.info("newsbot stopped")


async def run_service(settings: Settings, *, ready: Callable[[Service], Any] | None = None) -> int:
    """Run until SIGTERM/SIGINT; returns an exit code."""
    service = Service(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, service.request_stop)
    try:
        await service.start()
        if ready is not None:
            ready(service)
        await service.wait()
    finally:
        await service.stop()
    return 0
