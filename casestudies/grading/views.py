"""Routes of grading: the officer's result and regrade request, the marker's grading page,
reconciliation and release, the comment bank, the queue, statistics and the Excel export."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casestudies.errors import CaseError
from casestudies.exercises.models import RECORD_TYPES, STATUSES, Exercise, Submission
from casestudies.exercises.reader import FIELD_NAMES
from casestudies.exercises.records import marks_of, missing_of, segments
from casestudies.exercises.services import exercises
from casestudies.exercises.views import viewable_submission
from casestudies.grading import exporters, forms, regrades, services
from casestudies.grading import stats as statistics
from casestudies.grading.models import RegradeRequest
from casestudies.rubrics.checks import STANDARDS
from casestudies.rubrics.services import criteria
from casestudies.web import (
    MANAGE,
    bp,
    campaign_id,
    get_or_404,
    is_manager,
    require_exercise_author,
)
from lianbing.host import (
    XLSX,
    all_bureaus,
    any_user,
    authoring_bureau,
    download,
    flash_errors,
    log_event,
    may_author,
    refused_redirect,
    require_role,
    rerender,
    to_local,
)


def _record_ctx(sub: Submission, **extra) -> dict:
    """Before a person grades, the pre-grade's suggestions; after, the person's verdict only."""
    show_grade = is_manager() or sub.status == "released"
    first = services.grade_of(sub, "first")
    verdicts = services.verdicts(sub, first)
    full = {k: v["full"] for k, v in verdicts.items()} if first else None
    return {
        "sub": sub,
        "exercise": sub.exercise,
        "criteria": criteria(sub.exercise.rubric),
        "show_grade": show_grade,
        "pieces": segments(sub.text, marks_of(sub.pregrade, full) if show_grade else []),
        "missing": missing_of(sub.pregrade) if show_grade and not first else [],
        "verdicts": verdicts,
        "FIELD_NAMES": FIELD_NAMES,
        "first": first,
        "second": services.grade_of(sub, "second"),
        "STATUSES": STATUSES,
        "RECORD_TYPES": RECORD_TYPES,
        "to_local": to_local,
        "deadline": regrades.regrade_deadline(sub),
        "requests": regrades.regrade_requests(sub),
        **extra,
    }


def _regrade_form(sub: Submission) -> forms.RegradeForm:
    form = forms.RegradeForm()
    form.criterion.choices = [
        (c["key"], f"{c['key']} {c['title']}") for c in criteria(sub.exercise.rubric)
    ]
    return form


@bp.route("/submissions/<int:sub_id>")
@any_user
def submission(sub_id: int):
    sub = viewable_submission(sub_id)
    if sub.status == "draft":
        return redirect(url_for(".write", exercise_id=sub.exercise_id))
    return render_template(
        "casestudies/grading/submission.html", **_record_ctx(sub, rform=_regrade_form(sub))
    )


@bp.route("/submissions/<int:sub_id>/regrade", methods=["POST"])
@any_user
def regrade_request(sub_id: int):
    sub = viewable_submission(sub_id)
    form = _regrade_form(sub)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "casestudies/grading/submission.html", **_record_ctx(sub, rform=form)
        ), 400
    try:
        regrades.request_regrade(sub, current_user, form.criterion.data, form.reason.data)
    except CaseError as err:
        return rerender(err, "casestudies/grading/submission.html", **_record_ctx(sub, rform=form))
    flash("复评申请已提交。", "success")
    return redirect(url_for(".submission", sub_id=sub.id))


def _grade_ctx(
    sub: Submission, role: str, scores: dict | None = None, comment: str | None = None
) -> dict:
    grade = services.grade_of(sub, role)
    return _record_ctx(
        sub,
        role=role,
        scores=scores if scores is not None else services.starting_scores(sub, role),
        comment=comment if comment is not None else (grade.comment if grade else ""),
        bank=services.comment_bank(),
        cform=forms.CommentForm(),
        history=services.history(sub),
        criterion_titles={c.get("key"): c.get("title") for c in criteria(sub.exercise.rubric)},
        diffs=services.differences(sub),
        STANDARDS=STANDARDS,
    )


def _gradable(sub_id: int) -> Submission:
    sub = _marked(sub_id)
    if sub.status == "draft":
        abort(404)
    return sub


def _marked(sub_id: int) -> Submission:
    """A submission of an exercise the current marker may grade (a county's: its own)."""
    sub = get_or_404(Submission, sub_id)
    require_exercise_author(sub.exercise)
    return sub


@bp.route("/submissions/<int:sub_id>/grade", methods=["GET", "POST"])
@require_role(*MANAGE)
def grade(sub_id: int):
    sub = _gradable(sub_id)
    role = "second" if request.args.get("role") == "second" else "first"
    if request.method == "GET":
        return render_template("casestudies/grading/grade.html", **_grade_ctx(sub, role))
    scores = forms.scores_from_form(request.form, criteria(sub.exercise.rubric))
    comment = request.form.get("comment", "")
    try:
        services.save_grade(sub, current_user, role, scores, comment)
    except CaseError as err:
        return rerender(
            err, "casestudies/grading/grade.html", **_grade_ctx(sub, role, scores, comment)
        )
    flash("评分已保存。", "success")
    return redirect(url_for(".grade", sub_id=sub.id, role=role))


@bp.route("/submissions/<int:sub_id>/reconcile", methods=["POST"])
@require_role(*MANAGE)
def reconcile(sub_id: int):
    sub = _marked(sub_id)
    agreed = {
        d["criterion"]["key"]: v
        for d in services.differences(sub)
        for v in [forms.scores_from_form(request.form, [d["criterion"]])[d["criterion"]["key"]]]
    }
    try:
        services.reconcile(sub, current_user, agreed)
    except CaseError as err:
        return rerender(err, "casestudies/grading/grade.html", **_grade_ctx(sub, "first"))
    flash("已核定分数。", "success")
    return redirect(url_for(".grade", sub_id=sub.id))


@bp.route("/submissions/<int:sub_id>/release", methods=["POST"])
@require_role(*MANAGE)
def release(sub_id: int):
    sub = _marked(sub_id)
    try:
        services.release(sub, current_user, campaign_id())
    except CaseError as err:
        return rerender(err, "casestudies/grading/grade.html", **_grade_ctx(sub, "first"))
    flash(f"成绩已发布：{sub.final_points:g} 分，已记入成绩台账。", "success")
    return redirect(url_for(".grade", sub_id=sub.id))


@bp.route("/comments", methods=["POST"])
@require_role(*MANAGE)
def comment_add():
    form = forms.CommentForm()
    back = request.form.get("next", "")
    back = back if back.startswith("/casestudies/") else url_for(".queue")
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    try:
        services.add_comment(current_user, form.text.data, form.standard.data)
    except CaseError as err:
        return refused_redirect(err, back)
    flash("已加入常用评语。", "success")
    return redirect(back)


@bp.route("/regrades/<int:req_id>/answer", methods=["POST"])
@require_role(*MANAGE)
def regrade_answer(req_id: int):
    req = get_or_404(RegradeRequest, req_id)
    form = forms.AnswerRegradeForm()
    sub = req.submission
    require_exercise_author(sub.exercise)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "casestudies/grading/submission.html", **_record_ctx(sub, rform=_regrade_form(sub))
        ), 400
    try:
        regrades.answer_regrade(
            req, current_user, form.points.data, form.answer.data, campaign_id()
        )
    except CaseError as err:
        return rerender(
            err, "casestudies/grading/submission.html", **_record_ctx(sub, rform=_regrade_form(sub))
        )
    flash("复评已答复，成绩台账已更新。", "success")
    return redirect(url_for(".submission", sub_id=sub.id))


@bp.route("/grading")
@require_role(*MANAGE)
def queue():
    status = request.args.get("status", "")
    f = services.QueueFilter(
        exercise_id=request.args.get("exercise", type=int),
        bureau_id=request.args.get("bureau", type=int),
        status=status if status in STATUSES else "",
        owner_bureau_id=authoring_bureau(current_user),
    )
    return render_template(
        "casestudies/grading/queue.html",
        subs=services.queue(f),
        f=f,
        STATUSES=STATUSES,
        exercises=[e for e in exercises(False) if may_author(current_user, e.owner_bureau_id)],
        bureaus=all_bureaus(),
        regrades=regrades.open_regrades(),
        to_local=to_local,
    )


@bp.route("/exercises/<int:exercise_id>/stats")
@require_role(*MANAGE)
def stats(exercise_id: int):
    exercise = get_or_404(Exercise, exercise_id)
    require_exercise_author(exercise)
    return render_template(
        "casestudies/grading/stats.html",
        exercise=exercise,
        stats=statistics.criterion_stats(exercise),
    )


@bp.route("/exercises/<int:exercise_id>/grades.xlsx")
@require_role(*MANAGE)
def grades_export(exercise_id: int):
    exercise = get_or_404(Exercise, exercise_id)
    require_exercise_author(exercise)
    subs = services.queue(services.QueueFilter(exercise_id=exercise.id))
    data = exporters.grades_xlsx(subs, criteria(exercise.rubric))
    log_event(
        "casestudies",
        "grades of exercise %s exported by user %s (%d records)",
        exercise.id,
        current_user.id,
        len(subs),
        actor_id=current_user.id,
        target=f"cs_exercise:{exercise.id}",
        count=len(subs),
    )
    return download(data, f"{exercise.title}-评分.xlsx", XLSX)
