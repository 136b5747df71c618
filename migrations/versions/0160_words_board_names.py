"""rankings: the city may hide names on officers' leaderboard (ranking_settings.is_board_named)

Revision ID: 0160_words
Revises: 0130_notify
Create Date: 2026-11-30 08:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0160_words"
down_revision = "0150_casefiles2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ranking_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_board_named", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("ranking_settings", schema=None) as batch_op:
        batch_op.drop_column("is_board_named")
