"""Tables of the store, as typed SQLAlchemy 2 declarative classes.

Row classes end in ``Row`` so they never get confused with the plain dataclasses of
``bot.models``. There are no ORM relationships on purpose: rows are handed out detached
(``expire_on_commit=False``), and a lazy load on a detached async row would fail.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

FEED_HEALTH = ("ok", "failing", "disabled")
FEED_SOURCES = ("config", "command")
PLATFORMS = ("slack", "discord", "slack-webhook", "discord-webhook", "console")
DELIVERY_KINDS = ("alert", "escalation", "also_reported")
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "dead")
INTAKE_STATUSES = ("pending", "processing", "done", "dead")

# Explicit constraint names: Alembic needs them to alter constraints, above all on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def url_host(url: str) -> str:
    """The lower-case host name of ``url`` ('' when it has none): what per-host limits count."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.lower()[:255]


def _feed_host_default(context: Any) -> str:
    return url_host(context.get_current_parameters().get("url") or "")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always goes in and comes out as aware UTC.

    SQLite has no time zones: values are stored as naive UTC text, which also keeps
    string comparison in WHERE clauses chronological.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base with the project's constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        list[str]: JSONType,
    }


class FeedRow(Base):
    """An RSS/Atom feed the bot polls, with its HTTP cache validators, health and claim."""

    __tablename__ = "feeds"
    __table_args__ = (
        CheckConstraint(_one_of("health", FEED_HEALTH), name="health"),
        CheckConstraint(_one_of("source", FEED_SOURCES), name="source"),
        Index("ix_feeds_next_poll_at", "next_poll_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    health: Mapped[str] = mapped_column(String(16), default="ok")
    health_reason: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_polled_at: Mapped[datetime | None]
    backfill: Mapped[bool] = mapped_column(Boolean, default=False)
    first_poll_done: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="command")
    added_by: Mapped[str | None] = mapped_column(String(255))
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The URL's host, so claims can respect a per-host limit (filled in from the URL).
    host: Mapped[str] = mapped_column(String(255), default=_feed_host_default)


class FeedItemRow(Base):
    """A feed entry already seen, so a re-poll never re-queues it."""

    __tablename__ = "feed_items"
    __table_args__ = (UniqueConstraint("feed_id", "entry_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    entry_key: Mapped[str] = mapped_column(String(1024))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntakeRow(Base):
    """A link waiting to be processed: a feed's new item or a link someone posted.

    Written before the link is acknowledged (in the same transaction that records a feed
    item as seen), claimed with a lease like a delivery, and marked ``done`` once the
    pipeline has stored what it found, so a link accepted before a crash is processed
    after the restart, once.
    """

    __tablename__ = "intake"
    __table_args__ = (
        CheckConstraint(_one_of("status", INTAKE_STATUSES), name="status"),
        Index("ix_intake_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32))
    # The feed it came from, for the log (no foreign key: the feed may go meanwhile).
    feed_id: Mapped[int | None] = mapped_column(Integer)
    published_hint: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # the pipeline's status
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ArticleRow(Base):
    """An article read once, however many feeds or people linked it."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    content_hash: Mapped[str | None] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    site_name: Mapped[str | None] = mapped_column(String(255))
    published: Mapped[date | None] = mapped_column(Date)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    analysis: Mapped[dict[str, Any] | None]


class EventClusterRow(Base):
    """One real-world event, however many articles reported it."""

    __tablename__ = "event_clusters"
    __table_args__ = (Index("ix_event_clusters_type_last_seen", "type", "last_seen"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    place_keys: Mapped[list[str]] = mapped_column(default=list)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    max_severity_rank: Mapped[int] = mapped_column(Integer, default=0)
    max_killed: Mapped[int | None] = mapped_column(Integer)
    article_count: Mapped[int] = mapped_column(Integer, default=1)
    sources: Mapped[list[str]] = mapped_column(default=list)


class EventRow(Base):
    """One event extracted from one article (``bot.models.Event`` as stored)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_clusters.id", ondelete="SET NULL"), index=True
    )
    type: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    headline: Mapped[bool] = mapped_column(Boolean, default=False)
    places: Mapped[list[Any]] = mapped_column(default=list)
    country: Mapped[str | None] = mapped_column(String(2))
    place_keys: Mapped[list[str]] = mapped_column(default=list)
    actors: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[str] = mapped_column(Text, default="")
    alert: Mapped[str] = mapped_column(Text, default="")
    casualties: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ChannelRow(Base):
    """Where alerts go: a Slack/Discord channel, an incoming webhook, or the console."""

    __tablename__ = "channels"
    __table_args__ = (
        UniqueConstraint("platform", "workspace_id", "channel_id"),
        CheckConstraint(_one_of("platform", PLATFORMS), name="platform"),
        CheckConstraint(_one_of("source", FEED_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(24))
    # '' rather than NULL when there is none: NULLs never collide in a unique constraint.
    workspace_id: Mapped[str] = mapped_column(String(64), default="")
    channel_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    # A webhook URL is a credential: keep it out of repr() and logs.
    webhook_url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="command")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the platform refused to post here (channel gone, permission lost): the
    # channel's deliveries are held, not sent, until it is resumed. Both None: not paused.
    paused_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return (
            f"ChannelRow(id={self.id!r}, platform={self.platform!r}, "
            f"workspace_id={self.workspace_id!r}, channel_id={self.channel_id!r}, "
            f"name={self.name!r}, paused={self.paused_at is not None!r})"
        )


class SubscriptionRow(Base):
    """A channel's interest in a region, optionally narrowed by types and severity."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("channel_id", "region_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    region_key: Mapped[str] = mapped_column(String(255), index=True)
    region_name: Mapped[str] = mapped_column(String(255))
    types: Mapped[list[str] | None]  # None: every type
    min_severity: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryRow(Base):
    """The outbox: one message bound for one channel, and where its sending stands."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint(
            "channel_id", "cluster_id", "kind", "escalation_level", name="uq_deliveries_dedupe"
        ),
        CheckConstraint(_one_of("kind", DELIVERY_KINDS), name="kind"),
        CheckConstraint(_one_of("status", DELIVERY_STATUSES), name="status"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("event_clusters.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_message_id: Mapped[str | None] = mapped_column(String(255))
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class DeliveryClusterRow(Base):
    """Every cluster a delivery covers, so no cluster is alerted twice to a channel.

    One message may carry several events of one article (strongest first); the delivery
    row names only the strongest cluster, this table names them all.
    """

    __tablename__ = "delivery_clusters"
    __table_args__ = (
        UniqueConstraint(
            "channel_id",
            "cluster_id",
            "kind",
            "escalation_level",
            name="uq_delivery_clusters_dedupe",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("event_clusters.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
