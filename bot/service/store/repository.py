"""The storage API: a ``Store`` (engine + sessions) and a ``Repository`` (one transaction).

Everything a caller writes inside one ``async with store.session() as repo:`` block commits
together or not at all — this is how a delivery is queued in the same transaction as the
match that caused it. Business rules (matching, clustering, backoff) live elsewhere; this
module only stores, finds and claims.

Work shared between processes (feed polls, deliveries) is *claimed* with a lease:
``claimed_by`` + ``claimed_until``. A claim picks rows nobody holds or whose lease ran
out, so the rows of a crashed worker come back once their lease expires. On PostgreSQL
the claim is ``SELECT … FOR UPDATE SKIP LOCKED`` inside an ``UPDATE … RETURNING``; on
SQLite the same single ``UPDATE`` runs inside a ``BEGIN IMMEDIATE`` transaction, which
SQLite serialises.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from sqlalchemy import Select, Update, case, delete, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.models import Event
from bot.service.store.engine import READ_ONLY, create_engine
from bot.service.store.migrate import upgrade_database
from bot.service.store.schema import (
    DELIVERY_KINDS,
    PLATFORMS,
    ArticleRow,
    ChannelRow,
    DeliveryClusterRow,
    DeliveryRow,
    EventClusterRow,
    EventRow,
    FeedItemRow,
    FeedRow,
    IntakeRow,
    SubscriptionRow,
    utcnow,
)

DEFAULT_LEASE = timedelta(seconds=60)
DEFAULT_MAX_ATTEMPTS = 8
INTAKE_LEASE = timedelta(minutes=2)
INTAKE_MAX_ATTEMPTS = 5
# Deliveries still owed to a channel: waiting, being sent, or waiting for a retry.
OPEN_STATUSES = ("pending", "sending", "failed")

Source = Literal["config", "command"]
DeliveryKind = Literal["alert", "escalation", "also_reported"]


class FeedClaim(NamedTuple):
    """What :meth:`Repository.claim_due_feeds_per_host` claimed and saw."""

    feeds: list[FeedRow]
    held_back: bool  # due feeds were left for their host's limit
    next_due: datetime | None  # when the next feed nobody holds falls due


class StoreError(Exception):
    """Base class of the store's own errors."""


class DuplicateSubscription(StoreError):
    """The channel is already subscribed to this region."""

    def __init__(self, channel_id: int, region_key: str, region_name: str) -> None:
        super().__init__(f"this channel is already subscribed to {region_name}")
        self.channel_id = channel_id
        self.region_key = region_key
        self.region_name = region_name


class DuplicateFeed(StoreError):
    """The feed URL is already watched."""

    def __init__(self, url: str) -> None:
        super().__init__(f"the feed {url} is already watched")
        self.url = url


# Column sizes that outside input must fit (PostgreSQL enforces them; SQLite does not).
MAX_URL = ArticleRow.__table__.c.canonical_url.type.length  # 2048, as feeds.url
_MAX_ETAG = FeedRow.__table__.c.etag.type.length
_MAX_LAST_MODIFIED = FeedRow.__table__.c.last_modified.type.length
_MAX_SITE_NAME = ArticleRow.__table__.c.site_name.type.length


class URLTooLong(StoreError):
    """A feed or article URL longer than the store keeps (``MAX_URL`` characters)."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"the link is {len(url):,} characters long; newsbot keeps links of at most "
            f"{MAX_URL:,} characters"
        )
        self.url = url


def _check_url(url: str) -> str:
    if len(url) > MAX_URL:
        raise URLTooLong(url)
    return url


def _validator(value: str | None, limit: int) -> str | None:
    """A cache validator (ETag, Last-Modified) that fits its column, else None: a cut one
    would never match, and without one the next poll is simply unconditional."""
    return value if value is None or len(value) <= limit else None


class _AlreadyQueued(Exception):
    """Internal: a cluster of a new delivery was already queued for the channel."""


class Repository:
    """Storage operations inside one open transaction (see ``Store.session``)."""

    def __init__(self, session: AsyncSession, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS):
        self.session = session
        self.max_attempts = max_attempts
        bind = session.bind
        assert bind is not None, "the session must be bound to an engine"
        self.dialect: str = bind.dialect.name

    # -- helpers -------------------------------------------------------------------------

    def _insert(self, entity: Any) -> Any:
        # ON CONFLICT exists in both dialects, but under different constructs.
        if self.dialect == "postgresql":
            return postgresql.insert(entity)
        return sqlite.insert(entity)

    async def _all(self, stmt: Select[Any] | Update) -> list[Any]:
        result = await self.session.scalars(
            stmt, execution_options={"synchronize_session": False, "populate_existing": True}
        )
        return list(result.all())

    async def _one_or_none(self, stmt: Select[Any] | Update) -> Any:
        rows = await self._all(stmt)
        return rows[0] if rows else None

    async def advisory_lock(self, key: str) -> None:
        """Serialise, until commit, every transaction that takes the same ``key``.

        For read-then-write decisions such as "is there already a cluster for this
        event?". SQLite transactions are already serial (``BEGIN IMMEDIATE``).
        """
        if self.dialect == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
            )

    # -- channels ------------------------------------------------------------------------

    async def upsert_channel(
        self,
        platform: str,
        channel_id: str,
        *,
        workspace_id: str = "",
        name: str | None = None,
        webhook_url: str | None = None,
        source: Source = "command",
    ) -> ChannelRow:
        """Create the channel or update its name, webhook URL and source."""
        if platform not in PLATFORMS:
            raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}")
        values = {
            "platform": platform,
            "workspace_id": workspace_id,
            "channel_id": channel_id,
            "name": name,
            "webhook_url": webhook_url,
            "source": source,
        }
        stmt = self._insert(ChannelRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "workspace_id", "channel_id"],
            set_={
                "name": stmt.excluded.name,
                "webhook_url": stmt.excluded.webhook_url,
                "source": stmt.excluded.source,
            },
        ).returning(ChannelRow)
        return await self._one_or_none(stmt)

    async def get_channel(
        self, platform: str, channel_id: str, workspace_id: str = ""
    ) -> ChannelRow | None:
        """The channel with this natural key, if known."""
        return await self._one_or_none(
            select(ChannelRow).where(
                ChannelRow.platform == platform,
                ChannelRow.workspace_id == workspace_id,
                ChannelRow.channel_id == channel_id,
            )
        )

    async def get_channel_by_id(self, id: int) -> ChannelRow | None:
        """The channel with this row id, if any."""
        return await self.session.get(ChannelRow, id)

    async def list_channels(self, *, source: Source | None = None) -> list[ChannelRow]:
        """Every channel, optionally only those from the config file or from commands."""
        stmt = select(ChannelRow).order_by(ChannelRow.id)
        if source is not None:
            stmt = stmt.where(ChannelRow.source == source)
        return await self._all(stmt)

    async def remove_channel(self, id: int) -> bool:
        """Delete a channel with its subscriptions and deliveries."""
        result = await self.session.execute(delete(ChannelRow).where(ChannelRow.id == id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def pause_channel(
        self, channel_id: int, reason: str, now: datetime | None = None
    ) -> bool:
        """Stop sending to a channel the platform refuses (gone, or a permission lost).

        Its deliveries stay open but are held: ``claim_deliveries`` skips every delivery
        of a paused channel, so nothing is lost and nothing is retried into the refusal.
        A channel paused again keeps the time it was first paused and takes the newest
        reason. False when there is no such channel.
        """
        stmt = (
            update(ChannelRow)
            .where(ChannelRow.id == channel_id)
            .values(
                paused_reason=reason[:1000],
                paused_at=case(
                    (ChannelRow.paused_at.is_(None), now or utcnow()),
                    else_=ChannelRow.paused_at,
                ),
            )
        )
        result = await self.session.execute(stmt, execution_options={"synchronize_session": False})
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def resume_channel(self, channel_id: int, now: datetime | None = None) -> bool:
        """Lift a pause: the channel's held deliveries become due at once.

        True if the channel was paused. Deliveries waiting for a retry are made due now
        too, so the backlog goes out together, oldest first.
        """
        result = await self.session.execute(
            update(ChannelRow)
            .where(ChannelRow.id == channel_id, ChannelRow.paused_at.is_not(None))
            .values(paused_reason=None, paused_at=None),
            execution_options={"synchronize_session": False},
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        now = now or utcnow()
        await self.session.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.channel_id == channel_id,
                DeliveryRow.status.in_(["pending", "failed"]),
                DeliveryRow.next_attempt_at > now,
            )
            .values(next_attempt_at=now),
            execution_options={"synchronize_session": False},
        )
        return True

    async def paused_channels(self, platform: str, workspace_id: str) -> list[ChannelRow]:
        """A workspace's (a Slack team's, a Discord guild's) paused channels, oldest pause
        first."""
        return await self._all(
            select(ChannelRow)
            .where(
                ChannelRow.platform == platform,
                ChannelRow.workspace_id == workspace_id,
                ChannelRow.paused_at.is_not(None),
            )
            .order_by(ChannelRow.paused_at, ChannelRow.id)
        )

    # -- subscriptions -------------------------------------------------------------------

    async def add_subscription(
        self,
        channel_id: int,
        region_key: str,
        region_name: str,
        *,
        types: Sequence[str] | None = None,
        min_severity: str | None = None,
        created_by: str | None = None,
        replace: bool = False,
    ) -> SubscriptionRow:
        """Subscribe a channel to a region; ``DuplicateSubscription`` unless ``replace``."""
        values = {
            "channel_id": channel_id,
            "region_key": region_key,
            "region_name": region_name,
            "types": None if types is None else list(types),
            "min_severity": min_severity,
            "created_by": created_by,
        }
        stmt = self._insert(SubscriptionRow).values(**values)
        if replace:
            stmt = stmt.on_conflict_do_update(
                index_elements=["channel_id", "region_key"],
                set_={
                    "region_name": stmt.excluded.region_name,
                    "types": stmt.excluded.types,
                    "min_severity": stmt.excluded.min_severity,
                },
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=["channel_id", "region_key"])
        row = await self._one_or_none(stmt.returning(SubscriptionRow))
        if row is None:
            raise DuplicateSubscription(channel_id, region_key, region_name)
        return row

    async def remove_subscription(self, channel_id: int, region_key: str) -> bool:
        """Unsubscribe a channel from one region; False when it was not subscribed."""
        result = await self.session.execute(
            delete(SubscriptionRow).where(
                SubscriptionRow.channel_id == channel_id,
                SubscriptionRow.region_key == region_key,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove_all_subscriptions(self, channel_id: int) -> int:
        """Unsubscribe a channel from everything; how many subscriptions went."""
        result = await self.session.execute(
            delete(SubscriptionRow).where(SubscriptionRow.channel_id == channel_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def list_subscriptions(self, channel_id: int | None = None) -> list[SubscriptionRow]:
        """A channel's subscriptions (or everyone's), in the order they were made."""
        stmt = select(SubscriptionRow).order_by(SubscriptionRow.id)
        if channel_id is not None:
            stmt = stmt.where(SubscriptionRow.channel_id == channel_id)
        return await self._all(stmt)

    async def subscriptions_for_regions(
        self, region_keys: Iterable[str]
    ) -> list[tuple[SubscriptionRow, ChannelRow]]:
        """Subscriptions to any of ``region_keys`` (a place and its ancestors), with channels."""
        keys = sorted(set(region_keys))
        if not keys:
            return []
        stmt = (
            select(SubscriptionRow, ChannelRow)
            .join(ChannelRow, ChannelRow.id == SubscriptionRow.channel_id)
            .where(SubscriptionRow.region_key.in_(keys))
            .order_by(ChannelRow.id, SubscriptionRow.id)
        )
        result = await self.session.execute(stmt)
        return [(sub, channel) for sub, channel in result.all()]

    # -- feeds ---------------------------------------------------------------------------

    async def add_feed(
        self,
        url: str,
        *,
        title: str | None = None,
        backfill: bool = False,
        source: Source = "command",
        added_by: str | None = None,
        next_poll_at: datetime | None = None,
    ) -> FeedRow:
        """Watch a new feed (first poll due at once); ``DuplicateFeed`` when already watched,
        ``URLTooLong`` past ``MAX_URL`` characters."""
        stmt = (
            self._insert(FeedRow)
            .values(
                url=_check_url(url),
                title=title,
                backfill=backfill,
                source=source,
                added_by=added_by,
                next_poll_at=next_poll_at or utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["url"])
            .returning(FeedRow)
        )
        row = await self._one_or_none(stmt)
        if row is None:
            raise DuplicateFeed(url)
        return row

    async def upsert_feed(
        self, url: str, *, backfill: bool = False, source: Source = "config"
    ) -> FeedRow:
        """Watch a feed from the config file, or update its backfill flag and source."""
        stmt = self._insert(FeedRow).values(
            url=_check_url(url), backfill=backfill, source=source, next_poll_at=utcnow()
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["url"],
            set_={"backfill": stmt.excluded.backfill, "source": stmt.excluded.source},
        ).returning(FeedRow)
        return await self._one_or_none(stmt)

    async def remove_feed(self, url: str) -> bool:
        """Stop watching a feed (its seen items go with it); False when it was not watched."""
        result = await self.session.execute(delete(FeedRow).where(FeedRow.url == url))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get_feed(self, id: int) -> FeedRow | None:
        """The feed with this row id, if any."""
        return await self.session.get(FeedRow, id)

    async def get_feed_by_url(self, url: str) -> FeedRow | None:
        """The feed with this URL, if watched."""
        return await self._one_or_none(select(FeedRow).where(FeedRow.url == url))

    async def list_feeds(self) -> list[FeedRow]:
        """Every watched feed, by URL."""
        return await self._all(select(FeedRow).order_by(FeedRow.url))

    def _feed_due(self, now: datetime) -> tuple[Any, ...]:
        return (
            FeedRow.health != "disabled",
            FeedRow.next_poll_at <= now,
            or_(FeedRow.claimed_until.is_(None), FeedRow.claimed_until < now),
        )

    async def claim_due_feeds(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 100,
        lease: timedelta = DEFAULT_LEASE,
        *,
        per_host: int | None = None,
        busy: Mapping[str, int] | None = None,
    ) -> list[FeedRow]:
        """Claim up to ``limit`` feeds due for a poll that no live lease holds.

        Disabled feeds are never due. The claim lasts until ``finish_feed_poll`` or the
        end of the lease, whichever comes first. With ``per_host`` see
        :meth:`claim_due_feeds_per_host`.
        """
        if per_host is not None:
            claim = await self.claim_due_feeds_per_host(
                worker_id, now, limit, lease, per_host=per_host, busy=busy
            )
            return claim.feeds
        now = now or utcnow()
        due = (
            select(FeedRow.id)
            .where(*self._feed_due(now))
            .order_by(FeedRow.next_poll_at, FeedRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return await self._claim_feeds(worker_id, now, lease, due.scalar_subquery())

    async def claim_due_feeds_per_host(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 100,
        lease: timedelta = DEFAULT_LEASE,
        *,
        per_host: int,
        busy: Mapping[str, int] | None = None,
    ) -> FeedClaim:
        """Like :meth:`claim_due_feeds`, but at most ``per_host`` feeds of one host held at
        once, counting the ``busy`` ones (host → feeds of it this worker is polling now).

        The rest of a busy host's feeds stay unclaimed, free for other workers, and never
        hold up the feeds of other hosts. Returns the claimed feeds, whether any due feed
        was left for a host's limit (so polls ending will make more claimable), and when
        the next feed nobody holds falls due — all in one transaction.
        """
        now = now or utcnow()
        busy = {h: n for h, n in (busy or {}).items() if n > 0}
        # The first `per_host` due feeds of every host, oldest due first. A host with n
        # polls running loses at most n of its candidates below, hence the extra rows:
        # when fewer than `limit` are chosen, every candidate was looked at.
        extra = sum(min(n, per_host) for n in busy.values())
        rank = (
            func.row_number()
            .over(partition_by=FeedRow.host, order_by=(FeedRow.next_poll_at, FeedRow.id))
            .label("rank")
        )
        sub = (
            select(FeedRow.id, FeedRow.host, FeedRow.next_poll_at, rank)
            .where(*self._feed_due(now))
            .subquery()
        )
        result = await self.session.execute(
            select(sub.c.id, sub.c.host)
            .where(sub.c.rank <= per_host)
            .order_by(sub.c.next_poll_at, sub.c.id)
            .limit(limit + extra)
        )
        chosen: list[int] = []
        taken = dict(busy)
        for feed_id, host in result.all():
            if len(chosen) == limit:
                break
            if taken.get(host, 0) < per_host:
                taken[host] = taken.get(host, 0) + 1
                chosen.append(feed_id)
        rows: list[FeedRow] = []
        if chosen:
            # Row locks as in the plain claim: another worker's claim of the same rows
            # in the meantime wins, and its feeds are skipped here.
            ids = (
                select(FeedRow.id)
                .where(FeedRow.id.in_(chosen), *self._feed_due(now))
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            rows = await self._claim_feeds(worker_id, now, lease, ids)
        full = sorted(h for h, n in taken.items() if n >= per_host)
        held_back = False
        if full and len(rows) < limit:
            held_back = (
                await self.session.scalar(
                    select(FeedRow.id).where(*self._feed_due(now), FeedRow.host.in_(full)).limit(1)
                )
                is not None
            )
        return FeedClaim(rows, held_back, await self.next_feed_due(now))

    async def _claim_feeds(
        self, worker_id: str, now: datetime, lease: timedelta, ids: Any
    ) -> list[FeedRow]:
        stmt = (
            update(FeedRow)
            .where(FeedRow.id.in_(ids))
            .values(claimed_by=worker_id, claimed_until=now + lease)
            .returning(FeedRow)
        )
        rows: list[FeedRow] = await self._all(stmt)
        return sorted(rows, key=lambda f: (f.next_poll_at, f.id))

    async def next_feed_due(self, now: datetime | None = None) -> datetime | None:
        """When the next poll of any feed nobody holds falls due (None: no feed to poll)."""
        now = now or utcnow()
        return await self.session.scalar(
            select(func.min(FeedRow.next_poll_at)).where(
                FeedRow.health != "disabled",
                or_(FeedRow.claimed_until.is_(None), FeedRow.claimed_until < now),
            )
        )

    async def release_worker_feeds(self, worker_id: str) -> int:
        """Give back every feed ``worker_id`` holds (after its polls have ended)."""
        result = await self.session.execute(
            update(FeedRow)
            .where(FeedRow.claimed_by == worker_id)
            .values(claimed_by=None, claimed_until=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def finish_feed_poll(
        self,
        feed_id: int,
        worker_id: str,
        *,
        next_poll_at: datetime,
        now: datetime | None = None,
        error: str | None = None,
        disable: bool = False,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
    ) -> bool:
        """Record a poll's outcome and release the claim; False if ``worker_id`` lost it.

        Success (``error`` None) resets the failure count, marks the first poll done and
        stores the cache validators. A failure counts up and sets the health to failing,
        or to disabled when ``disable``; the caller computes the backoff in
        ``next_poll_at``.
        """
        values: dict[str, Any] = {
            "last_polled_at": now or utcnow(),
            "next_poll_at": next_poll_at,
            "claimed_by": None,
            "claimed_until": None,
        }
        if error is None:
            values.update(
                health="ok",
                health_reason=None,
                failures=0,
                first_poll_done=True,
                etag=_validator(etag, _MAX_ETAG),
                last_modified=_validator(last_modified, _MAX_LAST_MODIFIED),
            )
            if title:
                values["title"] = title
        else:
            values.update(
                health="disabled" if disable else "failing",
                health_reason=error,
                failures=FeedRow.failures + 1,
            )
        result = await self.session.execute(
            update(FeedRow)
            .where(FeedRow.id == feed_id, FeedRow.claimed_by == worker_id)
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def enable_feed(self, url: str, now: datetime | None = None) -> bool:
        """Bring a disabled or failing feed back: health ok, polled at once."""
        result = await self.session.execute(
            update(FeedRow)
            .where(FeedRow.url == url)
            .values(health="ok", health_reason=None, failures=0, next_poll_at=now or utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_items_seen(
        self, feed_id: int, entry_keys: Iterable[str], now: datetime | None = None
    ) -> set[str]:
        """Record feed entries as seen; returns the keys that were new."""
        keys = list(dict.fromkeys(entry_keys))
        seen_at = now or utcnow()
        new: set[str] = set()
        for start in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
            chunk = keys[start : start + 500]
            stmt = (
                self._insert(FeedItemRow.__table__)
                .values([{"feed_id": feed_id, "entry_key": k, "seen_at": seen_at} for k in chunk])
                .on_conflict_do_nothing(index_elements=["feed_id", "entry_key"])
                .returning(FeedItemRow.__table__.c.entry_key)
            )
            new.update((await self.session.scalars(stmt)).all())
        return new

    # -- articles and events -------------------------------------------------------------

    async def add_article(
        self,
        canonical_url: str,
        *,
        content_hash: str | None = None,
        title: str = "",
        site_name: str | None = None,
        published: date | None = None,
        analysis: dict[str, Any] | None = None,
        fetched_at: datetime | None = None,
    ) -> tuple[ArticleRow, bool]:
        """Store an article once per canonical URL: ``(row, True)`` if new, else the old row.
        ``URLTooLong`` past ``MAX_URL`` characters; a long site name is cut."""
        stmt = (
            self._insert(ArticleRow)
            .values(
                canonical_url=_check_url(canonical_url),
                content_hash=content_hash,
                title=title,
                site_name=site_name[:_MAX_SITE_NAME] if site_name else site_name,
                published=published,
                analysis=analysis,
                fetched_at=fetched_at or utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["canonical_url"])
            .returning(ArticleRow)
        )
        row = await self._one_or_none(stmt)
        if row is not None:
            return row, True
        existing = await self.get_article_by_url(canonical_url)
        assert existing is not None
        return existing, False

    async def get_article(self, id: int) -> ArticleRow | None:
        """The article with this row id, if any."""
        return await self.session.get(ArticleRow, id)

    async def get_article_by_url(self, canonical_url: str) -> ArticleRow | None:
        """The article with this canonical URL, if stored."""
        return await self._one_or_none(
            select(ArticleRow).where(ArticleRow.canonical_url == canonical_url)
        )

    async def find_articles_by_hash(self, content_hash: str) -> list[ArticleRow]:
        """Articles whose content hashed the same (copies under other URLs)."""
        return await self._all(
            select(ArticleRow)
            .where(ArticleRow.content_hash == content_hash)
            .order_by(ArticleRow.id)
        )

    async def set_article_analysis(self, article_id: int, analysis: dict[str, Any]) -> None:
        """Store (or replace) an article's analysis JSON."""
        await self.session.execute(
            update(ArticleRow).where(ArticleRow.id == article_id).values(analysis=analysis)
        )

    async def add_event(
        self,
        article_id: int,
        event: Event,
        *,
        cluster_id: int | None = None,
        country: str | None = None,
        created_at: datetime | None = None,
    ) -> EventRow:
        """Store one event of an article; ``country`` defaults to its first place's."""
        if country is None:
            country = next((p.country for p in event.places if p.country), None)
        row = EventRow(
            article_id=article_id,
            cluster_id=cluster_id,
            type=event.type,
            severity=event.severity,
            confidence=float(event.confidence),
            headline=event.headline,
            places=[{**p.to_json(), "key": p.key} for p in event.places],
            country=country,
            place_keys=[p.key for p in event.places],
            actors=list(event.actors),
            evidence=event.evidence,
            alert=event.alert,
            casualties=event.casualties.to_json() if event.casualties else None,
            created_at=created_at or utcnow(),
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def set_event_cluster(self, event_id: int, cluster_id: int) -> None:
        """Attach an event to the cluster it was matched to."""
        await self.session.execute(
            update(EventRow).where(EventRow.id == event_id).values(cluster_id=cluster_id)
        )

    async def events_for_article(self, article_id: int) -> list[EventRow]:
        """An article's events, in the order they were stored."""
        return await self._all(
            select(EventRow).where(EventRow.article_id == article_id).order_by(EventRow.id)
        )

    async def events_since(
        self, since: datetime, *, types: Sequence[str] | None = None, limit: int = 1000
    ) -> list[tuple[EventRow, ArticleRow]]:
        """Events stored since ``since`` with their articles, newest first."""
        stmt = (
            select(EventRow, ArticleRow)
            .join(ArticleRow, ArticleRow.id == EventRow.article_id)
            .where(EventRow.created_at >= since)
            .order_by(EventRow.created_at.desc(), EventRow.id.desc())
            .limit(limit)
        )
        if types:
            stmt = stmt.where(EventRow.type.in_(list(types)))
        result = await self.session.execute(stmt)
        return [(event, article) for event, article in result.all()]

    # -- clusters ------------------------------------------------------------------------

    async def create_cluster(
        self,
        *,
        type: str,
        country: str | None,
        place_keys: Sequence[str],
        seen_at: datetime,
        severity_rank: int,
        killed: int | None = None,
        source: str | None = None,
    ) -> EventClusterRow:
        """Start a cluster from its first report."""
        row = EventClusterRow(
            type=type,
            country=country,
            place_keys=list(dict.fromkeys(place_keys)),
            first_seen=seen_at,
            last_seen=seen_at,
            max_severity_rank=severity_rank,
            max_killed=killed,
            article_count=1,
            sources=[source] if source else [],
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def get_cluster(self, id: int, *, for_update: bool = False) -> EventClusterRow | None:
        """The cluster with this id; ``for_update`` locks it until commit on PostgreSQL."""
        stmt = select(EventClusterRow).where(EventClusterRow.id == id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self._one_or_none(stmt)

    async def recent_clusters(
        self, type: str, since: datetime, *, country: str | None = None
    ) -> list[EventClusterRow]:
        """Clusters of ``type`` seen since ``since`` (candidates for a new report)."""
        stmt = (
            select(EventClusterRow)
            .where(EventClusterRow.type == type, EventClusterRow.last_seen >= since)
            .order_by(EventClusterRow.last_seen.desc(), EventClusterRow.id.desc())
        )
        if country is not None:
            stmt = stmt.where(EventClusterRow.country == country)
        return await self._all(stmt)

    async def add_report_to_cluster(
        self,
        cluster_id: int,
        *,
        seen_at: datetime,
        severity_rank: int,
        killed: int | None = None,
        source: str | None = None,
        place_keys: Sequence[str] = (),
    ) -> EventClusterRow:
        """Fold one more report into a cluster: counts, maxima, sources, places."""
        row = await self.get_cluster(cluster_id, for_update=True)
        if row is None:
            raise LookupError(f"no event cluster {cluster_id}")
        row.article_count += 1
        row.last_seen = max(row.last_seen, seen_at)
        row.first_seen = min(row.first_seen, seen_at)
        row.max_severity_rank = max(row.max_severity_rank, severity_rank)
        if killed is not None:
            row.max_killed = killed if row.max_killed is None else max(row.max_killed, killed)
        # New lists, not in-place edits: plain JSON columns do not track mutation.
        if source and source not in row.sources:
            row.sources = [*row.sources, source]
        if any(k not in row.place_keys for k in place_keys):
            row.place_keys = list(dict.fromkeys([*row.place_keys, *place_keys]))
        await self.session.flush()
        return row

    # -- outbox --------------------------------------------------------------------------

    async def enqueue_delivery(
        self,
        *,
        channel_id: int,
        cluster_id: int,
        kind: DeliveryKind,
        payload: dict[str, Any],
        article_id: int | None = None,
        escalation_level: int = 0,
        also_cluster_ids: Iterable[int] = (),
        not_before: datetime | None = None,
    ) -> DeliveryRow | None:
        """Queue a message for a channel, or None when it (or any cluster it covers) was
        already queued for that channel with the same kind and level.

        ``cluster_id`` is the message's strongest cluster; ``also_cluster_ids`` are the
        other clusters the same message reports. For ``also_reported`` updates pass a
        level that differs per update (e.g. the cluster's article count).
        """
        if kind not in DELIVERY_KINDS:
            raise ValueError(f"unknown delivery kind {kind!r}; expected one of {DELIVERY_KINDS}")
        clusters = list(dict.fromkeys([cluster_id, *also_cluster_ids]))
        try:
            async with self.session.begin_nested():
                delivery = await self._one_or_none(
                    self._insert(DeliveryRow)
                    .values(
                        channel_id=channel_id,
                        cluster_id=cluster_id,
                        article_id=article_id,
                        kind=kind,
                        escalation_level=escalation_level,
                        payload=payload,
                        status="pending",
                        attempts=0,
                        next_attempt_at=not_before or utcnow(),
                    )
                    .on_conflict_do_nothing(
                        index_elements=["channel_id", "cluster_id", "kind", "escalation_level"]
                    )
                    .returning(DeliveryRow)
                )
                if delivery is None:
                    raise _AlreadyQueued
                table = DeliveryClusterRow.__table__
                inserted = await self.session.scalars(
                    self._insert(table)
                    .values(
                        [
                            {
                                "delivery_id": delivery.id,
                                "channel_id": channel_id,
                                "cluster_id": c,
                                "kind": kind,
                                "escalation_level": escalation_level,
                            }
                            for c in clusters
                        ]
                    )
                    .on_conflict_do_nothing(
                        index_elements=["channel_id", "cluster_id", "kind", "escalation_level"]
                    )
                    .returning(table.c.id)
                )
                if len(inserted.all()) != len(clusters):
                    raise _AlreadyQueued  # rolls the savepoint back, delivery row included
        except _AlreadyQueued:
            return None
        return delivery

    async def queued_levels(self, channel_id: int, cluster_ids: Iterable[int]) -> dict[int, int]:
        """For each cluster already alerted (or queued) to the channel, its highest level.

        Counts ``alert`` and ``escalation`` deliveries in any status; a cluster absent from
        the result has never been queued for this channel.
        """
        ids = sorted(set(cluster_ids))
        if not ids:
            return {}
        stmt = (
            select(DeliveryClusterRow.cluster_id, func.max(DeliveryClusterRow.escalation_level))
            .where(
                DeliveryClusterRow.channel_id == channel_id,
                DeliveryClusterRow.cluster_id.in_(ids),
                DeliveryClusterRow.kind.in_(["alert", "escalation"]),
            )
            .group_by(DeliveryClusterRow.cluster_id)
        )
        result = await self.session.execute(stmt)
        return {cluster: level for cluster, level in result.all()}

    async def claim_deliveries(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 20,
        lease: timedelta = DEFAULT_LEASE,
    ) -> list[DeliveryRow]:
        """Claim up to ``limit`` deliveries due now, oldest first; each claim counts an attempt.

        Due: pending or failed with ``next_attempt_at`` reached, or sending under an
        expired lease (its worker died). A delivery whose lease expired after its last
        allowed attempt goes dead instead, so a message that kills its sender cannot loop.
        Deliveries of a paused channel are held: never due until ``resume_channel``.
        """
        now = now or utcnow()
        expired = (
            DeliveryRow.status == "sending",
            DeliveryRow.claimed_until < now,
        )
        await self.session.execute(
            update(DeliveryRow)
            .where(*expired, DeliveryRow.attempts >= self.max_attempts)
            .values(
                status="dead",
                last_error=f"lease expired after {self.max_attempts} attempts",
                claimed_by=None,
                claimed_until=None,
            )
        )
        due = (
            select(DeliveryRow.id)
            .where(
                or_(
                    DeliveryRow.status.in_(["pending", "failed"])
                    & (DeliveryRow.next_attempt_at <= now),
                    (DeliveryRow.status == "sending") & (DeliveryRow.claimed_until < now),
                ),
                DeliveryRow.channel_id.not_in(
                    select(ChannelRow.id).where(ChannelRow.paused_at.is_not(None))
                ),
            )
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(due.scalar_subquery()))
            .values(
                status="sending",
                claimed_by=worker_id,
                claimed_until=now + lease,
                attempts=DeliveryRow.attempts + 1,
            )
            .returning(DeliveryRow)
        )
        rows: list[DeliveryRow] = await self._all(stmt)
        return sorted(rows, key=lambda d: (d.next_attempt_at, d.id))

    async def mark_sent(
        self, delivery_id: int, message_id: str | None, now: datetime | None = None
    ) -> bool:
        """Record a delivery as sent with the platform's message id (False if already sent).

        Accepted even from a worker whose lease ran out: the message did go out.
        """
        result = await self.session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery_id, DeliveryRow.status != "sent")
            .values(
                status="sent",
                sent_message_id=message_id,
                sent_at=now or utcnow(),
                last_error=None,
                claimed_by=None,
                claimed_until=None,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_failed(
        self,
        delivery_id: int,
        error: str,
        retry_at: datetime | None,
        *,
        worker_id: str | None = None,
    ) -> str | None:
        """Record a failed attempt: retry at ``retry_at``, or dead when ``retry_at`` is None
        or the attempts are used up. Returns the new status, or None if the delivery is not
        being sent (by ``worker_id``, when given).
        """
        if retry_at is None:
            status: Any = "dead"
        else:
            status = case((DeliveryRow.attempts >= self.max_attempts, "dead"), else_="failed")
        conditions = [DeliveryRow.id == delivery_id, DeliveryRow.status == "sending"]
        if worker_id is not None:
            conditions.append(DeliveryRow.claimed_by == worker_id)
        values: dict[str, Any] = {
            "status": status,
            "last_error": error[:4000],
            "claimed_by": None,
            "claimed_until": None,
        }
        if retry_at is not None:
            values["next_attempt_at"] = retry_at
        result = await self.session.execute(
            update(DeliveryRow).where(*conditions).values(**values).returning(DeliveryRow.status)
        )
        return result.scalar_one_or_none()

    async def release_delivery(
        self, delivery_id: int, *, at: datetime | None = None, worker_id: str | None = None
    ) -> bool:
        """Hand a claimed delivery back unsent without using up an attempt (rate limit,
        shutdown); it is due again at ``at`` (default now)."""
        conditions = [DeliveryRow.id == delivery_id, DeliveryRow.status == "sending"]
        if worker_id is not None:
            conditions.append(DeliveryRow.claimed_by == worker_id)
        result = await self.session.execute(
            update(DeliveryRow)
            .where(*conditions)
            .values(
                status="pending",
                attempts=func.max(DeliveryRow.attempts - 1, 0)
                if self.dialect == "sqlite"
                else func.greatest(DeliveryRow.attempts - 1, 0),
                next_attempt_at=at or utcnow(),
                claimed_by=None,
                claimed_until=None,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release_worker_deliveries(self, worker_id: str) -> int:
        """Give back every delivery ``worker_id`` is sending (on clean shutdown); they keep
        their attempt count: they may have been half-sent."""
        result = await self.session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.claimed_by == worker_id, DeliveryRow.status == "sending")
            .values(status="pending", claimed_by=None, claimed_until=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def release_worker_claims(self, worker_id: str) -> tuple[int, int]:
        """Give back every feed and delivery ``worker_id`` holds.

        Returns ``(feeds, deliveries)`` released. Only for a worker that has stopped all
        its work: a poll still running would find its claim gone. A running service
        releases its deliveries (``release_worker_deliveries``) and its feeds
        (``release_worker_feeds``, once its polls have ended) separately.
        """
        feeds = await self.release_worker_feeds(worker_id)
        deliveries = await self.release_worker_deliveries(worker_id)
        return feeds, deliveries

    async def get_delivery(self, id: int) -> DeliveryRow | None:
        """The delivery with this id, if any."""
        return await self._one_or_none(select(DeliveryRow).where(DeliveryRow.id == id))

    async def pending_count(self, channel_id: int | None = None) -> int:
        """Deliveries not yet sent nor dead (pending, sending or waiting for a retry);
        held deliveries of paused channels count."""
        stmt = (
            select(func.count())
            .select_from(DeliveryRow)
            .where(DeliveryRow.status.in_(OPEN_STATUSES))
        )
        if channel_id is not None:
            stmt = stmt.where(DeliveryRow.channel_id == channel_id)
        return int(await self.session.scalar(stmt) or 0)

    async def delivery_counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""
        result = await self.session.execute(
            select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
        )
        return {status: int(count) for status, count in result.all()}

    async def deliveries_for_article(
        self, article_id: int, channel_id: int | None = None
    ) -> list[DeliveryRow]:
        """Deliveries an article caused (for "why did/didn't this alert?")."""
        stmt = select(DeliveryRow).where(DeliveryRow.article_id == article_id)
        if channel_id is not None:
            stmt = stmt.where(DeliveryRow.channel_id == channel_id)
        return await self._all(stmt.order_by(DeliveryRow.id))

    async def sent_alert_for_cluster(self, channel_id: int, cluster_id: int) -> DeliveryRow | None:
        """The sent message that first alerted the channel about a cluster (to edit or thread)."""
        stmt = (
            select(DeliveryRow)
            .join(DeliveryClusterRow, DeliveryClusterRow.delivery_id == DeliveryRow.id)
            .where(
                DeliveryClusterRow.channel_id == channel_id,
                DeliveryClusterRow.cluster_id == cluster_id,
                DeliveryRow.kind.in_(["alert", "escalation"]),
                DeliveryRow.status == "sent",
            )
            .order_by(DeliveryRow.sent_at, DeliveryRow.id)
            .limit(1)
        )
        return await self._one_or_none(stmt)

    # -- intake (links waiting for the pipeline) ------------------------------------------

    async def enqueue_links(
        self,
        links: Sequence[Mapping[str, Any]],
        *,
        claimed_by: str | None = None,
        lease: timedelta = INTAKE_LEASE,
    ) -> list[int]:
        """Queue links for the pipeline; each mapping has ``url`` and ``source`` and may
        have ``feed_id`` and ``published_hint``. Returns the new rows' ids, in order.

        ``claimed_by``: queued already claimed by that worker (its first attempt), for a
        caller that processes the links at once but wants them back after a crash."""
        if not links:
            return []
        now = utcnow()
        claim: dict[str, Any] = {"status": "pending", "attempts": 0}
        if claimed_by is not None:
            claim = {"status": "processing", "attempts": 1, "claimed_by": claimed_by,
                     "claimed_until": now + lease}
        ids: list[int] = []
        table = IntakeRow.__table__
        for start in range(0, len(links), 200):  # stay under SQLite's bound-parameter limit
            rows = [
                {
                    "url": link["url"],
                    "source": str(link["source"])[:32],
                    "feed_id": link.get("feed_id"),
                    "published_hint": link.get("published_hint"),
                    **claim,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for link in links[start : start + 200]
            ]
            result = await self.session.execute(
                self._insert(table).values(rows).returning(table.c.id)
            )
            ids.extend(sorted(result.scalars().all()))
        return ids

    async def claim_intake(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 10,
        lease: timedelta = INTAKE_LEASE,
        max_attempts: int = INTAKE_MAX_ATTEMPTS,
    ) -> list[IntakeRow]:
        """Claim up to ``limit`` links due now, oldest first; each claim counts an attempt.

        Due: pending with ``next_attempt_at`` reached, or processing under an expired lease
        (its worker died). A link whose lease expired after its last allowed attempt goes
        dead instead, so an article that kills its worker cannot loop.
        """
        now = now or utcnow()
        await self.session.execute(
            update(IntakeRow)
            .where(
                IntakeRow.status == "processing",
                IntakeRow.claimed_until < now,
                IntakeRow.attempts >= max_attempts,
            )
            .values(
                status="dead",
                last_error=f"lease expired after {max_attempts} attempts",
                claimed_by=None,
                claimed_until=None,
                finished_at=now,
            )
        )
        due = (
            select(IntakeRow.id)
            .where(
                or_(
                    (IntakeRow.status == "pending") & (IntakeRow.next_attempt_at <= now),
                    (IntakeRow.status == "processing") & (IntakeRow.claimed_until < now),
                )
            )
            .order_by(IntakeRow.next_attempt_at, IntakeRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows: list[IntakeRow] = await self._all(
            update(IntakeRow)
            .where(IntakeRow.id.in_(due.scalar_subquery()))
            .values(
                status="processing",
                claimed_by=worker_id,
                claimed_until=now + lease,
                attempts=IntakeRow.attempts + 1,
            )
            .returning(IntakeRow)
        )
        return sorted(rows, key=lambda r: (r.next_attempt_at, r.id))

    async def finish_intake(
        self,
        intake_id: int,
        worker_id: str | None,
        *,
        outcome: str,
        article_id: int | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Record a link as processed (``outcome``: the pipeline's status); False when
        ``worker_id`` no longer holds it (None: whoever does)."""
        conditions = [IntakeRow.id == intake_id, IntakeRow.status == "processing"]
        if worker_id is not None:
            conditions.append(IntakeRow.claimed_by == worker_id)
        result = await self.session.execute(
            update(IntakeRow)
            .where(*conditions)
            .values(
                status="done",
                outcome=outcome[:16],
                article_id=article_id,
                last_error=None if error is None else error[:4000],
                claimed_by=None,
                claimed_until=None,
                finished_at=now or utcnow(),
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def retry_intake(
        self,
        intake_id: int,
        worker_id: str,
        error: str,
        retry_at: datetime,
        max_attempts: int = INTAKE_MAX_ATTEMPTS,
    ) -> str | None:
        """A failed attempt: due again at ``retry_at``, or dead when the attempts are used
        up. Returns the new status (None if ``worker_id`` no longer holds it)."""
        result = await self.session.execute(
            update(IntakeRow)
            .where(
                IntakeRow.id == intake_id,
                IntakeRow.status == "processing",
                IntakeRow.claimed_by == worker_id,
            )
            .values(
                status=case((IntakeRow.attempts >= max_attempts, "dead"), else_="pending"),
                last_error=error[:4000],
                next_attempt_at=retry_at,
                claimed_by=None,
                claimed_until=None,
            )
            .returning(IntakeRow.status)
        )
        return result.scalar_one_or_none()

    async def release_intake(
        self, worker_id: str, ids: Iterable[int] | None = None, *, keep_attempts: bool = False
    ) -> int:
        """Hand back links ``worker_id`` holds but did not finish: all of them unless
        ``ids`` names some. On shutdown the attempt is not counted; ``keep_attempts`` for a
        worker that died (the article may have been what killed it)."""
        conditions = [IntakeRow.claimed_by == worker_id, IntakeRow.status == "processing"]
        if ids is not None:
            conditions.append(IntakeRow.id.in_(list(ids)))
        values: dict[str, Any] = {"status": "pending", "claimed_by": None, "claimed_until": None}
        if not keep_attempts:
            values["attempts"] = (
                func.max(IntakeRow.attempts - 1, 0)
                if self.dialect == "sqlite"
                else func.greatest(IntakeRow.attempts - 1, 0)
            )
        result = await self.session.execute(update(IntakeRow).where(*conditions).values(**values))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def intake_counts(self) -> dict[str, int]:
        """How many links are in each status."""
        result = await self.session.execute(
            select(IntakeRow.status, func.count()).group_by(IntakeRow.status)
        )
        return {status: int(count) for status, count in result.all()}

    async def prune_intake(self, before: datetime) -> int:
        """Forget links processed before ``before``."""
        result = await self.session.execute(
            delete(IntakeRow).where(IntakeRow.status == "done", IntakeRow.finished_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class Store:
    """The database: engine, sessions, and one-transaction shortcuts for worker loops.

    ``await Store.open(url)`` migrates the database and returns a ready store; close it
    with ``await store.close()`` or use it as ``async with``.
    """

    def __init__(
        self,
        url: str | URL,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        **engine_kwargs: Any,
    ) -> None:
        self.url = url
        self.max_attempts = max_attempts
        self.engine: AsyncEngine = create_engine(url, **engine_kwargs)
        self.sessionmaker: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )
        # SQLite runs one write transaction at a time (every session begins IMMEDIATE). A
        # session waiting for the file lock sleeps in SQLite's busy handler, in steps of up
        # to 100 ms, long after the lock is free; queueing this process's sessions here
        # instead hands the lock over at once. (Other processes still meet the handler.)
        self._turn: asyncio.Lock | None = (
            asyncio.Lock() if self.engine.dialect.name == "sqlite" else None
        )
        self._reader: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @classmethod
    async def open(cls, url: str | URL, *, migrate: bool = True, **kwargs: Any) -> Store:
        """A store on ``url``, migrated to the newest schema first unless ``migrate=False``."""
        if migrate:
            await upgrade_database(url)
        return cls(url, **kwargs)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Repository]:
        """One transaction: commits when the block ends, rolls back if it raises.

        Never open a session inside another of the same store: on SQLite the inner one
        waits for the outer one for ever.
        """
        if self._turn is None:
            async with self.sessionmaker() as session, session.begin():
                yield Repository(session, max_attempts=self.max_attempts)
            return
        async with self._turn, self.sessionmaker() as session, session.begin():
            yield Repository(session, max_attempts=self.max_attempts)

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[Repository]:
        """A transaction for reading only: on SQLite it takes no lock and waits for no
        writer (it sees the last commit). Do not write in it: on SQLite the write would
        take the file lock late, outside this process's queue of writers."""
        async with self._reader() as session, session.begin():
            yield Repository(session, max_attempts=self.max_attempts)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # One-transaction shortcuts: each claim or outcome must commit on its own.

    async def claim_due_feeds(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 100,
        lease: timedelta = DEFAULT_LEASE,
        *,
        per_host: int | None = None,
        busy: Mapping[str, int] | None = None,
    ) -> list[FeedRow]:
        """See ``Repository.claim_due_feeds``."""
        async with self.session() as repo:
            return await repo.claim_due_feeds(
                worker_id, now, limit, lease, per_host=per_host, busy=busy
            )

    async def claim_due_feeds_per_host(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 100,
        lease: timedelta = DEFAULT_LEASE,
        *,
        per_host: int,
        busy: Mapping[str, int] | None = None,
    ) -> FeedClaim:
        """See ``Repository.claim_due_feeds_per_host``."""
        async with self.session() as repo:
            return await repo.claim_due_feeds_per_host(
                worker_id, now, limit, lease, per_host=per_host, busy=busy
            )

    async def next_feed_due(self, now: datetime | None = None) -> datetime | None:
        """See ``Repository.next_feed_due``."""
        async with self.session() as repo:
            return await repo.next_feed_due(now)

    async def release_worker_feeds(self, worker_id: str) -> int:
        """See ``Repository.release_worker_feeds``."""
        async with self.session() as repo:
            return await repo.release_worker_feeds(worker_id)

    async def release_worker_deliveries(self, worker_id: str) -> int:
        """See ``Repository.release_worker_deliveries``."""
        async with self.session() as repo:
            return await repo.release_worker_deliveries(worker_id)

    async def claim_intake(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 10,
        lease: timedelta = INTAKE_LEASE,
    ) -> list[IntakeRow]:
        """See ``Repository.claim_intake``."""
        async with self.session() as repo:
            return await repo.claim_intake(worker_id, now, limit, lease)

    async def release_intake(self, worker_id: str, ids: Iterable[int] | None = None) -> int:
        """See ``Repository.release_intake``."""
        async with self.session() as repo:
            return await repo.release_intake(worker_id, ids)

    async def claim_deliveries(
        self,
        worker_id: str,
        now: datetime | None = None,
        limit: int = 20,
        lease: timedelta = DEFAULT_LEASE,
    ) -> list[DeliveryRow]:
        """See ``Repository.claim_deliveries``."""
        async with self.session() as repo:
            return await repo.claim_deliveries(worker_id, now, limit, lease)

    async def mark_sent(
        self, delivery_id: int, message_id: str | None, now: datetime | None = None
    ) -> bool:
        """See ``Repository.mark_sent``."""
        async with self.session() as repo:
            return await repo.mark_sent(delivery_id, message_id, now)

    async def mark_failed(
        self,
        delivery_id: int,
        error: str,
        retry_at: datetime | None,
        *,
        worker_id: str | None = None,
    ) -> str | None:
        """See ``Repository.mark_failed``."""
        async with self.session() as repo:
            return await repo.mark_failed(delivery_id, error, retry_at, worker_id=worker_id)

    async def release_delivery(
        self, delivery_id: int, *, at: datetime | None = None, worker_id: str | None = None
    ) -> bool:
        """See ``Repository.release_delivery``."""
        async with self.session() as repo:
            return await repo.release_delivery(delivery_id, at=at, worker_id=worker_id)

    async def release_worker_claims(self, worker_id: str) -> tuple[int, int]:
        """See ``Repository.release_worker_claims``."""
        async with self.session() as repo:
            return await repo.release_worker_claims(worker_id)

    async def pending_count(self, channel_id: int | None = None) -> int:
        """See ``Repository.pending_count``."""
        async with self.session() as repo:
            return await repo.pending_count(channel_id)
