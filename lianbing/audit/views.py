"""The audit log page for city admins."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, render_template, request

from lianbing.audit import labels, services
from lianbing.audit.forms import AuditFilterForm
from lianbing.auth import CITY_ADMIN, require_role
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.web import page_arg

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
    names = services.user_names(r.target_id for r in items if r.target_type == "user")
    return [
        {
            "row": r,
            "action": labels.action_label(r.action),
            "target": labels.target_label(r.target_type),
            "target_name": names.get(r.target_id, "") if r.target_type == "user" else "",
            "changes": labels.changes(r.old, r.new, bureaus),
        }
        for r in items
    ]
