"""A durable intake queue (``intake``) and each feed's host (``feeds.host``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

``intake`` holds the links waiting for the pipeline — a feed's new items, written in the
same transaction that records them as seen, and links people post in chats — claimed with
a lease like deliveries, so nothing accepted is lost in a crash. ``feeds.host`` lets the
poller claim feeds under a per-host limit; existing rows get it from their URL.
Hand-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("pending", "processing", "done", "dead")


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.lower()[:255]


def upgrade() -> None:
    """Create ``intake``; add ``feeds.host`` and fill it in."""
    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("published_hint", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        _ts("claimed_until", nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("finished_at", nullable=True),
        sa.CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="ck_intake_status"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_intake_article_id_articles",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intake"),
    )
    op.create_index("ix_intake_status_next_attempt_at", "intake", ["status", "next_attempt_at"])

    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("host", sa.String(255), nullable=False, server_default=""))
    feeds = sa.table("feeds", sa.column("id", sa.Integer()), sa.column("url", sa.String()),
                     sa.column("host", sa.String()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(feeds.c.id, feeds.c.url)).all()
    for feed_id, url in rows:
        connection.execute(
            sa.update(feeds).where(feeds.c.id == feed_id).values(host=_host(url))
        )
    with op.batch_alter_table("feeds") as batch:
        batch.alter_column("host", server_default=None)


def downgrade() -> None:
    """Drop ``feeds.host`` and ``intake`` (links still waiting there are forgotten)."""
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("host")
    op.drop_index("ix_intake_status_next_attempt_at", table_name="intake")
    op.drop_table("intake")
