"""quiz trust: bank visibility; review options per moment; module checks drawn per attempt

Banks get a visibility (draft, practice, exam); quizzes get review options right after the
attempt and after close; module checks get a pool size, an attempt limit and a cool-down, and
each check attempt stores the paper it drew.

Revision ID: 0090_quiz_trust
Revises: 0070_perfrank
Create Date: 2026-11-30 05:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0090_quiz_trust"
down_revision = "0080_seca_sessions"
branch_labels = None
depends_on = None

ALL = "score,responses,marks,keys,explanations"


def upgrade():
    with op.batch_alter_table("quiz_banks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=10), server_default="practice", nullable=False)
        )
    with op.batch_alter_table("quiz_quizzes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_after", sa.String(length=100), server_default="score", nullable=False)
        )
        batch_op.add_column(
            sa.Column("review_closed", sa.String(length=100), server_default=ALL, nullable=False)
        )
    with op.batch_alter_table("training_modules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("check_size", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("check_attempts", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.add_column(
            sa.Column("check_cooldown_minutes", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("training_check_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper", sa.JSON(), nullable=True))
    # existing practice quizzes keep showing everything right after the attempt
    op.execute(f"UPDATE quiz_quizzes SET review_after = '{ALL}' WHERE mode = 'practice'")


def downgrade():
    with op.batch_alter_table("training_check_attempts", schema=None) as batch_op:
        batch_op.drop_column("paper")
    with op.batch_alter_table("training_modules", schema=None) as batch_op:
        batch_op.drop_column("check_cooldown_minutes")
        batch_op.drop_column("check_attempts")
        batch_op.drop_column("check_size")
    with op.batch_alter_table("quiz_quizzes", schema=None) as batch_op:
        batch_op.drop_column("review_closed")
        batch_op.drop_column("review_after")
    with op.batch_alter_table("quiz_banks", schema=None) as batch_op:
        batch_op.drop_column("visibility")
