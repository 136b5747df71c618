"""The backbone pool (执法骨干): who is in it, with which specialties; its Excel export."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from lianbing.host import BACKBONE_SPECIALTIES, User, db, set_backbone


def pool(specialty: str | None = None) -> list[User]:
    """Active officers in the pool, by bureau then user name; of one specialty when given."""
    users = db.session.scalars(
        select(User)
        .where(User.backbone.is_not(None), User.is_active_.is_(True))
        .order_by(User.bureau_id, User.username)
    )
    return [u for u in users if specialty is None or specialty in u.backbone_specialties]


def mark(user: User, specialties: list[str], *, actor_id: int) -> None:
    """Put an officer in the pool with these specialties, or out of it with none."""
    set_backbone(user, specialties, actor_id=actor_id)


def export_pool() -> bytes:
    """The pool as an Excel sheet for the province's dispatch."""
    book = Workbook()
    sheet = book.active
    sheet.title = "执法骨干"
    sheet.append(["姓名", "用户名", "单位", "执法证号", "手机", *BACKBONE_SPECIALTIES.values()])
    for u in pool():
        marks = ["✓" if k in u.backbone_specialties else "" for k in BACKBONE_SPECIALTIES]
        sheet.append(
            [u.display_name, u.username, u.bureau.name, u.cert_no or "", u.phone or "", *marks]
        )
    for col, width in zip("ABCDEFGH", (12, 20, 30, 16, 14, 10, 10, 10)):
        sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
