"""sync: the ops this store applied from other laptops

Revision ID: 0002_sync
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_sync"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applied_op",
        sa.Column("op_id", sa.String(length=32), nullable=False),
        sa.Column("table_name", sa.String(length=48), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_applied_op")),
    )
    op.create_index(op.f("ix_applied_op_family_id"), "applied_op", ["family_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_applied_op_family_id"), table_name="applied_op")
    op.drop_table("applied_op")
