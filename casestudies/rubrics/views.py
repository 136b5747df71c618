"""Rubric builder routes: list, create, import, edit criteria, try on a record, copy, export."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from casestudies.exercises.models import RECORD_TYPES
from casestudies.exercises.reader import FIELD_NAMES
from casestudies.exercises.records import marks_of, missing_of, segments
from casestudies.rubrics import checks, exporters, forms, services
from casestudies.rubrics.models import Rubric
from casestudies.web import MANAGE, bp, get_or_404
from lianbing.host import (
    Refused,
    download,
    flash_errors,
    form_status,
    log_event,
    require_role,
    rerender,
)


def _rubric_ctx(
    rubric: Rubric,
    cform: forms.CriterionForm | None = None,
    head: forms.RubricHeadForm | None = None,
) -> dict:
    return {
        "rubric": rubric,
        "data": services.rubric_data(rubric),
        "problem": services.problem_of(rubric),
        "STANDARDS": checks.STANDARDS,
        "CHECK_TYPES": checks.CHECK_TYPES,
        "EXAMPLES": checks.examples(),
        "cform": cform or forms.CriterionForm(formdata=None),
        "head": head or forms.RubricHeadForm(formdata=None, obj=rubric),
        "RECORD_TYPES": RECORD_TYPES,
        "FIELD_NAMES": FIELD_NAMES,
    }


def _list_ctx(head: forms.RubricHeadForm) -> dict:
    return {
        "rubrics": services.rubrics(),
        "head": head,
        "iform": forms.ImportForm(),
        "RECORD_TYPES": RECORD_TYPES,
    }


@bp.route("/rubrics", methods=["GET", "POST"])
@require_role(*MANAGE)
def rubrics():
    head = forms.RubricHeadForm()
    ctx = _list_ctx(head)
    if not head.validate_on_submit():
        flash_errors(head)
        return render_template("casestudies/rubrics/rubrics.html", **ctx), form_status(head)
    data = {
        "title": head.title.data,
        "record_type": head.record_type.data,
        "total_points": head.total_points.data,
        "criteria": [],
    }
    try:
        rubric = services.create_rubric(data, actor_id=current_user.id)
    except checks.RubricError as err:
        return rerender(err, "casestudies/rubrics/rubrics.html", **ctx)
    return redirect(url_for(".rubric", rubric_id=rubric.id))


def _uploaded_bytes() -> bytes | None:
    upload = request.files.get("file")
    return upload.read() if upload is not None and upload.filename else None


@bp.route("/rubrics/import", methods=["POST"])
@require_role(*MANAGE)
def rubric_import():
    try:
        rubric = services.import_rubric(_uploaded_bytes(), actor_id=current_user.id)
    except Refused as err:
        return rerender(
            err,
            "casestudies/rubrics/rubrics.html",
            **_list_ctx(forms.RubricHeadForm(formdata=None)),
        )
    flash("量表已导入。", "success")
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/<int:rubric_id>")
@require_role(*MANAGE)
def rubric(rubric_id: int):
    rubric = get_or_404(Rubric, rubric_id)
    cform = forms.CriterionForm(formdata=None)
    edit = next(
        (c for c in services.criteria(rubric) if c["key"] == request.args.get("edit")), None
    )
    if edit:
        forms.fill_criterion_form(cform, edit)
    return render_template("casestudies/rubrics/rubric.html", **_rubric_ctx(rubric, cform))


@bp.route("/rubrics/<int:rubric_id>/head", methods=["POST"])
@require_role(*MANAGE)
def rubric_head(rubric_id: int):
    rubric = get_or_404(Rubric, rubric_id)
    head = forms.RubricHeadForm()
    if not head.validate_on_submit():
        flash_errors(head)
        return render_template(
            "casestudies/rubrics/rubric.html", **_rubric_ctx(rubric, head=head)
        ), 400
    try:
        services.update_rubric_head(
            rubric,
            head.title.data,
            head.record_type.data,
            head.total_points.data,
            actor_id=current_user.id,
        )
    except Refused as err:
        return rerender(err, "casestudies/rubrics/rubric.html", **_rubric_ctx(rubric, head=head))
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/<int:rubric_id>/criteria", methods=["POST"])
@require_role(*MANAGE)
def criterion_save(rubric_id: int):
    rubric = get_or_404(Rubric, rubric_id)
    cform = forms.CriterionForm()
    if not cform.validate_on_submit():
        flash_errors(cform)
        return render_template("casestudies/rubrics/rubric.html", **_rubric_ctx(rubric, cform)), 400
    try:
        services.save_criterion(
            rubric,
            forms.criterion_from_form(cform),
            actor_id=current_user.id,
            replace_key=cform.replace_key.data or None,
        )
    except Refused as err:
        return rerender(err, "casestudies/rubrics/rubric.html", **_rubric_ctx(rubric, cform))
    flash("评分标准已保存。", "success")
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/<int:rubric_id>/criteria/<key>/delete", methods=["POST"])
@require_role(*MANAGE)
def criterion_delete(rubric_id: int, key: str):
    rubric = get_or_404(Rubric, rubric_id)
    try:
        services.delete_criterion(rubric, key, actor_id=current_user.id)
    except Refused as err:
        return rerender(err, "casestudies/rubrics/rubric.html", **_rubric_ctx(rubric))
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/<int:rubric_id>/try", methods=["POST"])
@require_role(*MANAGE)
def rubric_try(rubric_id: int):
    rubric = get_or_404(Rubric, rubric_id)
    text = request.form.get("text", "")
    try:
        result = services.trial(rubric, text)
    except Refused as err:
        return rerender(
            err, "casestudies/rubrics/rubric.html", **_rubric_ctx(rubric), trial_text=text
        )
    return render_template(
        "casestudies/rubrics/rubric.html",
        **_rubric_ctx(rubric),
        trial=result,
        pieces=segments(text, marks_of(result)),
        trial_text=text,
        missing=missing_of(result),
    )


@bp.route("/rubrics/<int:rubric_id>/copy", methods=["POST"])
@require_role(*MANAGE)
def rubric_copy(rubric_id: int):
    rubric = get_or_404(Rubric, rubric_id)
    new = services.copy_rubric(
        rubric, actor_id=current_user.id, as_version=request.form.get("as") == "version"
    )
    flash(f"已创建“{new.title}”第 {new.version} 版。", "success")
    return redirect(url_for(".rubric", rubric_id=new.id))


@bp.route("/rubrics/<int:rubric_id>.json")
@require_role(*MANAGE)
def rubric_export(rubric_id: int):
    rubric = get_or_404(Rubric, rubric_id)
    data = exporters.rubric_json(services.rubric_data(rubric))
    log_event(
        "casestudies",
        "rubric %s v%s exported by user %s",
        rubric.id,
        rubric.version,
        current_user.id,
        actor_id=current_user.id,
        target=f"cs_rubric:{rubric.id}",
    )
    return download(data, f"{rubric.title}-v{rubric.version}.json", "application/json")
