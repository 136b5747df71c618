"""The backbone pool (执法骨干) as the review sees it: the host keeps the pool (a roster attribute,
``User.backbone``, read through ``backbone_pool``); here are the marking and the Excel export."""

from __future__ import annotations

from lianbing.host import BACKBONE_SPECIALTIES, User, backbone_pool, set_backbone, xlsx_bytes


def pool(specialty: str | None = None) -> list[User]:
    """Active officers in the pool, by bureau then user name; of one specialty when given."""
    return backbone_pool(specialty)


def mark(user: User, specialties: list[str], *, actor_id: int) -> None:
    """Put an officer in the pool with these specialties, or out of it with none."""
    set_backbone(user, specialties, actor_id=actor_id)


def export_pool() -> bytes:
    """The pool as an Excel sheet for the province's dispatch (the host's formula-safe writer)."""
    head = ["姓名", "用户名", "单位", "执法证号", "手机", *BACKBONE_SPECIALTIES.values()]
    rows = [
        [
            u.display_name,
            u.username,
            u.bureau.name,
            u.cert_no or "",
            u.phone or "",
            *("✓" if k in u.backbone_specialties else "" for k in BACKBONE_SPECIALTIES),
        ]
        for u in pool()
    ]
    return xlsx_bytes({"执法骨干": [head, *rows]})
