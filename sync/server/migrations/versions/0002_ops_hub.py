"""ops carry the hub of their family, so a pull reads only its hub's ops

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00

A pull used to find its hub's ops by scanning every op since the laptop's cursor and keeping those whose
family is now in the hub: with ten hubs, ten times the rows it returns. ``ops.hub_id`` is the family's hub
now (kept so when a family moves, see ``Batch._write_families``), indexed with the sequence number.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hub_id", sa.String(length=36), nullable=True))
    op.execute(
        "UPDATE ops SET hub_id = "
        "(SELECT families.hub_id FROM families WHERE families.family_id = ops.family_id) "
        "WHERE scope = 'family'"
    )
    with op.batch_alter_table("ops", schema=None) as batch_op:
        batch_op.create_index("ix_ops_hub_seq", ["hub_id", "seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ops", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_hub_seq")
        batch_op.drop_column("hub_id")
