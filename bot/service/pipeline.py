"""The ingest path for one link: fetch → read → analyse → store → cluster → match → outbox.

Every link — a feed item, a link posted in a chat, a CLI request — goes through
:meth:`Ingestor.process`. :meth:`Ingestor.submit` queues it instead, durably: the link is
written to the ``intake`` table (feed polls write their new items there themselves), and
the ingestor's workers claim queued links with a lease, like the outbox claims
deliveries, process them and mark them done. A link accepted before a crash is processed
after the restart; one whose processing was cut short is claimed again, and the
once-per-article rules below make sure that costs nothing twice.

Reading and analysing an article is CPU work: with an :class:`AnalysisPool` it runs in
worker processes (every core), otherwise in a thread.

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
import collections
import contextlib
import dataclasses
import hashlib
import logging
import os
import socket
import threading
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from bot.analysis.alerts import Alert, build_alert, source_name
from bot.analysis.analyze import Analyzer
from bot.analysis.article import ArticleError
from bot.analysis.regions import WORLD
from bot.fetch import FetchedPage, FetchError, canonicalize_url, fetch, make_client
from bot.models import Analysis, Article, Casualties, Event, Place
from bot.service.analysis_pool import AnalysisCrashed, AnalysisPool, read_and_analyze
from bot.service.clusters import Assignment, assign_clusters
from bot.service.matching import match_event, region_keys_for
from bot.service.store import (
    INTAKE_LEASE,
    ArticleRow,
    ChannelRow,
    EventRow,
    IntakeRow,
    Repository,
    Store,
)
from bot.service.store.repository import MAX_URL, DeliveryKind, URLTooLong
from bot.service.store.schema import utcnow
from config.settings import Settings

log = logging.getLogger("newsbot.pipeline")

Status = Literal["queued_alerts", "no_events", "duplicate", "error"]
KEEP_DONE = timedelta(days=7)  # how long processed links stay in the intake table


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
    retry: bool = False  # an internal error (database, crashed worker): worth trying again
    intake_done: bool = False  # the intake row was marked done with the article's writes


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


def _default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _select_holders(host: str) -> Any:
    """Workers of ``host`` holding queued links (worker ids are ``host:pid[:…]``)."""
    return (
        select(IntakeRow.claimed_by)
        .where(IntakeRow.status == "processing", IntakeRow.claimed_by.like(f"{host}:%"))
        .distinct()
    )


def _holder_dead(holder: str, host: str) -> bool:
    """Whether ``holder`` (``host:pid[:…]``) names a process of this host that is gone."""
    parts = holder.split(":")
    if len(parts) < 2 or parts[0] != host or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    return pid != os.getpid() and not _pid_alive(pid)


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
        pool: AnalysisPool | None = None,
        worker_id: str | None = None,
        lease: timedelta = INTAKE_LEASE,
        idle_poll: float = 1.0,
    ) -> None:
        """``workers``: links processed at once; ``pool``: where articles are read and
        analysed (None: a thread); ``worker_id`` names this ingestor's claims on queued
        links; ``idle_poll``: seconds between looks at the queue when nothing wakes it."""
        self.store = store
        self.analyzer = analyzer
        self.settings = settings
        self.per_host_limit = per_host_limit
        self.workers = workers
        self.clock = clock
        self.pool = pool
        self.worker_id = worker_id or _default_worker_id()
        self.lease = lease
        self.idle_poll = idle_poll
        self._dispatcher: asyncio.Task[None] | None = None
        self._active: dict[int, asyncio.Task[None]] = {}  # intake id → its processing
        self._claimed: collections.deque[IntakeRow] = collections.deque()  # not started yet
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._idle = asyncio.Event()  # set while nothing is due and nothing is running
        self._wakes = 0  # counts wake() calls: a claim that began before one may miss links
        self._next_prune = time.monotonic() + 60
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._urls: dict[str, tuple[asyncio.Lock, int]] = {}
        self._client: httpx.AsyncClient | None = None

    # -- the durable queue and its workers -----------------------------------------------

    async def submit(
        self,
        url: str,
        *,
        source: str,
        feed_id: int | None = None,
        published_hint: date | None = None,
    ) -> int:
        """Queue a link durably for the workers (the ``intake`` table); returns at once
        with the queued row's id. Once this returns, a crash cannot lose the link."""
        async with self.store.session() as repo:
            [intake_id] = await repo.enqueue_links(
                [{"url": url, "source": source, "feed_id": feed_id,
                  "published_hint": published_hint}]
            )
        self.wake()
        return intake_id

    async def join(self) -> None:
        """Wait until every link due now is processed — queued ones, and those queued
        while waiting (tests, one-shot runs). Needs ``start()``."""
        if self._dispatcher is None:
            raise RuntimeError("the ingestor is not started")
        self.wake()
        await self._idle.wait()

    def wake(self) -> None:
        """Look at the queue now (links were just queued, e.g. by a feed poll)."""
        self._wakes += 1
        self._idle.clear()
        self._wakeup.set()

    async def start(self) -> None:
        """Start taking queued links (idempotent). Links this process's previous life
        (same host, dead process id) held are taken back at once rather than after
        their lease."""
        if self._dispatcher is not None:
            return
        self._stopping = False
        await self._recover_local_claims()
        self._dispatcher = asyncio.create_task(self._dispatch(), name=f"ingest:{self.worker_id}")

    async def _recover_local_claims(self) -> None:
        host = socket.gethostname()
        try:
            async with self.store.session() as repo:
                holders = await repo.session.scalars(_select_holders(host))
                dead = [h for h in holders.all() if h == self.worker_id or _holder_dead(h, host)]
                released = 0
                for holder in dead:
                    released += await repo.release_intake(holder, keep_attempts=True)
        except Exception:
            log.exception("could not take back links held by dead processes")
            return
        if released:
            log.warning("took back %d queued links a stopped process was processing", released)

    async def stop(self, *, drain: bool = True, timeout: float | None = None) -> None:
        """Stop taking links. ``drain``: first process every link due now, this process's
        and those others queued (bounded by ``timeout`` seconds); then let the links in
        progress finish (within what is left of ``timeout``), cancel the rest, and hand
        their claims back for the next start or another process."""
        deadline = None if timeout is None else time.monotonic() + timeout

        def left() -> float | None:
            return None if deadline is None else max(0.0, deadline - time.monotonic())

        if self._dispatcher is not None:
            if drain:
                self.wake()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._idle.wait(), left())
            self._stopping = True
            self._wakeup.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.shield(asyncio.gather(self._dispatcher, return_exceptions=True)),
                    left(),
                )
            running = list(self._active.values())
            if running:
                await asyncio.wait(running, timeout=left())
            cut_short = sum(not t.done() for t in self._active.values())
            for task in self._active.values():
                task.cancel()
            self._dispatcher.cancel()
            await asyncio.gather(self._dispatcher, *self._active.values(),
                                 return_exceptions=True)
            self._dispatcher = None
            self._active.clear()
            self._claimed.clear()
            try:
                released = await self.store.release_intake(self.worker_id)
            except Exception:
                log.exception("could not hand back the links this worker holds")
            else:
                if released:
                    log.info("stopping: %d queued links handed back for later (%d of them "
                             "cut short)", released, cut_short)
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

    async def _dispatch(self) -> None:
        """Claim due links in batches and start each in a task of its own as workers free
        up. Up to ``workers`` links wait claimed in reserve, so a claim (a transaction)
        serves several links, not one."""
        while not self._stopping:
            self._wakeup.clear()
            self._start_claimed()
            if time.monotonic() >= self._next_prune:
                await self._prune()
            if len(self._claimed) < max(1, self.workers // 2):
                limit = 2 * self.workers - len(self._active) - len(self._claimed)
                wakes = self._wakes
                try:
                    rows = await self.store.claim_intake(
                        self.worker_id, utcnow(), limit=limit, lease=self.lease
                    )
                except Exception:
                    log.exception("could not claim queued links; retrying")
                    await self._wait(self.idle_poll)
                    continue
                if self._stopping:
                    break  # stop() hands back every claim of this worker
                self._claimed.extend(rows)
                self._start_claimed()
                if len(rows) == limit:
                    continue  # more may be due
                if not self._active and not self._claimed and wakes == self._wakes:
                    self._idle.set()  # nothing due, nothing running
            await self._wait(self.idle_poll)  # a link finished, or wake()

    async def _prune(self) -> None:
        """Forget links processed more than ``KEEP_DONE`` ago (hourly)."""
        self._next_prune = time.monotonic() + 3600
        try:
            async with self.store.session() as repo:
                gone = await repo.prune_intake(utcnow() - KEEP_DONE)
        except Exception:
            log.exception("could not prune processed links")
            return
        if gone:
            log.info("forgot %d links processed more than %s ago", gone, KEEP_DONE)

    def _start_claimed(self) -> None:
        while self._claimed and len(self._active) < self.workers:
            row = self._claimed.popleft()
            task = asyncio.create_task(self._handle(row), name=f"ingest-link:{row.id}")
            self._active[row.id] = task
            task.add_done_callback(lambda _t, i=row.id: self._finished(i))

    def _finished(self, intake_id: int) -> None:
        self._active.pop(intake_id, None)
        self._wakeup.set()

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), seconds)

    async def _handle(self, row: IntakeRow) -> None:
        result = await self.process(
            row.url,
            source=row.source,
            feed_id=row.feed_id,
            published_hint=row.published_hint,
            intake_id=row.id,
        )
        await self._record(row.id, row.url, row.attempts, result)

    async def process_now(
        self,
        url: str,
        *,
        source: str,
        feed_id: int | None = None,
        published_hint: date | None = None,
    ) -> IngestResult:
        """Process a link now and return what was found — queued durably first (claimed
        by this ingestor), so if the process dies part-way the link is still processed
        after the restart."""
        async with self.store.session() as repo:
            [intake_id] = await repo.enqueue_links(
                [{"url": url, "source": source, "feed_id": feed_id,
                  "published_hint": published_hint}],
                claimed_by=self.worker_id, lease=self.lease,
            )
        result = await self.process(url, source=source, feed_id=feed_id,
                                    published_hint=published_hint, intake_id=intake_id)
        await self._record(intake_id, url, 1, result)
        if result.retry:
            self.wake()
        return result

    async def _record(self, intake_id: int, url: str, attempts: int, result: IngestResult) -> None:
        """Mark a queued link done — or due again later after an internal error."""
        if result.intake_done:
            return
        try:
            async with self.store.session() as repo:
                if result.retry:
                    wait = min(600.0, 5.0 * 2 ** max(attempts - 1, 0))
                    status = await repo.retry_intake(
                        intake_id, self.worker_id, result.error or "internal error",
                        utcnow() + timedelta(seconds=wait),
                    )
                    if status == "dead":
                        log.error("giving up on %s after %d attempts: %s",
                                  url, attempts, result.error)
                else:
                    await repo.finish_intake(
                        intake_id, self.worker_id, outcome=result.status,
                        article_id=result.article_id, error=result.error,
                    )
        except Exception:
            # The claim runs out and the link is processed again: found as a duplicate.
            log.exception("could not record link %s (#%d) as processed", url, intake_id)

    # -- one link ------------------------------------------------------------------------

    async def process(
        self,
        url: str,
        *,
        source: str,
        feed_id: int | None = None,
        published_hint: date | None = None,
        intake_id: int | None = None,
    ) -> IngestResult:
        """The whole path for one link; never raises for a bad link (status "error").

        ``intake_id``: the queued link being processed, marked done in the transaction
        that stores the article."""
        started = time.perf_counter()
        try:
            result = await self._process(url, published_hint, intake_id)
        except Exception as exc:
            log.error("error %s (%s): internal error: %s", url, source, exc, exc_info=True)
            return IngestResult(url, None, None, "error", f"internal error: {exc}", retry=True)
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

    async def _process(
        self, url: str, published_hint: date | None, intake_id: int | None = None
    ) -> IngestResult:
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
            if len(canonical) > MAX_URL:  # a rel=canonical too long to keep: the address read
                canonical = canonicalize_url(page.final_url)
            if len(canonical) > MAX_URL:
                return IngestResult(url, None, None, "error", str(URLTooLong(canonical)))
            if canonical != asked:
                known = await self._known(url, canonical)
                if known is not None:
                    return known
            try:
                article, analysis = await self._analyse(page)
            except ArticleError as exc:
                return IngestResult(url, canonical, None, "error", str(exc))
            except AnalysisCrashed as exc:
                return IngestResult(url, canonical, None, "error", str(exc), retry=True)
            if published_hint and not article.published:
                article.published = analysis.published = published_hint
            return await self._save(url, canonical, article, analysis, intake_id)

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
        async with self.store.read_session() as repo:
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

    async def _analyse(self, page: FetchedPage) -> tuple[Article, Analysis]:
        mime = f"{page.content_type}; charset={page.charset}"
        if self.pool is not None:
            return await self.pool.read(page.text, page.canonical_url, mime)
        return await asyncio.to_thread(self._read, page.text, page.canonical_url, mime)

    def _read(self, text: str, url: str, mime: str) -> tuple[Article, Analysis]:
        with _analyzer_lock(self.analyzer):
            return read_and_analyze(self.analyzer, text, url, mime)

    # -- storing, clustering and matching (one transaction) ------------------------------

    async def _save(
        self,
        url: str,
        canonical: str,
        article: Article,
        analysis: Analysis,
        intake_id: int | None = None,
    ) -> IngestResult:
        async with self.store.session() as repo:
            result = await self._save_in(repo, url, canonical, article, analysis)
            if intake_id is not None:
                # With the article's writes: a link is done exactly when its article is.
                result.intake_done = await repo.finish_intake(
                    intake_id, self.worker_id, outcome=result.status,
                    article_id=result.article_id,
                )
        return result

    async def _save_in(
        self, repo: Repository, url: str, canonical: str, article: Article, analysis: Analysis
    ) -> IngestResult:
        digest = content_hash(article.text)
        source = source_name(canonical, article.site_name)
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
