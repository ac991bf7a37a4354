"""Polling one RSS/Atom feed: conditional GET, parsing, new items, health and backoff.

:func:`poll_feed` is the whole life of one poll of a feed the caller has *claimed*
(``Store.claim_due_feeds``): fetch it through the safe fetcher (with ``If-None-Match``
and ``If-Modified-Since`` from the last good answer), parse it with feedparser from the
fetched bytes (feedparser never fetches anything itself), hand each entry not seen before
to the pipeline and record the outcome with ``finish_feed_poll``.

The service hands new entries to the pipeline through its durable intake queue: they are
written to ``intake`` in the same transaction that records them as seen and finishes the
poll, so a poll never waits for an article to be read, and a crash either keeps both or
neither. With a ``submit`` callback instead, delivery is at least once: new entries are
submitted *before* they are marked seen, so a crash in between re-submits them on the
next poll (the pipeline processes an article once, by canonical URL).

A failed poll (not a feed, 404, 500, timeout, refused address, …) backs off
exponentially — ``poll_interval × 2^failures``, capped — sets the feed's health to
``failing`` with the reason, and after ``max_failures`` failures in a row to
``disabled``, which claims never pick up again until the feed is re-enabled.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import io
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import feedparser
import httpx
from sqlalchemy import func, select

from bot.fetch import (
    FetchedPage,
    FetchError,
    UnsupportedContentType,
    canonicalize_url,
    fetch,
)
from bot.service.store import FeedItemRow, FeedRow, Store
from bot.service.store.schema import utcnow
from config.settings import Settings, redact_secrets, redact_url

log = logging.getLogger("newsbot.feeds")

XML_FEED_TYPES: frozenset[str] = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
# Served by many misconfigured sites; accepted only when the body parses as a feed.
LENIENT_FEED_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_CONTENT_TYPES: frozenset[str] = XML_FEED_TYPES | LENIENT_FEED_TYPES
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
_MAX_KEY = 1000  # feed_items.entry_key holds 1024 characters
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")

PollStatus = Literal["ok", "not_modified", "failing", "disabled"]
Submit = Callable[[str, "FeedItem"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry, as handed to the pipeline."""

    link: str  # canonical URL (no tracking parameters)
    title: str | None
    published: datetime | None  # aware UTC, from published or else updated
    key: str  # the entry's identity within its feed: its id, else its link
    feed_url: str
    feed_id: int | None = None


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll did."""

    status: PollStatus
    new_items: int = 0  # entries not seen before (recorded, and submitted unless first poll)
    submitted: int = 0  # of those, handed to ``submit``
    skipped_no_link: int = 0  # entries without a usable http(s) link
    error: str | None = None  # why the poll failed (or why some items could not be queued)


@dataclass(frozen=True, slots=True)
class FeedPolicy:
    """Polling cadence and patience. Read from settings where the fields exist there."""

    poll_interval: float = 300.0  # seconds between polls of a healthy feed
    max_backoff: float = 3600.0  # longest wait after failures, in seconds
    max_failures: int = 10  # consecutive failures after which a feed is disabled

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedPolicy:
        """The policy from ``settings.poll_interval``, ``feed_max_backoff`` and
        ``feed_max_failures`` where defined, else the defaults."""
        base = cls()
        return cls(
            poll_interval=float(getattr(settings, "poll_interval", base.poll_interval)),
            max_backoff=float(getattr(settings, "feed_max_backoff", base.max_backoff)),
            max_failures=int(getattr(settings, "feed_max_failures", base.max_failures)),
        )

    def backoff(self, failures: int) -> timedelta:
        """The wait after the ``failures``-th failure in a row: interval × 2^failures."""
        cap = max(self.max_backoff, self.poll_interval)
        return timedelta(seconds=min(self.poll_interval * 2 ** min(failures, 30), cap))


class NotAFeed(Exception):
    """The body was fetched but is no RSS/Atom feed."""


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its title, its usable items and how many entries had no link."""

    title: str | None
    items: list[FeedItem]
    skipped_no_link: int


def _clean_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()
    return text or None


def _entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime(*parsed[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def _http_link(value: Any) -> str | None:
    """``value`` canonicalized if it is an absolute http(s) URL with a host, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parts = httpx.URL(value.strip())
    except (httpx.InvalidURL, ValueError):
        return None
    if parts.scheme not in ("http", "https") or not parts.host:
        return None
    return canonicalize_url(value.strip())


def _entry_key(entry: Any, link: str) -> str:
    key = entry.get("id")
    key = key.strip() if isinstance(key, str) and key.strip() else link
    if len(key) > _MAX_KEY:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
    return key


def parse_feed(page: FetchedPage, feed_id: int | None = None) -> ParsedFeed:
    """Parse a fetched feed with feedparser; :class:`NotAFeed` when it is none.

    Works from the raw bytes (feedparser honours the XML encoding declaration) and never
    lets feedparser open a URL or file. Entries without an http(s) link are counted, not
    returned; relative links resolve against the feed's final URL.
    """
    headers = {"content-location": page.final_url}
    if page.headers.get("content-type"):
        headers["content-type"] = page.headers["content-type"]
    body = page.content or page.text.encode("utf-8")
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.get("version"):
        if page.content_type in LENIENT_FEED_TYPES:
            served = page.content_type or "an untyped document"
            raise NotAFeed(
                f"{page.final_url} is {served} (a web page), not an RSS or Atom feed; "
                f"check the feed address — the site's feed is often linked as /feed or /rss"
            )
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise NotAFeed(
            f"{page.final_url} is not a valid RSS or Atom feed (not readable as one"
            f"{detail}); check the feed address"
        )
    items: dict[str, FeedItem] = {}
    skipped = 0
    for entry in parsed.get("entries", []):
        link = _http_link(entry.get("link"))
        if link is None:
            skipped += 1
            continue
        key = _entry_key(entry, link)
        items.setdefault(
            key,
            FeedItem(
                link=link,
                title=_clean_text(entry.get("title")),
                published=_entry_time(entry),
                key=key,
                feed_url=page.url,
                feed_id=feed_id,
            ),
        )
    return ParsedFeed(
        title=_clean_text(parsed.get("feed", {}).get("title")),
        items=list(items.values()),
        skipped_no_link=skipped,
    )


# --------------------------------------------------------------------------- polling


def conditional_headers(feed: FeedRow) -> dict[str, str]:
    """Request headers for a conditional GET of ``feed``, plus the feed Accept header."""
    headers = {"Accept": FEED_ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def _fetch_reason(url: str, exc: FetchError) -> str:
    if isinstance(exc, UnsupportedContentType):
        served = exc.looks_like or exc.media_type or "something else"
        return f"{url} serves {served}, not an RSS or Atom feed; check the feed address"
    return exc.message


async def _unseen(store: Store, feed_id: int, keys: list[str]) -> set[str]:
    """Which of ``keys`` the feed has not recorded yet (read only)."""
    seen: set[str] = set()
    async with store.session() as repo:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = await repo.session.scalars(
                select(FeedItemRow.entry_key).where(
                    FeedItemRow.feed_id == feed_id, FeedItemRow.entry_key.in_(chunk)
                )
            )
            seen.update(rows.all())
    return set(keys) - seen


async def poll_feed(
    feed: FeedRow,
    store: Store,
    settings: Settings,
    submit: Submit | None,
    *,
    client: httpx.AsyncClient | None = None,
    worker_id: str,
    now: datetime | None = None,
    policy: FeedPolicy | None = None,
) -> PollResult:
    """Poll ``feed`` (claimed by ``worker_id``) once and record the outcome.

    New entries go to the pipeline — except on a feed's first poll, which only records
    them, unless the feed has ``backfill``. With ``submit`` None they are written to the
    durable intake queue (``intake``) in the transaction that records them as seen, so
    the poll ends without waiting for any article; otherwise each goes to
    ``submit(link, item)`` before it is recorded. Never raises for a bad feed: the
    problem ends up in the result, the feed's health and one log line.
    """
    now = now or utcnow()
    policy = policy or FeedPolicy.from_settings(settings)
    try:
        page = await fetch(
            feed.url,
            settings,
            client=client,
            content_types=FEED_CONTENT_TYPES,
            headers=conditional_headers(feed),
        )
    except FetchError as exc:
        return await _fail(feed, store, worker_id, now, policy, _fetch_reason(feed.url, exc))

    if page.not_modified:
        async with store.session() as repo:
            held = await repo.finish_feed_poll(
                feed.id,
                worker_id,
                now=now,
                next_poll_at=now + timedelta(seconds=policy.poll_interval),
                etag=page.etag or feed.etag,
                last_modified=page.last_modified or feed.last_modified,
            )
        result = PollResult("not_modified")
        _log(feed, result, held)
        return result

    try:
        parsed = await asyncio.to_thread(parse_feed, page, feed.id)
    except NotAFeed as exc:
        return await _fail(feed, store, worker_id, now, policy, str(exc))
    except Exception as exc:  # feedparser is lenient, but a bug there must not stop polling
        log.exception("feedparser failed on %s", redact_url(feed.url))
        reason = f"{feed.url} could not be parsed as a feed ({type(exc).__name__}: {exc})"
        return await _fail(feed, store, worker_id, now, policy, reason)

    deliver = feed.first_poll_done or feed.backfill
    if submit is None:
        return await _record_to_intake(feed, store, worker_id, now, policy, page, parsed,
                                       deliver)
    keys = [item.key for item in parsed.items]
    new_keys = await _unseen(store, feed.id, keys)
    new_items = [item for item in parsed.items if item.key in new_keys]
    ordered = _oldest_first(new_items)
    submitted: list[FeedItem] = []
    error: str | None = None
    if deliver:
        for item in ordered:
            try:
                await submit(item.link, item)
            except Exception as exc:
                error = f"could not queue {item.link} ({type(exc).__name__}: {exc})"
                log.exception("feed %s: %s", redact_url(feed.url), error)
                break
            submitted.append(item)
    unsent = {i.key for i in new_items} - {i.key for i in submitted} if deliver else set()
    async with store.session() as repo:
        await repo.mark_items_seen(feed.id, [k for k in keys if k not in unsent], now)
        held = await repo.finish_feed_poll(
            feed.id,
            worker_id,
            now=now,
            next_poll_at=now + timedelta(seconds=policy.poll_interval),
            # Items left unqueued must come back: forget the validators so the next
            # poll gets the full feed again.
            etag=None if unsent else page.etag,
            last_modified=None if unsent else page.last_modified,
            title=parsed.title,
        )
    result = PollResult(
        "ok",
        new_items=len(new_items),
        submitted=len(submitted),
        skipped_no_link=parsed.skipped_no_link,
        error=error,
    )
    _log(feed, result, held, first=not deliver)
    return result


def intake_link(item: FeedItem) -> dict[str, Any]:
    """A feed item as a row of the pipeline's durable intake queue."""
    return {
        "url": item.link,
        "source": "feed",
        "feed_id": item.feed_id,
        "published_hint": item.published.date() if item.published else None,
    }


def _oldest_first(items: list[FeedItem]) -> list[FeedItem]:
    # So the pipeline sees a feed's news in the order it happened.
    return sorted(items, key=lambda i: i.published or datetime.max.replace(tzinfo=UTC))


async def _record_to_intake(
    feed: FeedRow,
    store: Store,
    worker_id: str,
    now: datetime,
    policy: FeedPolicy,
    page: FetchedPage,
    parsed: ParsedFeed,
    deliver: bool,
) -> PollResult:
    """Record the entries as seen and queue the new ones for the pipeline, in one
    transaction with the poll's outcome: the poll is over as soon as it commits."""
    async with store.session() as repo:
        # Only entries this transaction recorded first are new, and only they are
        # queued: a worker that lost its claim to another one never queues one twice.
        fresh = await repo.mark_items_seen(feed.id, [i.key for i in parsed.items], now)
        ordered = _oldest_first([i for i in parsed.items if i.key in fresh])
        queued = ordered if deliver else []
        await repo.enqueue_links([intake_link(i) for i in queued])
        held = await repo.finish_feed_poll(
            feed.id,
            worker_id,
            now=now,
            next_poll_at=now + timedelta(seconds=policy.poll_interval),
            etag=page.etag,
            last_modified=page.last_modified,
            title=parsed.title,
        )
    result = PollResult(
        "ok",
        new_items=len(ordered),
        submitted=len(queued),
        skipped_no_link=parsed.skipped_no_link,
    )
    _log(feed, result, held, first=not deliver)
    return result


async def _fail(
    feed: FeedRow, store: Store, worker_id: str, now: datetime, policy: FeedPolicy, reason: str
) -> PollResult:
    reason = redact_secrets(reason)  # the feed URL in it may hold a user name and password
    failures = feed.failures + 1
    disable = failures >= policy.max_failures
    async with store.session() as repo:
        held = await repo.finish_feed_poll(
            feed.id,
            worker_id,
            now=now,
            next_poll_at=now + policy.backoff(failures),
            error=reason,
            disable=disable,
        )
    result = PollResult("disabled" if disable else "failing", error=reason)
    _log(feed, result, held, failures=failures, wait=policy.backoff(failures))
    return result


def _log(
    feed: FeedRow,
    result: PollResult,
    held: bool,
    *,
    first: bool = False,
    failures: int = 0,
    wait: timedelta | None = None,
) -> None:
    url = redact_url(feed.url)  # no user name or password in the log
    lost = "" if held else " (claim lost to another worker: outcome not recorded)"
    if result.status == "not_modified":
        log.info("feed %s: not modified%s", url, lost)
    elif result.status == "ok":
        what = (
            f"first poll, recorded {result.new_items} items without alerting"
            if first
            else f"{result.new_items} new items, {result.submitted} queued"
        )
        skipped = f", {result.skipped_no_link} without a link skipped"
        extra = skipped if result.skipped_no_link else ""
        problem = f"; {result.error}" if result.error else ""
        level = logging.WARNING if result.error else logging.INFO
        log.log(level, "feed %s: ok, %s%s%s%s", url, what, extra, problem, lost)
    elif result.status == "failing":
        after = _duration(wait.total_seconds()) if wait else "later"
        log.warning(
            "feed %s: failing (%d×), next try in %s: %s%s",
            url,
            failures,
            after,
            result.error,
            lost,
        )
    else:
        log.error(
            "feed %s: disabled after %d failures in a row: %s%s",
            url,
            failures,
            result.error,
            lost,
        )


# --------------------------------------------------------------------------- health


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"


def describe_health(feed: FeedRow, *, items: int | None = None, now: datetime | None = None) -> str:
    """One line for ``newsbot feeds``: "ok, 12 items, polled 2 min ago",
    "failing (3×): <reason>; next try in 8 min" or "disabled: <reason>".

    ``items`` is how many entries the feed has recorded (see :func:`count_feed_items`).
    """
    now = now or utcnow()
    if feed.health == "disabled":
        return f"disabled: {feed.health_reason or 'no reason recorded'}"
    if feed.health == "failing":
        wait = (feed.next_poll_at - now).total_seconds()
        when = f"next try in {_duration(wait)}" if wait > 0 else "next try now"
        return f"failing ({feed.failures}×): {feed.health_reason or 'unknown error'}; {when}"
    parts = ["ok"]
    if items is not None:
        parts.append(f"{items} item" + ("" if items == 1 else "s"))
    if feed.last_polled_at is None:
        parts.append("not polled yet")
    else:
        ago = (now - feed.last_polled_at).total_seconds()
        parts.append("polled just now" if ago < 5 else f"polled {_duration(ago)} ago")
    return ", ".join(parts)


async def count_feed_items(store: Store, feed_ids: Iterable[int] | None = None) -> dict[int, int]:
    """How many entries each feed has recorded, by feed id (feeds with none are absent)."""
    stmt = select(FeedItemRow.feed_id, func.count()).group_by(FeedItemRow.feed_id)
    if feed_ids is not None:
        stmt = stmt.where(FeedItemRow.feed_id.in_(list(feed_ids)))
    async with store.session() as repo:
        result = await repo.session.execute(stmt)
        return {int(feed_id): int(n) for feed_id, n in result.all()}
