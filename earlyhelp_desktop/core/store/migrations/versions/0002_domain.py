"""indexes for the case-work queries (sign-off queue, reviews due, referrals, corrections)

Revision ID: 0002_domain
Revises: 0001

Only indexes: no table or data changes. On a 20,000-family hub they turn the sign-off queue, reviews
due, unanswered referrals and a family's contacts timeline from table scans into index lookups.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_domain"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("assessment", "status"),
    ("closure", "status"),
    ("closure", "follow_up_on"),
    ("contact", "amends_id"),
    ("plan", "review_on"),
    ("review", "next_review_on"),
    ("social_link", "status"),
)


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
