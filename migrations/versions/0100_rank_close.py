"""rank: expected-activity exemptions, campaign closures, collective recommendation 事迹

Revision ID: 0100_rank_close
Revises: 0070_perfrank
Create Date: 2026-11-30 05:20:00

"""

import sqlalchemy as sa
from alembic import op

from lianbing.dbtypes import UTCDateTime

revision = "0100_rank_close"
down_revision = "0090_quiz_trust"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "expected_exemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expected_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["expected_id"], ["expected_activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("expected_id", "user_id", name="uq_expected_exemptions_user"),
    )
    with op.batch_alter_table("expected_exemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expected_exemptions_expected_id"), ["expected_id"], unique=False
        )
    op.create_table(
        "ledger_closures",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("measures", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_column("measures")
        batch_op.drop_column("statement")
    op.drop_table("ledger_closures")
    with op.batch_alter_table("expected_exemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expected_exemptions_expected_id"))
    op.drop_table("expected_exemptions")
