"""speed counters: named counters (cache versions, fixed-window rate counts); packed marks of
quiz attempts for item analysis

Revision ID: 0170_speed
Revises: 0130_notify
Create Date: 2026-11-30 08:30:00

"""

import sqlalchemy as sa
from alembic import op

import lianbing.dbtypes

# revision identifiers, used by Alembic.
revision = "0170_speed"
down_revision = "0160_words"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", lianbing.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counters_updated_at"), ["updated_at"], unique=False)
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_marks", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_column("item_marks")
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counters_updated_at"))
    op.drop_table("counters")
