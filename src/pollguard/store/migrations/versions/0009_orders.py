"""documents ready to sign: the operation's orders settings (number, dates, signatories,
Dasar, Tembusan) and each unit's duty phone

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scenario") as b:
        b.add_column(sa.Column("operation", sa.JSON(), nullable=True))
    with op.batch_alter_table("unit") as b:
        b.add_column(sa.Column("phone", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit") as b:
        b.drop_column("phone")
    with op.batch_alter_table("scenario") as b:
        b.drop_column("operation")
