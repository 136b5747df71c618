"""report: each bureau's summary of a campaign for the province

Revision ID: 0190_report
Revises: 0180_county
Create Date: 2026-11-30 11:10:00

"""

import sqlalchemy as sa
from alembic import op

import lianbing.dbtypes

# revision identifiers, used by Alembic.
revision = "0190_report"
down_revision = "0190_cert"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaign_province_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", lianbing.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("resubmitted_at", lianbing.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=False),
        sa.Column("returned_at", lianbing.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", lianbing.dbtypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'returned')",
            name=op.f("ck_campaign_province_reports_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_campaign_province_reports_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["bureau_id"],
            ["bureaus.id"],
            name=op.f("fk_campaign_province_reports_bureau_id_bureaus"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_province_reports_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_province_reports")),
        sa.UniqueConstraint("campaign_id", "bureau_id", name="uq_campaign_province_reports_bureau"),
    )
    with op.batch_alter_table("campaign_province_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_province_reports_campaign_id"), ["campaign_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("campaign_province_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_province_reports_campaign_id"))
    op.drop_table("campaign_province_reports")
