"""session setting: show public-record cards (off: an article-only class)

Revision ID: 5e1f0c2a9b7d
Revises: 4a90a639f19e
Create Date: 2026-12-06 06:10:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1f0c2a9b7d"
down_revision: str | Sequence[str] | None = "4a90a639f19e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("record_cards", sa.Boolean(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.drop_column("record_cards")
