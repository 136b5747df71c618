"""jobs: background jobs (kind, owner, bureau, status, progress, reason, result file)

Revision ID: 0190_jobs
Revises: 0180_county
Create Date: 2026-11-30 11:30:00

"""

import sqlalchemy as sa
from alembic import op

import lianbing.dbtypes

# revision identifiers, used by Alembic.
revision = "0190_jobs"
down_revision = "0190_drills"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("bureau_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=100), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("result_file_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", lianbing.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", lianbing.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", lianbing.dbtypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureaus.id"], name=op.f("fk_jobs_bureau_id_bureaus")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_jobs_owner_id_users")),
        sa.ForeignKeyConstraint(
            ["result_file_id"],
            ["stored_files.id"],
            name=op.f("fk_jobs_result_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_owner_id"), ["owner_id"], unique=False)


def downgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_owner_id"))
        batch_op.drop_index(batch_op.f("ix_jobs_bureau_id"))
    op.drop_table("jobs")
