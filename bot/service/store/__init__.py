"""Persistence: SQLAlchemy async models, Alembic migrations and the repository API.

Usage::

    store = await Store.open(settings.database_url)    # migrates to head first
    async with store.session() as repo:                 # one transaction
        channel = await repo.upsert_channel("console", "stdout")
        await repo.enqueue_delivery(channel_id=channel.id, cluster_id=c.id,
                                    kind="alert", payload={...})
    for d in await store.claim_deliveries(worker_id, limit=20):
        ...send...
        await store.mark_sent(d.id, message_id)   # or mark_failed(d.id, err, retry_at)
"""

from bot.service.store.engine import (
    DEFAULT_DATABASE_URL,
    UnsupportedDatabase,
    create_engine,
    normalize_url,
)
from bot.service.store.migrate import current_revision, head_revision, upgrade_database
from bot.service.store.repository import (
    DEFAULT_LEASE,
    DEFAULT_MAX_ATTEMPTS,
    INTAKE_LEASE,
    INTAKE_MAX_ATTEMPTS,
    DuplicateFeed,
    DuplicateSubscription,
    Repository,
    Store,
    StoreError,
)
from bot.service.store.schema import (
    ArticleRow,
    Base,
    ChannelRow,
    DeliveryClusterRow,
    DeliveryRow,
    EventClusterRow,
    EventRow,
    FeedItemRow,
    FeedRow,
    IntakeRow,
    SubscriptionRow,
    url_host,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_ATTEMPTS",
    "INTAKE_LEASE",
    "INTAKE_MAX_ATTEMPTS",
    "ArticleRow",
    "Base",
    "ChannelRow",
    "DeliveryClusterRow",
    "DeliveryRow",
    "DuplicateFeed",
    "DuplicateSubscription",
    "EventClusterRow",
    "EventRow",
    "FeedItemRow",
    "FeedRow",
    "IntakeRow",
    "Repository",
    "Store",
    "StoreError",
    "SubscriptionRow",
    "UnsupportedDatabase",
    "create_engine",
    "current_revision",
    "head_revision",
    "normalize_url",
    "upgrade_database",
    "url_host",
]
