"""the plan a commander signs: officers' positions and desa binaan; roles, Pawas clusters,
formed reserve teams, equipment, duty minimums, TNI posts, Linmas and force shortfalls, guard
overrides and re-vote (PSU) plans

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLAN_JSON = ("supervisions", "tni_posts", "linmas_short", "shortfalls", "inferred",
              "overrides")


def upgrade() -> None:
    with op.batch_alter_table("officer") as b:
        b.add_column(sa.Column("position", sa.String(120), nullable=False, server_default=""))
        b.add_column(sa.Column("desa_code", sa.String(13), nullable=True))
    with op.batch_alter_table("plan") as b:
        for name in _PLAN_JSON:
            b.add_column(sa.Column(name, sa.JSON(), nullable=True))
        b.add_column(sa.Column("kind", sa.String(10), nullable=False,
                               server_default="operation"))
        b.add_column(sa.Column("psu_date", sa.Date(), nullable=True))
    with op.batch_alter_table("plan_post") as b:
        b.add_column(sa.Column("equipment", sa.JSON(), nullable=True))
    with op.batch_alter_table("plan_duty") as b:
        b.add_column(sa.Column("minimum", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("plan_reserve") as b:
        b.add_column(sa.Column("kind", sa.String(10), nullable=False,
                               server_default="gabungan"))
        b.add_column(sa.Column("call_sign", sa.String(200), nullable=False, server_default=""))
        b.add_column(sa.Column("leader_nrp", sa.String(8), nullable=True))
    with op.batch_alter_table("plan_assignment") as b:
        b.add_column(sa.Column("position", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("plan_assignment") as b:
        b.drop_column("position")
    with op.batch_alter_table("plan_reserve") as b:
        for name in ("leader_nrp", "call_sign", "kind"):
            b.drop_column(name)
    with op.batch_alter_table("plan_duty") as b:
        b.drop_column("minimum")
    with op.batch_alter_table("plan_post") as b:
        b.drop_column("equipment")
    with op.batch_alter_table("plan") as b:
        for name in ("psu_date", "kind", *_PLAN_JSON):
            b.drop_column(name)
    with op.batch_alter_table("officer") as b:
        b.drop_column("desa_code")
        b.drop_column("position")
