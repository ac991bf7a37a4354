"""The ingest path for one link: fetch → read → analyse → store → cluster → match → outbox.

Every link — a feed item, a link posted in a chat, a CLI request — goes through
:meth:`Ingestor.process`; :meth:`Ingestor.submit` queues it for the worker tasks instead.

Once per article: a link is looked up by its canonical URL before fetching and again by the
page's own canonical URL after, and the article body is hashed so a copy under another
URL is recognised too. Everything an article causes — the article row, its events, the
cluster updates and the delivery rows — is written in one transaction, so a crash either
keeps all of it or none (and the link can simply be processed again).

Per channel, an article yields at most one alert message (its new events, strongest
first) — or one escalation message when any of them is a stronger report of a cluster the
channel already heard about — plus one "also reported" update per known cluster the
article's outlet had not reported before. See ``bot.service.clusters`` for the cluster rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from bot.analysis.alerts import Alert, build_alert, source_name
from bot.analysis.analyze import Analyzer
from bot.analysis.article import ArticleError, load_article
from bot.analysis.regions import WORLD
from bot.fetch import FetchedPage, FetchError, canonicalize_url, fetch, make_client
from bot.models import Analysis, Article, Casualties, Event, Place
from bot.service.clusters import Assignment, assign_clusters
from bot.service.matching import match_event, region_keys_for
from bot.service.store import ArticleRow, ChannelRow, EventRow, Repository, Store
from bot.service.store.repository import DeliveryKind
from bot.service.store.schema import utcnow
from config.settings import Settings

log = logging.getLogger("newsbot.pipeline")

Status = Literal["queued_alerts", "no_events", "duplicate", "error"]


@dataclass
class IngestResult:
    """What processing one link did."""

    url: str
    canonical_url: str | None
    article_id: int | None
    status: Status
    error: str | None = None
    events: list[Event] = field(default_factory=list)
    deliveries: int = 0  # delivery rows enqueued
    title: str = ""
    summary: str = ""  # for a person who asked about the link in a chat


@dataclass(frozen=True)
class _Job:
    url: str
    source: str
    feed_id: int | None
    published_hint: date | None


def content_hash(text: str) -> str:
    """Hash of an article body, insensitive to case and whitespace."""
    normalized = " ".join(text.casefold().split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


_ANALYZER_LOCKS: weakref.WeakKeyDictionary[Analyzer, threading.Lock] = weakref.WeakKeyDictionary()
_ANALYZER_LOCKS_GUARD = threading.Lock()


def _analyzer_lock(analyzer: Analyzer) -> threading.Lock:
    # An Analyzer is only safe for sequential use, and several ingestors may share one.
    with _ANALYZER_LOCKS_GUARD:
        lock = _ANALYZER_LOCKS.get(analyzer)
        if lock is None:
            lock = _ANALYZER_LOCKS[analyzer] = threading.Lock()
        return lock


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def event_from_row(row: EventRow) -> Event:
    """Rebuild a stored event (for a duplicate link's result)."""
    places = [
        Place(
            key=p["key"],
            name=p["name"],
            kind=p["kind"],
            country=p.get("country"),
            admin1=p.get("admin1"),
            lat=p.get("lat"),
            lon=p.get("lon"),
        )
        for p in row.places
    ]
    return Event(
        type=row.type,
        places=places,
        evidence=row.evidence,
        headline=row.headline,
        severity=row.severity,
        confidence=row.confidence,
        actors=list(row.actors),
        casualties=Casualties.from_json(row.casualties),
        alert=row.alert,
    )


class Ingestor:
    """Turns links into stored articles, clusters and queued deliveries."""

    def __init__(
        self,
        store: Store,
        analyzer: Analyzer,
        settings: Settings,
        *,
        per_host_limit: int = 2,
        workers: int = 4,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.analyzer = analyzer
        self.settings = settings
        self.per_host_limit = per_host_limit
        self.workers = workers
        self.clock = clock
        self.queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._urls: dict[str, tuple[asyncio.Lock, int]] = {}
        self._client: httpx.AsyncClient | None = None

    # -- queue and workers ---------------------------------------------------------------

    async def submit(
        self,
        url: str,
        *,
        source: str,
        feed_id: int | None = None,
        published_hint: date | None = None,
    ) -> None:
        """Queue a link for the workers; returns at once."""
        await self.queue.put(_Job(url, source, feed_id, published_hint))

    async def start(self) -> None:
        """Start the worker tasks (idempotent)."""
        if self._tasks:
            return
        self._tasks = [
            asyncio.create_task(self._worker(), name=f"ingest-{i}") for i in range(self.workers)
        ]

    async def stop(self, *, drain: bool = True, timeout: float | None = None) -> None:
        """Stop the workers: first let them finish the queue (``drain``, bounded by
        ``timeout`` seconds), then cancel whatever is still running."""
        if drain and self._tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.queue.join(), timeout)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        dropped = self.queue.qsize()
        if dropped:
            log.warning("stopping with %d queued links not processed", dropped)
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client (``stop`` does this too)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> Ingestor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _worker(self) -> None:
        while True:
            job = await self.queue.get()
            try:
                await self.process(
                    job.url,
                    source=job.source,
                    feed_id=job.feed_id,
                    published_hint=job.published_hint,
                )
            except Exception:  # process() reports its own failures; keep the worker alive
                log.exception("ingest worker failed on %s", job.url)
            finally:
                self.queue.task_done()

    # -- one link ------------------------------------------------------------------------

    async def process(
        self,
        url: str,
        *,
        source: str,
        feed_id: int | None = None,
        published_hint: date | None = None,
    ) -> IngestResult:
        """The whole path for one link; never raises for a bad link (status "error")."""
        started = time.perf_counter()
        try:
            result = await self._process(url, published_hint)
        except Exception as exc:
            log.error("error %s (%s): internal error: %s", url, source, exc, exc_info=True)
            return IngestResult(url, None, None, "error", f"internal error: {exc}")
        elapsed = time.perf_counter() - started
        where = result.canonical_url or url
        feed = f" feed {feed_id}" if feed_id is not None else ""
        if result.status == "error":
            log.warning("error %s (%s%s): %s", where, source, feed, result.error)
        else:
            log.info(
                "%s %s (%s%s): article %s, %d events, %d deliveries, %.2f s",
                result.status,
                where,
                source,
                feed,
                result.article_id,
                len(result.events),
                result.deliveries,
                elapsed,
            )
        return result

    async def _process(self, url: str, published_hint: date | None) -> IngestResult:
        try:
            asked = canonicalize_url(url)
        except ValueError as exc:
            return IngestResult(url, None, None, "error", f"{url!r} is not a valid link ({exc})")
        async with self._one_at_a_time(asked):
            known = await self._known(url, asked)
            if known is not None:
                return known
            try:
                page = await self._fetch(url)
            except FetchError as exc:
                return IngestResult(url, asked, None, "error", str(exc))
            canonical = page.canonical_url
            if canonical != asked:
                known = await self._known(url, canonical)
                if known is not None:
                    return known
            try:
                article, analysis = await asyncio.to_thread(self._read, page)
            except ArticleError as exc:
                return IngestResult(url, canonical, None, "error", str(exc))
            if published_hint and not article.published:
                article.published = analysis.published = published_hint
            return await self._save(url, canonical, article, analysis)

    @asynccontextmanager
    async def _one_at_a_time(self, key: str) -> AsyncIterator[None]:
        # Two copies of one link in flight: the second waits and then finds it stored,
        # rather than fetching it again.
        lock, users = self._urls.get(key, (asyncio.Lock(), 0))
        self._urls[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._urls[key]
            if users <= 1:
                del self._urls[key]
            else:
                self._urls[key] = (lock, users - 1)

    async def _known(self, url: str, canonical: str) -> IngestResult | None:
        async with self.store.session() as repo:
            row = await repo.get_article_by_url(canonical)
            if row is None:
                return None
            return await self._duplicate(repo, url, canonical, row)

    async def _duplicate(
        self, repo: Repository, url: str, canonical: str, row: ArticleRow
    ) -> IngestResult:
        events = [event_from_row(e) for e in await repo.events_for_article(row.id)]
        summary = (row.analysis or {}).get("summary") or ""
        return IngestResult(
            url, canonical, row.id, "duplicate", events=events, title=row.title, summary=summary
        )

    async def _fetch(self, url: str) -> FetchedPage:
        if self._client is None:
            self._client = make_client(self.settings)
        host = _host(url)
        limit = self._hosts.setdefault(host, asyncio.Semaphore(self.per_host_limit))
        async with limit:
            return await fetch(url, self.settings, client=self._client)

    def _read(self, page: FetchedPage) -> tuple[Article, Analysis]:
        mime = f"{page.content_type}; charset={page.charset}"
        article = load_article(page.text, url=page.canonical_url, content_type=mime)
        article.url = page.canonical_url
        with _analyzer_lock(self.analyzer):
            return article, self.analyzer.analyze_article(article)

    # -- storing, clustering and matching (one transaction) ------------------------------

    async def _save(
        self, url: str, canonical: str, article: Article, analysis: Analysis
    ) -> IngestResult:
        digest = content_hash(article.text)
        source = source_name(canonical, article.site_name)
        async with self.store.session() as repo:
            # Serialise copies of one text across processes (SQLite is serial anyway).
            await repo.advisory_lock(f"article:{digest}")
            copies = await repo.find_articles_by_hash(digest)
            if copies:
                return await self._duplicate(repo, url, canonical, copies[0])
            row, new = await repo.add_article(
                canonical,
                content_hash=digest,
                title=article.title,
                site_name=article.site_name,
                published=article.published,
                analysis=analysis.to_json(),
            )
            if not new:
                return await self._duplicate(repo, url, canonical, row)
            events = list(analysis.events)
            done = {"title": analysis.title, "summary": analysis.summary}
            if not events:
                return IngestResult(url, canonical, row.id, "no_events", **done)
            seen_at = self.clock()
            assignments = await assign_clusters(repo, events, source=source, seen_at=seen_at)
            for a in assignments:
                await repo.add_event(row.id, a.event, cluster_id=a.cluster.id, created_at=seen_at)
            deliveries = await self._enqueue(repo, row, article, analysis, assignments, source)
        return IngestResult(
            url, canonical, row.id, "queued_alerts", events=events, deliveries=deliveries, **done
        )

    async def _enqueue(
        self,
        repo: Repository,
        row: ArticleRow,
        article: Article,
        analysis: Analysis,
        assignments: Sequence[Assignment],
        source: str,
    ) -> int:
        keys: set[str] = {WORLD}
        for a in assignments:
            keys |= region_keys_for(a.event)
        channels: dict[int, ChannelRow] = {}
        matched: dict[int, list[int]] = {}  # channel id → indexes into assignments
        for sub, channel in await repo.subscriptions_for_regions(keys):
            channels[channel.id] = channel
            hits = matched.setdefault(channel.id, [])
            for i, a in enumerate(assignments):
                if (
                    i not in hits
                    and match_event(a.event, sub.region_key, sub.types, sub.min_severity).matched
                ):
                    hits.append(i)
        total = 0
        for channel_id, hits in matched.items():
            if hits:
                chosen = [assignments[i] for i in sorted(hits)]  # keeps strongest first
                total += await _ChannelPlan(
                    repo, channels[channel_id], row, article, analysis, source
                ).enqueue(chosen)
        return total


class _ChannelPlan:
    """Decides and queues what one article means for one channel."""

    def __init__(
        self,
        repo: Repository,
        channel: ChannelRow,
        row: ArticleRow,
        article: Article,
        analysis: Analysis,
        source: str,
    ) -> None:
        self.repo = repo
        self.channel = channel
        self.row = row
        self.article = article
        self.analysis = analysis
        self.source = source

    async def enqueue(self, chosen: list[Assignment]) -> int:
        groups: dict[int, list[Assignment]] = {}
        for a in chosen:
            groups.setdefault(a.cluster.id, []).append(a)
        related = {f.id for a in chosen for f in a.follows}
        levels = await self.repo.queued_levels(self.channel.id, [*groups, *related])

        fresh: list[Assignment] = []  # new to this channel, or stronger than it was told
        anchors: list[tuple[int, str]] = []  # (cluster whose alert this escalates, why)
        known: list[list[Assignment]] = []
        for cluster_id, group in groups.items():
            stronger = next((a.stronger for a in group if a.stronger), None)
            if cluster_id not in levels:
                fresh.extend(group)
                earlier = next((f for a in group for f in a.follows if f.id in levels), None)
                if earlier is not None:
                    anchors.append(
                        (
                            earlier.id,
                            f"{group[0].event.type} follows the {earlier.type} reported there",
                        )
                    )
            elif stronger:
                fresh.extend(group)
                anchors.append((cluster_id, stronger))
            elif any(a.new_source for a in group):
                known.append(group)

        count = 0
        if fresh:
            order = {id(a): i for i, a in enumerate(chosen)}
            fresh.sort(key=lambda a: order[id(a)])
            count += await self._headline(fresh, anchors, levels)
        for group in known:
            count += await self._also_reported(group)
        return count

    def _alert(self, events: Sequence[Event]) -> Alert:
        from bot.analysis.places import get_gazetteer

        return build_alert(
            events,
            self.analysis.summary,
            url=self.row.canonical_url,
            published=self.article.published,
            site_name=self.article.site_name,
            country_name=get_gazetteer().country_name,
        )

    def _payload(self, alert: Alert, cluster_ids: Sequence[int], **extra: Any) -> dict[str, Any]:
        return {
            "alert": alert.to_payload(),
            "cluster_ids": list(cluster_ids),
            "article_url": self.row.canonical_url,
            "channel_kind": self.channel.platform,
            **extra,
        }

    async def _put(
        self, kind: DeliveryKind, cluster_ids: list[int], level: int, payload: dict[str, Any]
    ) -> int:
        delivery = await self.repo.enqueue_delivery(
            channel_id=self.channel.id,
            cluster_id=cluster_ids[0],
            kind=kind,
            payload=payload,
            article_id=self.row.id,
            escalation_level=level,
            also_cluster_ids=cluster_ids[1:],
        )
        if delivery is None:
            log.debug(
                "%s for clusters %s already queued for channel %s",
                kind,
                cluster_ids,
                self.channel.id,
            )
        return int(delivery is not None)

    async def _headline(
        self, fresh: list[Assignment], anchors: list[tuple[int, str]], levels: dict[int, int]
    ) -> int:
        own = list(dict.fromkeys(a.cluster.id for a in fresh))
        alert = self._alert([a.event for a in fresh])
        if not anchors:
            return await self._put("alert", own, 0, self._payload(alert, own))
        ids = list(dict.fromkeys([anchors[0][0], *own, *(c for c, _ in anchors)]))
        # Above every level any covered cluster has had, so no dedupe key collides.
        level = max(levels.get(c, 0) for c in ids) + 1
        payload = self._payload(alert, ids, escalation_reason=anchors[0][1])
        return await self._put("escalation", ids, level, payload)

    async def _also_reported(self, group: list[Assignment]) -> int:
        cluster = group[0].cluster
        # Every source after the first reporter; the new one was just appended.
        later = [s for s in cluster.sources[1:] if s != self.source]
        alert = dataclasses.replace(
            self._alert([a.event for a in group]),
            also_reported_by=tuple([*later, self.source]),
        )
        payload = self._payload(alert, [cluster.id], sources=list(cluster.sources))
        # The cluster's report count differs per update, so each update has its own key.
        return await self._put("also_reported", [cluster.id], cluster.article_count, payload)
