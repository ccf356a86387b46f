"""real region boundaries: the kab/kota and kecamatan polygons of a scenario's
boundaries.geojson, which the map and the PDFs draw instead of outlines around the TPS

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "region_boundary",
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("polygons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"], ["region.code"], name=op.f("fk_region_boundary_code_region")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region_boundary")),
    )


def downgrade() -> None:
    op.drop_table("region_boundary")
