"""rankperf: score_totals.expected_max (the everyone-expected activities each cell's rows did);
cs_case_lessons.due_at (a published lesson with a due date is expected of every officer)

Revision ID: 0140_rankperf
Revises: 0130_notify
Create Date: 2026-11-30 08:00:00

"""

import sqlalchemy as sa
from alembic import op

from lianbing.dbtypes import UTCDateTime

revision = "0140_rankperf"
down_revision = "0130_notify"
branch_labels = None
depends_on = None

# The max points of the everyone-expected activities each cell's ledger rows are results of.
FILL = """
UPDATE score_totals SET expected_max = COALESCE((
    SELECT SUM(e.max_points)
    FROM score_entries s
    JOIN expected_activities e
      ON e.campaign_id = s.campaign_id AND e.kind = s.kind AND e.ref = s.ref
     AND e.audience = 'all'
    WHERE s.campaign_id = score_totals.campaign_id
      AND s.user_id = score_totals.user_id
      AND s.kind = score_totals.kind
), 0)
"""


def upgrade():
    with op.batch_alter_table("score_totals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expected_max", sa.Double(), nullable=False, server_default="0")
        )
    op.execute(FILL)
    with op.batch_alter_table("cs_case_lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("cs_case_lessons", schema=None) as batch_op:
        batch_op.drop_column("due_at")
    with op.batch_alter_table("score_totals", schema=None) as batch_op:
        batch_op.drop_column("expected_max")
