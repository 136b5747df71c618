"""casestudies: an exercise belongs to the campaign it was made in (its rubric version)

Revision ID: 0200_left19
Revises: 0190_scale
Create Date: 2026-11-30 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0200_left19"
down_revision = "0190_scale"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cs_exercises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cs_exercises_campaign_id"), ["campaign_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_cs_exercises_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # exercises made so far belong to the campaign active now (the one they were made for)
    campaigns = sa.table("campaigns", sa.column("id"), sa.column("is_active", sa.Boolean))
    exercises = sa.table("cs_exercises", sa.column("campaign_id"))
    active = sa.select(campaigns.c.id).where(campaigns.c.is_active.is_(sa.true())).limit(1)
    op.execute(exercises.update().values(campaign_id=active.scalar_subquery()))


def downgrade():
    with op.batch_alter_table("cs_exercises", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cs_exercises_campaign_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_cs_exercises_campaign_id"))
        batch_op.drop_column("campaign_id")
