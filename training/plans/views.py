"""Routes of study plans and the bureau study dashboard (bureau and city admins)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.host import (
    ADMINS,
    AUTHORS,
    XLSX,
    Bureau,
    Refused,
    all_bureaus,
    authoring_bureau,
    db,
    download,
    flash_errors,
    form_status,
    log_event,
    require_bureau,
    require_role,
    rerender,
)
from training.modules.services import all_modules
from training.plans import dashboard as board
from training.plans import exporters, services
from training.plans.forms import PlanForm
from training.plans.models import StudyPlan
from training.web import bp


@bp.route("/plans", methods=["GET", "POST"])
@require_role(*AUTHORS)
def plans():
    form = _plan_form()
    context = {
        "form": form,
        "plans": services.plans_visible_to(current_user),
        "scope": authoring_bureau(current_user),
    }
    if form.validate_on_submit():
        data = services.PlanData(
            form.module_id.data,
            form.role.data or None,
            form.bureau_id.data or None,
            form.due_on.data,
        )
        try:
            services.create_plan(current_user, data)
        except Refused as err:
            return rerender(err, "training/plans/plans.html", **context)
        flash("学习任务已分配。", "success")
        return redirect(url_for("training.plans"))
    flash_errors(form)
    return render_template("training/plans/plans.html", **context), form_status(form)


def _plan_form() -> PlanForm:
    form = PlanForm()
    form.module_id.choices = [(m.id, m.title) for m in all_modules() if m.is_published]
    bureaus = [(b.id, b.name) for b in all_bureaus()]
    scope = authoring_bureau(current_user)
    if scope is None:
        form.bureau_id.choices = [(0, "全部单位")] + bureaus
    else:
        form.bureau_id.choices = [c for c in bureaus if c[0] == scope]
    return form


@bp.route("/plans/<int:plan_id>/delete", methods=["POST"])
@require_role(*AUTHORS)
def plan_delete(plan_id: int):
    plan = db.get_or_404(StudyPlan, plan_id)
    services.delete_plan(current_user, plan)
    flash("学习任务已删除。", "success")
    return redirect(url_for("training.plans"))


@bp.route("/plans/overdue")
@require_role(*ADMINS)
def overdue():
    return render_template("training/plans/overdue.html", rows=services.overdue_list(current_user))


@bp.route("/dashboard")
@require_role(*ADMINS)
def dashboard():
    bureau_id = request.args.get("bureau", type=int)
    if bureau_id is not None:
        require_bureau(current_user, bureau_id)
    if current_user.role == "bureau_admin":
        bureau_id = current_user.bureau_id
    rows = board.officer_rows(current_user, bureau_id)
    bureaus, officers = board.summarize(rows), rows if bureau_id is not None else []
    return render_template(
        "training/plans/dashboard.html",
        bureaus=bureaus,
        officers=officers,
        charts=_charts(bureaus, officers),
        bureau=db.session.get(Bureau, bureau_id) if bureau_id else None,
    )


def _charts(bureaus: list, officers: list) -> dict[str, list]:
    top = sorted(officers, key=lambda r: r.hours, reverse=True)[:15]
    spread = [
        (f"{n} 个", sum(1 for r in officers if r.completed == n))
        for n in range(max((r.completed for r in officers), default=0) + 1)
    ]
    return {
        "hours": [(b.bureau.short_name, b.hours) for b in bureaus],
        "spread": spread,
        "completed": [(b.bureau.short_name, b.completed) for b in bureaus],
        "top": [(r.user.display_name, r.hours) for r in top],
    }


@bp.route("/dashboard.xlsx")
@require_role(*ADMINS)
def dashboard_export():
    rows = board.officer_rows(current_user)
    log_event(
        "training",
        "study dashboard exported by user %s (%d officers)",
        current_user.id,
        len(rows),
        actor_id=current_user.id,
        count=len(rows),
    )
    data = exporters.dashboard_xlsx(board.summarize(rows), rows)
    return download(data, "学法用法学习情况.xlsx", XLSX)
