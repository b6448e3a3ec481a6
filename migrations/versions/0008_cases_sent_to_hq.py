"""Cases on their way to HQ: the revision and bundle each was last sent in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:54:47.896788
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both dialects: no copy of a large case table.
    op.add_column("returnee_case", sa.Column("sent_revision", sa.Integer(), nullable=True))
    op.add_column("returnee_case", sa.Column("sent_bundle", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("returnee_case", schema=None) as batch_op:
        batch_op.drop_column("sent_bundle")
        batch_op.drop_column("sent_revision")
