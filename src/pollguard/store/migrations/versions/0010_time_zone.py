"""the operation's clock: a scenario may name its time zone (WIB, WITA, WIT) instead of its
province's

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scenario") as b:
        b.add_column(sa.Column("time_zone", sa.String(4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scenario") as b:
        b.drop_column("time_zone")
