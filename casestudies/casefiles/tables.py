"""Review tables (评查表): validate, store, version, lock on first use, JSON import and export.

A table is plain data (the JSON export format)::

    {"title": "...", "total_points": 100,
     "veto":  [{"key": "S1", "aspect": "主体合法", "title": "..."}],
     "items": [{"key": "P1", "stage": "立案", "aspect": "程序合法", "title": "...", "points": 3}],
     "bonus": [{"key": "B1", "title": "...", "points": 2}],
     "bonus_cap": 5}

Veto items (实体部分) are pass or fail: one failed makes the file 不合格. Paper items (卷面部分)
are scored from 0 to their points, grouped by stage; their points add up to ``total_points``.
Bonus items add points up to ``bonus_cap``.
"""

from __future__ import annotations

import uuid
from copy import deepcopy

from sqlalchemy import func, select

from casestudies.casefiles.models import ASPECTS, STAGES, ReviewTable
from casestudies.errors import CaseError, Conflict
from lianbing.host import Refused, db, load_json, write_audit

MAX_IMPORT_BYTES = 512 * 1024


class TableError(CaseError):
    """A review table that cannot be stored; the message names the item."""


def validate(data) -> dict:
    """The table normalised, or a TableError naming the first wrong item."""
    if not isinstance(data, dict):
        raise TableError("评查表须为 JSON 对象。")
    title = str(data.get("title") or "").strip()
    if not title:
        raise TableError("评查表缺少名称（title）。")
    keys: set[str] = set()
    veto = [_veto(v, n, keys) for n, v in enumerate(_list(data, "veto"), start=1)]
    items = [_item(v, n, keys) for n, v in enumerate(_list(data, "items"), start=1)]
    bonus = [_bonus(v, n, keys) for n, v in enumerate(_list(data, "bonus"), start=1)]
    if not items:
        raise TableError("评查表至少要有一个卷面评查项（items）。")
    total = round(sum(i["points"] for i in items), 2)
    declared = _number(data.get("total_points", total), "总分（total_points）")
    if abs(declared - total) > 1e-6:
        raise TableError(f"卷面评查项合计 {total:g} 分，与总分 {declared:g} 分不符。")
    cap = _number(data.get("bonus_cap", 0), "加分上限（bonus_cap）")
    if cap < 0:
        raise TableError("加分上限不能为负数。")
    return {
        "title": title,
        "total_points": total,
        "veto": veto,
        "items": items,
        "bonus": bonus,
        "bonus_cap": cap,
    }


def _list(data: dict, name: str) -> list:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise TableError(f"{name} 须为列表。")
    return value


def _number(value, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TableError(f"{what}“{value}”不是数字。") from None


def _head(item, n: int, part: str, keys: set[str]) -> tuple[str, str, str]:
    if not isinstance(item, dict):
        raise TableError(f"{part}第 {n} 项须为对象。")
    key, title = str(item.get("key") or "").strip(), str(item.get("title") or "").strip()
    where = f"{part}第 {n} 项（{key or '无编号'}）"
    if not key:
        raise TableError(f"{where}：缺少编号 key。")
    if key in keys:
        raise TableError(f"{where}：编号 {key} 重复。")
    if not title:
        raise TableError(f"{where}：缺少内容 title。")
    keys.add(key)
    return key, title, where


def _aspect(item: dict, where: str) -> str:
    aspect = str(item.get("aspect") or "").strip()
    if aspect and aspect not in ASPECTS:
        raise TableError(f"{where}：评查方面“{aspect}”不在 {'、'.join(ASPECTS)} 之中。")
    return aspect


def _veto(item, n: int, keys: set[str]) -> dict:
    key, title, where = _head(item, n, "否决项", keys)
    return {"key": key, "title": title, "aspect": _aspect(item, where)}


def _item(item, n: int, keys: set[str]) -> dict:
    key, title, where = _head(item, n, "卷面评查项", keys)
    stage = str(item.get("stage") or "").strip()
    if stage not in STAGES:
        raise TableError(f"{where}：环节“{stage}”不在 {'、'.join(STAGES)} 之中。")
    points = _number(item.get("points"), f"{where}的分值")
    if points <= 0:
        raise TableError(f"{where}：分值须大于 0。")
    return {
        "key": key,
        "title": title,
        "stage": stage,
        "aspect": _aspect(item, where),
        "points": points,
    }


def _bonus(item, n: int, keys: set[str]) -> dict:
    key, title, where = _head(item, n, "加分项", keys)
    points = _number(item.get("points"), f"{where}的分值")
    if points <= 0:
        raise TableError(f"{where}：分值须大于 0。")
    return {"key": key, "title": title, "points": points}


def export_data(table: ReviewTable) -> dict:
    """The table in its JSON export format."""
    return {
        "title": table.title,
        "version": table.version,
        "total_points": table.total_points,
    } | deepcopy(table.data)


def create_table(
    data, *, actor_id: int, family: str | None = None, version: int = 1
) -> ReviewTable:
    """Validate and store a review table (a new family unless given)."""
    clean = validate(data)
    table = ReviewTable(
        family=family or uuid.uuid4().hex[:12],
        version=version,
        title=clean["title"],
        total_points=clean["total_points"],
        data={k: clean[k] for k in ("veto", "items", "bonus", "bonus_cap")},
        created_by=actor_id,
    )
    db.session.add(table)
    db.session.flush()
    write_audit(
        "casestudies.review_table.create",
        "cs_review_table",
        table.id,
        actor_id=actor_id,
        new={"title": table.title, "family": table.family, "version": version},
    )
    return table


def update_table(table: ReviewTable, data, *, actor_id: int) -> None:
    """Replace the table's items, unless a file has been assigned against it."""
    if table.is_locked:
        raise Conflict(
            f"评查表“{table.title}”第 {table.version} 版已开始使用，已锁定；"
            "请另存为新版本后再修改。"
        )
    clean = validate(data)
    table.title, table.total_points = clean["title"], clean["total_points"]
    table.data = {k: clean[k] for k in ("veto", "items", "bonus", "bonus_cap")}
    db.session.flush()
    write_audit("casestudies.review_table.update", "cs_review_table", table.id, actor_id=actor_id)


def new_version(table: ReviewTable, *, actor_id: int) -> ReviewTable:
    """A copy of the table as the next version of its family, unlocked."""
    top = db.session.scalar(
        select(func.max(ReviewTable.version)).where(ReviewTable.family == table.family)
    )
    return create_table(
        export_data(table), actor_id=actor_id, family=table.family, version=(top or 0) + 1
    )


def lock(table: ReviewTable) -> None:
    """Lock the table: files are being reviewed against it."""
    if not table.is_locked:
        table.is_locked = True
        db.session.flush()


def import_table(raw: bytes | None, *, actor_id: int) -> ReviewTable:
    """A table from its JSON export, refused with the reason when it is not one."""
    if not raw:
        raise TableError("请选择评查表 JSON 文件。")
    if len(raw) > MAX_IMPORT_BYTES:
        raise TableError("评查表文件过大（上限 512 KB）。")
    try:  # size and nesting depth checked before parsing; errors said in Chinese
        data = load_json(raw, "评查表 JSON 文件")
    except Refused as exc:
        raise TableError(str(exc)) from None
    return create_table(data, actor_id=actor_id)


def tables() -> list[ReviewTable]:
    return list(
        db.session.scalars(select(ReviewTable).order_by(ReviewTable.family, ReviewTable.version))
    )


def item_index(table: ReviewTable) -> dict[str, dict]:
    """Every item of the table by key, with its part ("veto", "items", "bonus")."""
    return {
        i["key"]: i | {"part": part}
        for part in ("veto", "items", "bonus")
        for i in table.data.get(part, [])
    }
