"""Routes of law-study modules: studying, the check, attachments and authoring."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.host import (
    CITY_ADMIN,
    TRAINER,
    Conflict,
    NotFound,
    Refused,
    UploadError,
    any_user,
    db,
    download,
    flash_errors,
    form_status,
    refused_redirect,
    require_role,
    rerender,
)
from training.laws.services import expand_citations
from training.lectures.services import lecture_minutes
from training.modules import checks, services, study
from training.modules.forms import AttachmentForm, LessonForm, ModuleForm, QuestionForm
from training.modules.models import CheckAttempt, Lesson, LessonAttachment, Module
from training.plans.services import due_items
from training.web import bp

AUTHORS = (TRAINER, CITY_ADMIN)


@bp.context_processor
def _labels() -> dict:
    return {"kinds": services.QUESTION_KINDS}


def _may_open(module: Module) -> bool:
    """Those who may study it, and the authors (who preview it)."""
    return services.can_study(current_user, module) or current_user.role in AUTHORS


# --- studying ------------------------------------------------------------------


@bp.route("/")
@any_user
def index():
    modules = services.visible_modules(current_user)
    return render_template(
        "training/modules/index.html",
        progress=services.progress(current_user, modules),
        items=due_items(current_user),
        lectures=lecture_minutes(current_user.id),
    )


@bp.route("/modules/<int:module_id>")
@any_user
def module(module_id: int):
    module = db.get_or_404(Module, module_id)
    if not _may_open(module):
        abort(403)
    progress = services.progress(current_user, [module])[0]
    return render_template("training/modules/module.html", module=module, p=progress)


@bp.route("/lessons/<int:lesson_id>")
@any_user
def lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    preview = current_user.role in AUTHORS and not services.can_study(current_user, lesson.module)
    record = None if preview else study.open_lesson(current_user, lesson)
    return render_template(
        "training/modules/lesson.html",
        lesson=lesson,
        record=record,
        body=expand_citations(lesson.body),
        beat_seconds=study.BEAT_SECONDS,
        cap=study.lesson_cap(lesson),
    )


@bp.route("/records/<int:record_id>/beat", methods=["POST"])
@any_user
def beat(record_id: int):
    """The lesson page's heartbeat (JSON in, JSON out; a refusal answers {"error": …})."""
    payload = request.get_json(silent=True) or {}
    return {
        "credited": study.heartbeat(current_user, record_id, bool(payload.get("visible", True)))
    }


@bp.route("/lessons/<int:lesson_id>/done", methods=["POST"])
@any_user
def lesson_done(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    record = study.mark_done(current_user, lesson)
    flash(f"已完成：{lesson.title}", "success")
    _say_not_counted(record)
    return redirect(url_for("training.module", module_id=lesson.module_id))


@bp.route("/modules/<int:module_id>/check")
@any_user
def check(module_id: int):
    module = db.get_or_404(Module, module_id)
    try:
        attempt = checks.start_check(current_user, module)
    except (NotFound, Conflict) as err:  # no check, passed, used up or cooling down
        return refused_redirect(err, url_for("training.module", module_id=module.id))
    items = checks.paper_items(module, attempt)
    return render_template(
        "training/modules/check.html", module=module, attempt=attempt, items=items
    )


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@any_user
def check_submit(attempt_id: int):
    responses = {q: _ints(request.form.getlist(f"q{q}")) for q in _question_ids(request.form)}
    attempt = checks.submit_check(current_user, attempt_id, responses)
    _say_not_counted(attempt)
    return redirect(url_for("training.check_result", attempt_id=attempt.id))


def _say_not_counted(done) -> None:
    """A module completed when its result cannot count: the completion is kept; say so."""
    reason = getattr(done, "not_counted", None)
    if reason:
        flash(f"模块已完成，学习记录已保存，但不计入练兵成绩：{reason}", "warning")


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _question_ids(form) -> set[int]:
    return {int(k[1:]) for k in form.keys() if k.startswith("q") and k[1:].isdigit()}


@bp.route("/attempts/<int:attempt_id>")
@any_user
def check_result(attempt_id: int):
    attempt = db.get_or_404(CheckAttempt, attempt_id)
    if attempt.user_id != current_user.id or attempt.submitted_at is None:
        abort(404)
    module = db.session.get(Module, attempt.module_id)
    return render_template(
        "training/modules/check_result.html",
        module=module,
        attempt=attempt,
        items=checks.paper_items(module, attempt),
        show_keys=checks.keys_visible(module, attempt),
        left=checks.attempts_left(module, current_user.id),
        done=services.completion(current_user.id, module.id),
    )


@bp.route("/attachments/<int:attachment_id>")
@any_user
def attachment(attachment_id: int):
    item = db.get_or_404(LessonAttachment, attachment_id)
    if not _may_open(item.lesson.module):
        abort(403)
    return download(item.file.data, item.file.filename, item.file.content_type)


# --- authoring -----------------------------------------------------------------


@bp.route("/manage")
@require_role(*AUTHORS)
def manage():
    return render_template("training/modules/manage.html", modules=services.all_modules())


@bp.route("/manage/modules/new", methods=["GET", "POST"])
@bp.route("/manage/modules/<int:module_id>", methods=["GET", "POST"])
@require_role(*AUTHORS)
def module_form(module_id: int | None = None):
    module = db.get_or_404(Module, module_id) if module_id else None
    form = ModuleForm(obj=module)
    if module and request.method == "GET":
        form.target_roles.data = sorted(module.roles)
    context = {"form": form, "module": module, "question_form": QuestionForm()}
    if form.validate_on_submit():
        try:
            module = services.save_module(_module_data(form), module, actor_id=current_user.id)
        except Refused as err:
            return rerender(err, "training/modules/module_form.html", **context)
        flash("模块已保存。", "success")
        return redirect(url_for("training.module_form", module_id=module.id))
    flash_errors(form)
    return render_template("training/modules/module_form.html", **context), form_status(form)


def _module_data(form: ModuleForm) -> services.ModuleData:
    return services.ModuleData(
        form.title.data,
        form.summary.data or "",
        form.law_codes.data or "",
        tuple(form.target_roles.data),
        form.is_required.data,
        form.is_published.data,
        form.position.data or 0,
        form.pass_mark.data,
        form.check_size.data or 0,
        form.check_attempts.data or 0,
        form.check_cooldown_minutes.data or 0,
    )


@bp.route("/manage/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@bp.route("/manage/lessons/<int:lesson_id>", methods=["GET", "POST"])
@require_role(*AUTHORS)
def lesson_form(module_id: int | None = None, lesson_id: int | None = None):
    lesson = db.get_or_404(Lesson, lesson_id) if lesson_id else None
    module = lesson.module if lesson else db.get_or_404(Module, module_id)
    form = LessonForm(obj=lesson)
    context = {"form": form, "module": module, "lesson": lesson, "upload": AttachmentForm()}
    if form.validate_on_submit():
        data = services.LessonData(
            form.title.data,
            form.body.data or "",
            form.minutes.data,
            form.is_required.data,
            form.position.data or 0,
        )
        try:
            lesson = services.save_lesson(module, data, lesson)
        except Refused as err:
            return rerender(err, "training/modules/lesson_form.html", **context)
        flash("课程已保存。", "success")
        return redirect(url_for("training.lesson_form", lesson_id=lesson.id))
    flash_errors(form)
    return render_template("training/modules/lesson_form.html", **context), form_status(form)


@bp.route("/manage/lessons/<int:lesson_id>/attachments", methods=["POST"])
@require_role(*AUTHORS)
def attachment_upload(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    form = AttachmentForm()
    context = {
        "form": LessonForm(obj=lesson),
        "module": lesson.module,
        "lesson": lesson,
        "upload": form,
    }
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("training/modules/lesson_form.html", **context), 400
    try:
        services.add_attachment(lesson, form.file.data, user_id=current_user.id)
    except (UploadError, Refused) as err:
        return rerender(err, "training/modules/lesson_form.html", **context)
    flash("附件已上传。", "success")
    return redirect(url_for("training.lesson_form", lesson_id=lesson.id))


@bp.route("/manage/modules/<int:module_id>/questions", methods=["POST"])
@require_role(*AUTHORS)
def question_add(module_id: int):
    module = db.get_or_404(Module, module_id)
    form = QuestionForm()
    context = {"form": ModuleForm(obj=module), "module": module, "question_form": form}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("training/modules/module_form.html", **context), 400
    try:
        services.add_question(module, _question_data(form))
    except Refused as err:
        return rerender(err, "training/modules/module_form.html", **context)
    flash("题目已添加。", "success")
    return redirect(url_for("training.module_form", module_id=module.id))


def _question_data(form: QuestionForm) -> services.QuestionData:
    options = tuple(line.strip() for line in (form.options.data or "").splitlines() if line.strip())
    letters = form.answer.data.strip().upper()
    answer = tuple(ord(c) - ord("A") for c in letters if "A" <= c <= "Z")
    return services.QuestionData(
        form.kind.data, form.prompt.data, options, answer, form.points.data
    )
