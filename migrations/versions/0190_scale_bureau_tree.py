"""scale: the bureau tree's province level and materialized path

Revision ID: 0190_scale
Revises: 0180_county
Create Date: 2026-11-30 11:05:00.000000

Existing bureaus keep their level and parent: the city gets "/<id>/", each county
"/<city id>/<id>/" (filled level by level, so any depth that exists is covered).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0190_scale"
down_revision = "0190_jobs"
branch_labels = None
depends_on = None

bureaus = sa.table(
    "bureaus",
    sa.column("id", sa.Integer),
    sa.column("parent_id", sa.Integer),
    sa.column("path", sa.String),
)


def upgrade():
    _keys_off_on_sqlite(_alter)
    _fill_paths()


def _keys_off_on_sqlite(change) -> None:
    """SQLite changes a CHECK by copying the table; dropping the old copy while users and
    everything else refer to it needs foreign keys off, which only works outside a transaction."""
    if op.get_bind().dialect.name != "sqlite":
        change()
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
        change()
        op.execute("PRAGMA foreign_keys=ON")


def _alter():
    with op.batch_alter_table("bureaus", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("path", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.drop_constraint(batch_op.f("ck_bureaus_level"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_bureaus_level"), "level IN ('province', 'city', 'county')"
        )
        batch_op.create_index(
            "ix_bureaus_path",
            ["path"],
            unique=False,
            postgresql_ops={"path": "text_pattern_ops"},
        )


def _fill_paths():
    """Roots first, then each level below the filled one, until nothing is left empty."""
    op.execute(
        bureaus.update()
        .where(bureaus.c.parent_id.is_(None))
        .values(path=sa.literal("/") + sa.cast(bureaus.c.id, sa.String) + sa.literal("/"))
    )
    parent = sa.alias(bureaus, "parent")
    for _ in range(8):  # the tree is at most a few levels deep
        op.execute(
            bureaus.update()
            .where(bureaus.c.path == "")
            .values(
                path=sa.func.coalesce(
                    sa.select(parent.c.path + sa.cast(bureaus.c.id, sa.String) + sa.literal("/"))
                    .where(parent.c.id == bureaus.c.parent_id, parent.c.path != "")
                    .scalar_subquery(),
                    "",
                )
            )
        )


def downgrade():
    # a tree with provinces cannot go back to one city: the old check would refuse them
    _keys_off_on_sqlite(_unalter)


def _unalter():
    with op.batch_alter_table("bureaus", schema=None) as batch_op:
        batch_op.drop_index("ix_bureaus_path", postgresql_ops={"path": "text_pattern_ops"})
        batch_op.drop_constraint(batch_op.f("ck_bureaus_level"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_bureaus_level"), "level IN ('city', 'county')"
        )
        batch_op.drop_column("path")
