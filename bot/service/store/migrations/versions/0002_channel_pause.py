"""Channels can be paused: ``channels.paused_reason`` and ``channels.paused_at``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

A channel the platform refuses to post in (deleted, or the bot lost its permissions) is
paused with a human reason instead of having its alerts go dead; its deliveries wait
until it is resumed. Hand-written: two nullable columns, added in batch mode so SQLite
(which cannot drop columns in place on old versions) can also downgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the pause columns (both null: not paused)."""
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("paused_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop the pause columns (paused channels simply resume)."""
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("paused_at")
        batch.drop_column("paused_reason")
