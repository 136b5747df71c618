"""Routes of case lessons: read in stages, answer once, see the explanation; the lesson editor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casestudies.errors import CaseError
from casestudies.lessons import forms, services
from casestudies.lessons.models import CaseLesson, CaseQuestion
from casestudies.web import (
    EXERCISE_AUTHORS,
    LESSON_NOT_FOR_YOU,
    LESSON_REFUSED,
    bp,
    campaign_id,
    get_or_404,
    is_for,
    is_manager,
)
from lianbing.host import (
    Forbidden,
    any_user,
    authoring_bureau,
    flash_errors,
    form_status,
    local_to_utc,
    may_author,
    refused_redirect,
    require_role,
    rerender,
    to_local,
)

TEXT_FIELDS = (
    "title",
    "industry",
    "violation_type",
    "facts",
    "evidence",
    "decision",
    "interpretation",
    "mistakes",
)


def _visible_lesson(lesson_id: int) -> CaseLesson:
    """A published lesson meant for the user, or any its author may manage."""
    lesson = get_or_404(CaseLesson, lesson_id)
    if _authors(lesson):
        return lesson
    if not lesson.is_published:
        abort(404)
    if not is_for(lesson, current_user):
        raise Forbidden(LESSON_NOT_FOR_YOU)
    return lesson


def _authors(lesson: CaseLesson) -> bool:
    """Is the current user an author of this lesson (the city's, or its own county's)?"""
    return current_user.role in EXERCISE_AUTHORS and may_author(
        current_user, lesson.owner_bureau_id
    )


def _authored(lesson: CaseLesson) -> CaseLesson:
    if not _authors(lesson):
        raise Forbidden(LESSON_REFUSED)
    return lesson


@bp.route("/lessons/<int:lesson_id>")
@any_user
def lesson(lesson_id: int):
    lesson = _visible_lesson(lesson_id)
    attempt = services.attempt_for(lesson.id, current_user.id)
    return render_template(
        "casestudies/lessons/lesson.html",
        lesson=lesson,
        stage="facts",
        attempt=attempt,
        can_edit=_authors(lesson),
    )


@bp.route("/lessons/<int:lesson_id>/questions", methods=["GET", "POST"])
@any_user
def lesson_questions(lesson_id: int):
    lesson = _visible_lesson(lesson_id)
    if services.attempt_for(lesson.id, current_user.id):
        return redirect(url_for(".lesson_result", lesson_id=lesson.id))
    ctx = {"lesson": lesson, "stage": "questions", "attempt": None, "can_edit": _authors(lesson)}
    if request.method == "GET":
        return render_template("casestudies/lessons/lesson.html", **ctx)
    answers = {str(q.id): request.form.get(f"q{q.id}", "") for q in lesson.questions}
    try:
        attempt = services.submit_lesson(lesson, current_user, answers, campaign_id())
    except CaseError as err:
        return rerender(err, "casestudies/lessons/lesson.html", **ctx)
    if attempt.not_counted:
        flash(f"答案已保存，但不计入练兵成绩：{attempt.not_counted}", "warning")
    return redirect(url_for(".lesson_result", lesson_id=lesson.id))


@bp.route("/lessons/<int:lesson_id>/result")
@any_user
def lesson_result(lesson_id: int):
    lesson = _visible_lesson(lesson_id)
    attempt = services.attempt_for(lesson.id, current_user.id)
    if attempt is None and not is_manager():
        return redirect(url_for(".lesson", lesson_id=lesson.id))
    return render_template(
        "casestudies/lessons/lesson.html",
        lesson=lesson,
        stage="result",
        attempt=attempt,
        credit=services.question_credit,
        can_edit=_authors(lesson),
    )


def _lesson_data(form: forms.LessonForm) -> services.LessonData:
    return services.LessonData(
        **{k: form[k].data or "" for k in TEXT_FIELDS},
        citations=services.parse_citations(form.citations.data),
        is_published=form.is_published.data,
        due_at=local_to_utc(form.due_at.data) if form.due_at.data else None,
    )


@bp.route("/lessons/new", methods=["GET", "POST"])
@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@require_role(*EXERCISE_AUTHORS)
def lesson_edit(lesson_id: int | None = None):
    lesson = _authored(get_or_404(CaseLesson, lesson_id)) if lesson_id else None
    form = forms.LessonForm(obj=lesson)
    if request.method == "GET" and lesson:
        form.citations.data = "\n".join(lesson.citations or [])
        form.due_at.data = to_local(lesson.due_at).replace(tzinfo=None) if lesson.due_at else None
    ctx = {"form": form, "lesson": lesson, "qform": forms.QuestionForm()}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("casestudies/lessons/lesson_form.html", **ctx), form_status(form)
    try:
        lesson = services.save_lesson(
            lesson,
            _lesson_data(form),
            actor_id=current_user.id,
            owner_bureau_id=authoring_bureau(current_user),
        )
    except CaseError as err:
        return rerender(err, "casestudies/lessons/lesson_form.html", **ctx)
    flash("案例已保存。", "success")
    return redirect(url_for(".lesson_edit", lesson_id=lesson.id))


@bp.route("/lessons/<int:lesson_id>/questions/add", methods=["POST"])
@require_role(*EXERCISE_AUTHORS)
def question_add(lesson_id: int):
    lesson = _authored(get_or_404(CaseLesson, lesson_id))
    qform = forms.QuestionForm()
    ctx = {"form": forms.LessonForm(obj=lesson), "lesson": lesson, "qform": qform}
    if not qform.validate_on_submit():
        flash_errors(qform)
        return render_template("casestudies/lessons/lesson_form.html", **ctx), 400
    options = tuple(x.strip() for x in (qform.options.data or "").splitlines() if x.strip())
    data = services.QuestionData(
        qform.kind.data,
        qform.prompt.data,
        options,
        qform.answer.data or "",
        qform.explanation.data or "",
    )
    try:
        services.add_question(lesson, data, actor_id=current_user.id)
    except CaseError as err:
        return rerender(err, "casestudies/lessons/lesson_form.html", **ctx)
    return redirect(url_for(".lesson_edit", lesson_id=lesson.id))


@bp.route("/questions/<int:question_id>/delete", methods=["POST"])
@require_role(*EXERCISE_AUTHORS)
def question_delete(question_id: int):
    question = get_or_404(CaseQuestion, question_id)
    _authored(question.lesson)
    back = url_for(".lesson_edit", lesson_id=question.lesson_id)
    try:
        services.delete_question(question, actor_id=current_user.id)
    except CaseError as err:
        return refused_redirect(err, back)
    return redirect(back)
