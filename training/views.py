"""Routes of the training part: study, authoring, library, lectures, plans, dashboard."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau
from lianbing.auth import ADMINS, STAFF, any_user, require_bureau, require_role
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.services import UploadError
from lianbing.web import XLSX, download, flash_errors
from training import exporters, importers
from training import services as svc
from training.forms import (AttachmentForm, AttendanceForm, LawImportForm, LectureForm, LessonForm, ModuleForm,
                            PlanForm, QuestionForm, SignInForm)
from training.models import CheckAttempt, LessonAttachment, Lecture, Lesson, Module, StudyPlan

bp = Blueprint("training", __name__, template_folder="templates")
AUTHORS = ("trainer", "city_admin")


@bp.context_processor
def _labels() -> dict:
    return {"kinds": svc.QUESTION_KINDS, "lecture_kinds": svc.LECTURE_KINDS}


def _refused(err: svc.TrainingError, template: str, **context):
    """Show a refused action's message on the page with its status code."""
    flash(str(err), "danger")
    return render_template(template, **context), err.status


# --- studying ------------------------------------------------------------------

@bp.route("/")
@any_user
def index():
    modules = svc.visible_modules(current_user)
    return render_template("training/index.html", progress=svc.progress(current_user, modules),
                           items=svc.due_items(current_user), lectures=svc.lecture_minutes(current_user.id))


@bp.route("/modules/<int:module_id>")
@any_user
def module(module_id: int):
    module = db.get_or_404(Module, module_id)
    if not (svc.can_study(current_user, module) or current_user.role in AUTHORS):
        abort(403)
    progress = svc.progress(current_user, [module])[0]
    return render_template("training/module.html", module=module, p=progress)


@bp.route("/lessons/<int:lesson_id>")
@any_user
def lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    preview = current_user.role in AUTHORS and not svc.can_study(current_user, lesson.module)
    try:
        record = None if preview else svc.open_lesson(current_user, lesson)
    except svc.TrainingError as err:
        abort(err.status, str(err))
    db.session.commit()
    return render_template("training/lesson.html", lesson=lesson, record=record,
                           body=svc.expand_citations(lesson.body), beat_seconds=svc.BEAT_SECONDS,
                           cap=svc.lesson_cap(lesson))


@bp.route("/records/<int:record_id>/beat", methods=["POST"])
@any_user
def beat(record_id: int):
    payload = request.get_json(silent=True) or {}
    try:
        credited = svc.heartbeat(current_user, record_id, bool(payload.get("visible", True)))
    except svc.TrainingError as err:
        return {"error": str(err)}, err.status
    db.session.commit()
    return {"credited": credited}


@bp.route("/lessons/<int:lesson_id>/done", methods=["POST"])
@any_user
def lesson_done(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    try:
        svc.mark_done(current_user, lesson)
    except svc.TrainingError as err:
        abort(err.status, str(err))
    db.session.commit()
    flash(f"已完成：{lesson.title}", "success")
    return redirect(url_for("training.module", module_id=lesson.module_id))


@bp.route("/modules/<int:module_id>/check")
@any_user
def check(module_id: int):
    module = db.get_or_404(Module, module_id)
    try:
        attempt = svc.start_check(current_user, module)
    except svc.Forbidden as err:
        abort(403, str(err))
    except svc.TrainingError as err:
        flash(str(err), "warning")
        return redirect(url_for("training.module", module_id=module.id))
    db.session.commit()
    return render_template("training/check.html", module=module, attempt=attempt)


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@any_user
def check_submit(attempt_id: int):
    responses = {q: _ints(request.form.getlist(f"q{q}")) for q in _question_ids(request.form)}
    try:
        attempt = svc.submit_check(current_user, attempt_id, responses)
    except svc.TrainingError as err:
        return _refused(err, "training/refused.html")
    db.session.commit()
    return redirect(url_for("training.check_result", attempt_id=attempt.id))


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
    return render_template("training/check_result.html", module=module, attempt=attempt,
                           done=svc.completion(current_user.id, module.id))


@bp.route("/attachments/<int:attachment_id>")
@any_user
def attachment(attachment_id: int):
    item = db.get_or_404(LessonAttachment, attachment_id)
    if not (svc.can_study(current_user, item.lesson.module) or current_user.role in AUTHORS):
        abort(403)
    stored = db.session.get(StoredFile, item.file_id)
    return download(stored.data, stored.filename, stored.content_type)


# --- authoring -----------------------------------------------------------------

@bp.route("/manage")
@require_role(*AUTHORS)
def manage():
    return render_template("training/manage.html", modules=svc.all_modules())


@bp.route("/manage/modules/new", methods=["GET", "POST"])
@bp.route("/manage/modules/<int:module_id>", methods=["GET", "POST"])
@require_role(*AUTHORS)
def module_form(module_id: int | None = None):
    module = db.get_or_404(Module, module_id) if module_id else None
    form = ModuleForm(obj=module)
    if module and request.method == "GET":
        form.target_roles.data = sorted(module.roles)
    if form.validate_on_submit():
        data = svc.ModuleData(form.title.data, form.summary.data or "", form.law_codes.data or "",
                              tuple(form.target_roles.data), form.is_required.data,
                              form.is_published.data, form.position.data or 0, form.pass_mark.data)
        try:
            module = svc.save_module(data, module, actor_id=current_user.id)
        except svc.TrainingError as err:
            return _refused(err, "training/module_form.html", form=form, module=module)
        db.session.commit()
        flash("模块已保存。", "success")
        return redirect(url_for("training.module_form", module_id=module.id))
    flash_errors(form)
    return render_template("training/module_form.html", form=form, module=module,
                           question_form=QuestionForm()), 400 if form.errors else 200


@bp.route("/manage/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@bp.route("/manage/lessons/<int:lesson_id>", methods=["GET", "POST"])
@require_role(*AUTHORS)
def lesson_form(module_id: int | None = None, lesson_id: int | None = None):
    lesson = db.get_or_404(Lesson, lesson_id) if lesson_id else None
    module = lesson.module if lesson else db.get_or_404(Module, module_id)
    form = LessonForm(obj=lesson)
    context = {"form": form, "module": module, "lesson": lesson, "upload": AttachmentForm()}
    if form.validate_on_submit():
        data = svc.LessonData(form.title.data, form.body.data or "", form.minutes.data,
                              form.is_required.data, form.position.data or 0)
        try:
            lesson = svc.save_lesson(module, data, lesson)
        except svc.TrainingError as err:
            return _refused(err, "training/lesson_form.html", **context)
        db.session.commit()
        flash("课程已保存。", "success")
        return redirect(url_for("training.lesson_form", lesson_id=lesson.id))
    flash_errors(form)
    return render_template("training/lesson_form.html", **context), 400 if form.errors else 200


@bp.route("/manage/lessons/<int:lesson_id>/attachments", methods=["POST"])
@require_role(*AUTHORS)
def attachment_upload(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    form = AttachmentForm()
    context = {"form": LessonForm(obj=lesson), "module": lesson.module, "lesson": lesson, "upload": form}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("training/lesson_form.html", **context), 400
    try:
        svc.add_attachment(lesson, form.file.data, user_id=current_user.id)
    except UploadError as err:
        flash(str(err), "danger")
        return render_template("training/lesson_form.html", **context), 400
    db.session.commit()
    flash("附件已上传。", "success")
    return redirect(url_for("training.lesson_form", lesson_id=lesson.id))


@bp.route("/manage/modules/<int:module_id>/questions", methods=["POST"])
@require_role(*AUTHORS)
def question_add(module_id: int):
    module = db.get_or_404(Module, module_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            svc.add_question(module, _question_data(form))
        except svc.TrainingError as err:
            return _refused(err, "training/module_form.html", form=ModuleForm(obj=module),
                            module=module, question_form=form)
        db.session.commit()
        flash("题目已添加。", "success")
        return redirect(url_for("training.module_form", module_id=module.id))
    flash_errors(form)
    return render_template("training/module_form.html", form=ModuleForm(obj=module), module=module,
                           question_form=form), 400


def _question_data(form: QuestionForm) -> svc.QuestionData:
    options = tuple(line.strip() for line in (form.options.data or "").splitlines() if line.strip())
    letters = form.answer.data.strip().upper()
    answer = tuple(ord(c) - ord("A") for c in letters if "A" <= c <= "Z")
    return svc.QuestionData(form.kind.data, form.prompt.data, options, answer, form.points.data)


# --- law library ---------------------------------------------------------------

@bp.route("/laws")
@any_user
def laws():
    query = request.args.get("q", "").strip()
    return render_template("training/laws.html", laws=svc.all_laws(), query=query,
                           results=svc.search(query) if query else None)


@bp.route("/laws/<code>")
@any_user
def law(code: str):
    law = svc.law_by_code(code) or abort(404)
    return render_template("training/law.html", law=law)


@bp.route("/articles/<key>")
@any_user
def article(key: str):
    """A stable link for an article key stored by any part, e.g. /training/articles/EPL2014:24."""
    found = svc.article_by_key(key) or abort(404)
    return redirect(url_for("training.law", code=found.law.code, _anchor=f"a{found.number}"))


@bp.route("/laws/import", methods=["GET", "POST"])
@require_role(*AUTHORS)
def law_import():
    form = LawImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = svc.LawData(form.code.data.strip(), form.name.data, form.issuer.data or "", form.effective_on.data)
        try:
            law = svc.import_law(data, importers.parse_upload(upload.filename, upload.read()),
                                 actor_id=current_user.id)
        except svc.TrainingError as err:
            return _refused(err, "training/law_import.html", form=form)
        db.session.commit()
        flash(f"已导入《{law.name}》共 {len(law.articles)} 条。", "success")
        return redirect(url_for("training.law", code=law.code))
    flash_errors(form)
    return render_template("training/law_import.html", form=form), 400 if form.errors else 200


# --- lectures ------------------------------------------------------------------

@bp.route("/lectures")
@any_user
def lectures():
    return render_template("training/lectures.html", lectures=svc.lectures_for(current_user),
                           can_manage=svc.can_manage_lecture, now=svc.utcnow())


@bp.route("/lectures/new", methods=["GET", "POST"])
@require_role(*STAFF)
def lecture_new():
    form = LectureForm()
    form.bureau_id.choices = _bureau_choices()
    if form.validate_on_submit():
        data = svc.LectureData(form.title.data, form.kind.data, local_to_utc(form.starts_at.data),
                               local_to_utc(form.ends_at.data), form.place.data or "", form.speaker.data or "",
                               form.bureau_id.data, tuple(form.audience.data))
        try:
            lecture = svc.create_lecture(current_user, data)
        except svc.TrainingError as err:
            return _refused(err, "training/lecture_form.html", form=form)
        db.session.commit()
        return redirect(url_for("training.lecture", lecture_id=lecture.id))
    flash_errors(form)
    return render_template("training/lecture_form.html", form=form), 400 if form.errors else 200


def _bureau_choices() -> list[tuple[int, str]]:
    bureaus = accounts.all_bureaus()
    if current_user.role == "bureau_admin":
        bureaus = [b for b in bureaus if b.id == current_user.bureau_id]
    return [(b.id, b.name) for b in bureaus]


@bp.route("/lectures/<int:lecture_id>")
@require_role(*STAFF)
def lecture(lecture_id: int):
    lecture = db.get_or_404(Lecture, lecture_id)
    if not svc.can_manage_lecture(current_user, lecture):
        abort(403)
    return render_template("training/lecture.html", lecture=lecture, now=svc.utcnow(), form=AttendanceForm())


@bp.route("/lectures/<int:lecture_id>/attendance", methods=["POST"])
@require_role(*STAFF)
def attendance_add(lecture_id: int):
    lecture = db.get_or_404(Lecture, lecture_id)
    form = AttendanceForm()
    context = {"lecture": lecture, "now": svc.utcnow(), "form": form}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("training/lecture.html", **context), 400
    try:
        attendance = svc.add_attendance(current_user, lecture, form.username.data)
    except svc.TrainingError as err:
        return _refused(err, "training/lecture.html", **context)
    db.session.commit()
    flash(f"已补录：{attendance.user.display_name}", "success")
    return redirect(url_for("training.lecture", lecture_id=lecture.id))


@bp.route("/lectures/<int:lecture_id>/attendance.xlsx")
@require_role(*STAFF)
def lecture_export(lecture_id: int):
    lecture = db.get_or_404(Lecture, lecture_id)
    if not svc.can_manage_lecture(current_user, lecture):
        abort(403)
    return download(exporters.attendance_xlsx(lecture), f"签到表-{lecture.title}.xlsx", XLSX)


@bp.route("/signin", methods=["GET", "POST"])
@any_user
def signin():
    form = SignInForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            attendance = svc.sign_in(current_user, form.code.data)
        except svc.TrainingError as err:
            return _refused(err, "training/signin.html", form=form)
        db.session.commit()
        flash(f"签到成功：{attendance.lecture.title}（计 {attendance.minutes} 分钟学习时长）", "success")
        return redirect(url_for("training.lectures"))
    flash_errors(form)
    return render_template("training/signin.html", form=form), 400 if form.errors else 200


# --- study plans -----------------------------------------------------------------

@bp.route("/plans", methods=["GET", "POST"])
@require_role(*ADMINS)
def plans():
    form = _plan_form()
    if form.validate_on_submit():
        data = svc.PlanData(form.module_id.data, form.role.data or None, form.bureau_id.data or None,
                            form.due_on.data)
        try:
            svc.create_plan(current_user, data)
        except svc.TrainingError as err:
            return _refused(err, "training/plans.html", form=form, plans=svc.plans_visible_to(current_user))
        db.session.commit()
        flash("学习任务已分配。", "success")
        return redirect(url_for("training.plans"))
    flash_errors(form)
    return render_template("training/plans.html", form=form,
                           plans=svc.plans_visible_to(current_user)), 400 if form.errors else 200


def _plan_form() -> PlanForm:
    form = PlanForm()
    form.module_id.choices = [(m.id, m.title) for m in svc.all_modules() if m.is_published]
    bureaus = [(b.id, b.name) for b in accounts.all_bureaus()]
    if current_user.role == "city_admin":
        form.bureau_id.choices = [(0, "全部单位")] + bureaus
    else:
        form.bureau_id.choices = [c for c in bureaus if c[0] == current_user.bureau_id]
    return form


@bp.route("/plans/<int:plan_id>/delete", methods=["POST"])
@require_role(*ADMINS)
def plan_delete(plan_id: int):
    plan = db.get_or_404(StudyPlan, plan_id)
    try:
        svc.delete_plan(current_user, plan)
    except svc.TrainingError as err:
        abort(err.status, str(err))
    db.session.commit()
    flash("学习任务已删除。", "success")
    return redirect(url_for("training.plans"))


@bp.route("/plans/overdue")
@require_role(*ADMINS)
def overdue():
    return render_template("training/overdue.html", rows=svc.overdue_list(current_user))


# --- bureau study dashboard -------------------------------------------------------

@bp.route("/dashboard")
@require_role(*ADMINS)
def dashboard():
    bureau_id = request.args.get("bureau", type=int)
    if bureau_id is not None:
        require_bureau(current_user, bureau_id)
    if current_user.role == "bureau_admin":
        bureau_id = current_user.bureau_id
    rows = svc.officer_rows(current_user, bureau_id)
    bureaus, officers = svc.summarize(rows), rows if bureau_id is not None else []
    return render_template("training/dashboard.html", bureaus=bureaus, officers=officers,
                           charts=_charts(bureaus, officers),
                           bureau=db.session.get(Bureau, bureau_id) if bureau_id else None)


def _charts(bureaus: list, officers: list) -> dict[str, list]:
    top = sorted(officers, key=lambda r: r.hours, reverse=True)[:15]
    spread = [(f"{n} 个", sum(1 for r in officers if r.completed == n))
              for n in range(max((r.completed for r in officers), default=0) + 1)]
    return {"hours": [(b.bureau.short_name, b.hours) for b in bureaus], "spread": spread,
            "completed": [(b.bureau.short_name, b.completed) for b in bureaus],
            "top": [(r.user.display_name, r.hours) for r in top]}


@bp.route("/dashboard.xlsx")
@require_role(*ADMINS)
def dashboard_export():
    rows = svc.officer_rows(current_user)
    data = exporters.dashboard_xlsx(svc.summarize(rows), rows)
    return download(data, "学法用法学习情况.xlsx", XLSX)
