"""nextyear: a campaign's template, the rubric versions a campaign uses, bank names per owner

Revision ID: 0190_nextyear
Revises: 0180_county
Create Date: 2026-11-30 11:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0190_nextyear"
down_revision = "0190_report"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_campaigns_template_id"), ["template_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_campaigns_template_id_campaigns"), "campaigns", ["template_id"], ["id"]
        )

    op.create_table(
        "cs_campaign_rubrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=40), nullable=False),
        sa.Column("rubric_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_cs_campaign_rubrics_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"],
            ["cs_rubrics.id"],
            name=op.f("fk_cs_campaign_rubrics_rubric_id_cs_rubrics"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cs_campaign_rubrics")),
        sa.UniqueConstraint("campaign_id", "family", name="uq_cs_campaign_rubrics_campaign_family"),
    )
    with op.batch_alter_table("cs_campaign_rubrics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cs_campaign_rubrics_campaign_id"), ["campaign_id"], unique=False
        )

    # bank names: unique among the city's banks, and within each county's own
    with op.batch_alter_table("quiz_banks", schema=None) as batch_op:
        batch_op.drop_constraint("uq_quiz_banks_name", type_="unique")
        batch_op.create_unique_constraint("uq_quiz_banks_owner_name", ["owner_bureau_id", "name"])
    op.create_index(
        "uq_quiz_banks_city_name",
        "quiz_banks",
        ["name"],
        unique=True,
        sqlite_where=sa.text("owner_bureau_id IS NULL"),
        postgresql_where=sa.text("owner_bureau_id IS NULL"),
    )


def downgrade():
    op.drop_index(
        "uq_quiz_banks_city_name",
        table_name="quiz_banks",
        sqlite_where=sa.text("owner_bureau_id IS NULL"),
        postgresql_where=sa.text("owner_bureau_id IS NULL"),
    )
    with op.batch_alter_table("quiz_banks", schema=None) as batch_op:
        batch_op.drop_constraint("uq_quiz_banks_owner_name", type_="unique")
        batch_op.create_unique_constraint("uq_quiz_banks_name", ["name"])

    with op.batch_alter_table("cs_campaign_rubrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cs_campaign_rubrics_campaign_id"))
    op.drop_table("cs_campaign_rubrics")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_campaigns_template_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_campaigns_template_id"), type_="unique")
        batch_op.drop_column("template_id")
