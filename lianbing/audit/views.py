"""The audit log page for city admins."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, render_template, request

from lianbing.activities import kind_label
from lianbing.audit import labels, services
from lianbing.audit.forms import AuditFilterForm
from lianbing.auth import CITY_ADMIN, require_role
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.parts import words_for
from lianbing.web import page_arg

#: target types whose id is itself words (a typed user name, a page address)
SHOWN_AS_IS = ("username", "route")

bp = Blueprint("audit", __name__, url_prefix="/audit", template_folder="templates")


def _day(d, end: bool = False) -> datetime | None:
    """A local calendar day's first (or last) instant, in UTC."""
    return local_to_utc(datetime.combine(d, time.max if end else time.min)) if d else None


def _filter(form: AuditFilterForm) -> services.AuditFilter:
    return services.AuditFilter(
        action=form.action.data or "",
        target_type=form.target_type.data or "",
        target_id=form.target_id.data or "",
        bureau_id=form.bureau.data or None,
        actor=(form.actor.data or "").strip(),
        since=_day(form.since.data),
        until=_day(form.until.data, True),
    )


@bp.route("/")
@require_role(CITY_ADMIN)
def index():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "全部操作")] + [
        (a, labels.action_label(a)) for a in services.actions()
    ]
    form.bureau.choices = [(0, "全部单位")] + services.bureau_choices()
    form.validate()
    page = db.paginate(
        services.query(_filter(form)),
        page=page_arg(),
        per_page=50,
        error_out=False,
    )
    return render_template("audit/index.html", form=form, page=page, rows=_rows(page.items))


def _rows(items) -> list[dict]:
    """Each log row as people read it: labels, names and a before/after table."""
    bureaus = dict(services.bureau_choices())
    names = _names(items)
    targets = _target_names(items, names["user"])
    return [
        {
            "row": r,
            "action": labels.action_label(r.action),
            "target": labels.target_label(r.target_type),
            "target_name": targets.get((r.target_type, r.target_id), ""),
            "changes": labels.changes(r.old, r.new, bureaus, names),
        }
        for r in items
    ]


def _names(items) -> dict[str, dict[str, str]]:
    """Names of the people, activities and kinds the rows' changes refer to."""
    refs = labels.references(items)
    users = refs.get("user", set()) | {r.target_id for r in items if r.target_type == "user"}
    return {
        "user": services.user_names(users),
        "activity": words_for("activity", refs.get("activity", ())),
        "kind": {k: kind_label(k) for k in refs.get("kind", ())},
    }


def _target_names(items, users: dict[str, str]) -> dict[tuple[str, str], str]:
    """(target type, id) -> name, asked of whoever owns each type; typed values shown as is."""
    found = {("user", i): n for i, n in users.items()}
    by_type: dict[str, set[str]] = {}
    for r in items:
        if r.target_type in SHOWN_AS_IS:
            found[(r.target_type, r.target_id)] = r.target_id
        elif r.target_type != "user":
            by_type.setdefault(r.target_type, set()).add(r.target_id)
    for target_type, ids in by_type.items():
        for i, name in words_for(f"target:{target_type}", ids).items():
            found[(target_type, i)] = name
    return found
