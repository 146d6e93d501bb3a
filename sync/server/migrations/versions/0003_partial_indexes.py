"""the indexes pulls read by hold only the rows those reads look for

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00

A pull reads its hub's ops through ``ix_ops_hub_seq`` and the shared ones (reference data and the
directory) through an index of shared ops alone: family ops, nearly every op, no longer go into a
(scope, seq) index that only ever answered for the other scopes. It reads moves between hubs through an
index of moves alone, not of every family's first arrival, which each new family writes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARED = sa.text("scope IN ('reference', 'directory')")
MOVED = sa.text("old_hub IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("ops", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_scope_seq")
        batch_op.create_index(
            "ix_ops_shared_seq", ["seq"], unique=False, postgresql_where=SHARED, sqlite_where=SHARED
        )
    with op.batch_alter_table("scope_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_scope_changes_seq")
        batch_op.create_index(
            "ix_scope_changes_moves", ["seq"], unique=False, postgresql_where=MOVED, sqlite_where=MOVED
        )


def downgrade() -> None:
    with op.batch_alter_table("scope_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_scope_changes_moves")
        batch_op.create_index("ix_scope_changes_seq", ["seq"], unique=False)
    with op.batch_alter_table("ops", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_shared_seq")
        batch_op.create_index("ix_ops_scope_seq", ["scope", "seq"], unique=False)
