"""Routes of the casestudies part: load → authorize → validate → one service → commit → render."""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.auth import any_user, require_role
from lianbing.campaign.services import active_campaign
from lianbing.dbtypes import local_to_utc, to_local
from lianbing.extensions import db
from lianbing.files import services as files
from lianbing.files.models import StoredFile
from lianbing.web import DOCX, XLSX, download, flash_errors

from casestudies import checks, exporters, forms, services
from casestudies.models import (RECORD_TYPES, STATUSES, CaseLesson, CaseQuestion, Exercise, RegradeRequest,
                                Rubric, Submission)
from casestudies.records import FIELDS, FOOT, Draft, marks_of, missing_of, segments

bp = Blueprint("casestudies", __name__, template_folder="templates", static_folder="static")

MANAGE = ("trainer", "city_admin")
WRITERS = ("officer", "trainer")
ATTACH_MAX = 5 * 1024 * 1024


def _get(model, ident: int):
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    return row


def _manager() -> bool:
    return current_user.role in MANAGE


def _campaign_id() -> int | None:
    campaign = active_campaign()
    return campaign.id if campaign else None


def _refused(exc: services.CaseError, template: str, **ctx):
    """Render the page again with the reason and the error's status; nothing was committed."""
    db.session.rollback()
    flash(str(exc), "danger")
    return render_template(template, **ctx), exc.status


# --- overview -------------------------------------------------------------------

@bp.route("/")
@any_user
def index():
    mine = _manager()
    lessons = services.lessons(published_only=not mine)
    exercises = services.exercises(published_only=not mine)
    attempts = {a.lesson_id: a for a in (services.attempt_for(x.id, current_user.id) for x in lessons) if a}
    subs = {e.id: services.submission_for(e, current_user.id) for e in exercises}
    return render_template("casestudies/index.html", lessons=lessons, exercises=exercises, attempts=attempts,
                           subs=subs, manager=mine, STATUSES=STATUSES, RECORD_TYPES=RECORD_TYPES,
                           regrades=services.open_regrades() if mine else [])


# --- case lessons ---------------------------------------------------------------

def cite_url(key: str) -> str | None:
    """The law library's stable link for a reference key, when the training part is enabled."""
    if "training.article" not in current_app.view_functions:
        return None
    return url_for("training.article", key=key)


def _visible_lesson(lesson_id: int) -> CaseLesson:
    lesson = _get(CaseLesson, lesson_id)
    if not lesson.is_published and not _manager():
        abort(404)
    return lesson


@bp.route("/lessons/<int:lesson_id>")
@any_user
def lesson(lesson_id: int):
    lesson = _visible_lesson(lesson_id)
    attempt = services.attempt_for(lesson.id, current_user.id)
    return render_template("casestudies/lesson.html", lesson=lesson, stage="facts", attempt=attempt)


@bp.route("/lessons/<int:lesson_id>/questions", methods=["GET", "POST"])
@any_user
def lesson_questions(lesson_id: int):
    lesson = _visible_lesson(lesson_id)
    if services.attempt_for(lesson.id, current_user.id):
        return redirect(url_for(".lesson_result", lesson_id=lesson.id))
    if request.method == "POST":
        answers = {str(q.id): request.form.get(f"q{q.id}", "") for q in lesson.questions}
        try:
            services.submit_lesson(lesson, current_user, answers, _campaign_id())
        except services.CaseError as exc:
            return _refused(exc, "casestudies/lesson.html", lesson=lesson, stage="questions", attempt=None)
        db.session.commit()
        return redirect(url_for(".lesson_result", lesson_id=lesson.id))
    return render_template("casestudies/lesson.html", lesson=lesson, stage="questions", attempt=None)


@bp.route("/lessons/<int:lesson_id>/result")
@any_user
def lesson_result(lesson_id: int):
    lesson = _visible_lesson(lesson_id)
    attempt = services.attempt_for(lesson.id, current_user.id)
    if attempt is None and not _manager():
        return redirect(url_for(".lesson", lesson_id=lesson.id))
    return render_template("casestudies/lesson.html", lesson=lesson, stage="result", attempt=attempt,
                           credit=services.question_credit, cite_url=cite_url)


@bp.route("/lessons/new", methods=["GET", "POST"])
@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGE)
def lesson_edit(lesson_id: int | None = None):
    lesson = _get(CaseLesson, lesson_id) if lesson_id else None
    form = forms.LessonForm(obj=lesson)
    if request.method == "GET" and lesson:
        form.citations.data = "\n".join(lesson.citations or [])
    ctx = {"form": form, "lesson": lesson, "qform": forms.QuestionForm()}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("casestudies/lesson_form.html", **ctx), 400 if form.errors else 200
    try:
        data = services.LessonData(**{k: form[k].data or "" for k in (
            "title", "industry", "violation_type", "facts", "evidence", "decision", "interpretation", "mistakes")},
            citations=services.parse_citations(form.citations.data), is_published=form.is_published.data)
        lesson = services.save_lesson(lesson, data, actor_id=current_user.id)
    except services.CaseError as exc:
        return _refused(exc, "casestudies/lesson_form.html", **ctx)
    db.session.commit()
    flash("案例已保存。", "success")
    return redirect(url_for(".lesson_edit", lesson_id=lesson.id))


@bp.route("/lessons/<int:lesson_id>/questions/add", methods=["POST"])
@require_role(*MANAGE)
def question_add(lesson_id: int):
    lesson = _get(CaseLesson, lesson_id)
    qform = forms.QuestionForm()
    ctx = {"form": forms.LessonForm(obj=lesson), "lesson": lesson, "qform": qform}
    if not qform.validate_on_submit():
        flash_errors(qform)
        return render_template("casestudies/lesson_form.html", **ctx), 400
    options = tuple(x.strip() for x in (qform.options.data or "").splitlines() if x.strip())
    try:
        services.add_question(lesson, services.QuestionData(qform.kind.data, qform.prompt.data, options,
                                                            qform.answer.data or "", qform.explanation.data or ""))
    except services.CaseError as exc:
        return _refused(exc, "casestudies/lesson_form.html", **ctx)
    db.session.commit()
    return redirect(url_for(".lesson_edit", lesson_id=lesson.id))


@bp.route("/questions/<int:question_id>/delete", methods=["POST"])
@require_role(*MANAGE)
def question_delete(question_id: int):
    question = _get(CaseQuestion, question_id)
    lesson_id = question.lesson_id
    try:
        services.delete_question(question)
    except services.CaseError as exc:
        flash(str(exc), "danger")
        return redirect(url_for(".lesson_edit", lesson_id=lesson_id)), 303
    db.session.commit()
    return redirect(url_for(".lesson_edit", lesson_id=lesson_id))


# --- exercises --------------------------------------------------------------------

def _visible_exercise(exercise_id: int) -> Exercise:
    exercise = _get(Exercise, exercise_id)
    if not exercise.is_published and not _manager():
        abort(404)
    return exercise


@bp.route("/exercises/<int:exercise_id>")
@any_user
def exercise(exercise_id: int):
    exercise = _visible_exercise(exercise_id)
    stored = db.session.get(StoredFile, exercise.attachment_id) if exercise.attachment_id else None
    return render_template("casestudies/exercise.html", exercise=exercise, RECORD_TYPES=RECORD_TYPES,
                           sub=services.submission_for(exercise, current_user.id), attachment=stored)


@bp.route("/exercises/<int:exercise_id>/attachment")
@any_user
def attachment(exercise_id: int):
    exercise = _visible_exercise(exercise_id)
    stored = _get(StoredFile, exercise.attachment_id or 0)
    return Response(stored.data, mimetype=stored.content_type,
                    headers={"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})


def _exercise_form(exercise: Exercise | None) -> forms.ExerciseForm:
    form = forms.ExerciseForm(obj=exercise)
    form.rubric_id.choices = [(r.id, f"{r.title}（第 {r.version} 版 · {RECORD_TYPES[r.record_type]}）")
                              for r in services.rubrics()]
    if request.method == "GET" and exercise:
        form.due_at.data = to_local(exercise.due_at).replace(tzinfo=None)
    return form


@bp.route("/exercises/new", methods=["GET", "POST"])
@bp.route("/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGE)
def exercise_edit(exercise_id: int | None = None):
    exercise = _get(Exercise, exercise_id) if exercise_id else None
    form = _exercise_form(exercise)
    ctx = {"form": form, "exercise": exercise}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("casestudies/exercise_form.html", **ctx), 400 if form.errors else 200
    try:
        exercise = services.save_exercise(exercise, _exercise_data(form), actor_id=current_user.id)
    except (services.CaseError, files.UploadError) as exc:
        return _refused(services.CaseError(str(exc)), "casestudies/exercise_form.html", **ctx)
    db.session.commit()
    flash("练习已保存。", "success")
    return redirect(url_for(".exercise", exercise_id=exercise.id))


def _exercise_data(form: forms.ExerciseForm) -> services.ExerciseData:
    upload = form.attachment.data
    stored = None
    if upload and getattr(upload, "filename", ""):
        stored = files.store(upload, owner_kind="casestudies.exercise", allowed=files.IMAGES | files.DOCUMENTS,
                             max_bytes=ATTACH_MAX, user_id=current_user.id)
    return services.ExerciseData(
        title=form.title.data, record_type=form.record_type.data, scenario=form.scenario.data or "",
        people=form.people.data or "", known_facts=form.known_facts.data or "",
        due_at=local_to_utc(form.due_at.data), rubric_id=form.rubric_id.data, is_published=form.is_published.data,
        needs_second_marker=form.needs_second_marker.data, margin=form.margin.data or 0.0,
        regrade_days=form.regrade_days.data or 0, attachment_id=stored.id if stored else None)


# --- writing a record ---------------------------------------------------------------

def _write_ctx(exercise: Exercise, draft: Draft) -> dict:
    return {"exercise": exercise, "draft": draft, "FIELDS": FIELDS[exercise.record_type], "FOOT": FOOT,
            "RECORD_TYPES": RECORD_TYPES, "to_local": to_local}


def _blank_draft() -> Draft:
    me = {"name": current_user.display_name, "cert": current_user.cert_no or ""}
    return Draft(header={"officers": [me, {"name": "", "cert": ""}]}, qa=[{"q": "", "a": ""}])


@bp.route("/exercises/<int:exercise_id>/write", methods=["GET", "POST"])
@require_role(*WRITERS)
def write(exercise_id: int):
    exercise = _visible_exercise(exercise_id)
    sub = services.submission_for(exercise, current_user.id)
    if sub and sub.status != "draft":
        return redirect(url_for(".submission", sub_id=sub.id))
    if request.method == "GET":
        return render_template("casestudies/write.html", **_write_ctx(
            exercise, services.draft_of(sub) if sub else _blank_draft()))
    draft = forms.draft_from_form(request.form, exercise.record_type)
    final = request.form.get("action") == "submit"
    try:
        sub = (services.submit if final else services.save_draft)(exercise, current_user, draft)
    except services.CaseError as exc:
        return _refused(exc, "casestudies/write.html", **_write_ctx(exercise, draft))
    db.session.commit()
    flash("笔录已提交，自动预评分已完成，等待培训人员评分。" if final else "草稿已保存。", "success")
    return redirect(url_for(".submission", sub_id=sub.id) if final else url_for(".write", exercise_id=exercise.id))


@bp.route("/exercises/<int:exercise_id>/autosave", methods=["POST"])
@require_role(*WRITERS)
def autosave(exercise_id: int):
    exercise = _visible_exercise(exercise_id)
    draft = forms.draft_from_form(request.form, exercise.record_type)
    try:
        sub = services.save_draft(exercise, current_user, draft)
    except services.CaseError as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), exc.status
    db.session.commit()
    return jsonify(saved_at=to_local(sub.saved_at).strftime("%H:%M:%S"))


# --- reading a record ---------------------------------------------------------------

def _viewable(sub_id: int) -> Submission:
    sub = _get(Submission, sub_id)
    if sub.user_id != current_user.id and not _manager():
        abort(403)
    if sub.status == "draft" and sub.user_id != current_user.id:
        abort(404)
    return sub


def _record_ctx(sub: Submission, **extra) -> dict:
    show_grade = _manager() or sub.status == "released"
    criteria = services.rubric_data(sub.exercise.rubric)["criteria"]
    return {"sub": sub, "exercise": sub.exercise, "criteria": criteria, "show_grade": show_grade,
            "pieces": segments(sub.text, marks_of(sub.pregrade) if show_grade else []),
            "missing": missing_of(sub.pregrade) if show_grade else [],
            "first": services.grade_of(sub, "first"), "second": services.grade_of(sub, "second"),
            "STATUSES": STATUSES, "RECORD_TYPES": RECORD_TYPES, "to_local": to_local,
            "deadline": services.regrade_deadline(sub), "requests": services.regrade_requests(sub), **extra}


def _regrade_form(sub: Submission) -> forms.RegradeForm:
    form = forms.RegradeForm()
    form.criterion.choices = [(c["key"], f"{c['key']} {c['title']}")
                              for c in services.rubric_data(sub.exercise.rubric)["criteria"]]
    return form


@bp.route("/submissions/<int:sub_id>")
@any_user
def submission(sub_id: int):
    sub = _viewable(sub_id)
    if sub.status == "draft":
        return redirect(url_for(".write", exercise_id=sub.exercise_id))
    return render_template("casestudies/submission.html", **_record_ctx(sub, rform=_regrade_form(sub)))


@bp.route("/submissions/<int:sub_id>/print")
@any_user
def print_view(sub_id: int):
    sub = _viewable(sub_id)
    return render_template("casestudies/print.html", sub=sub, FIELDS=FIELDS[sub.exercise.record_type],
                           FOOT=FOOT, draft=services.draft_of(sub), agency=sub.user.bureau.name)


@bp.route("/submissions/<int:sub_id>/record.docx")
@any_user
def export_docx(sub_id: int):
    sub = _viewable(sub_id)
    return download(exporters.record_docx(sub, sub.user.bureau.name),
                    f"{sub.exercise.title}-{sub.user.display_name}.docx", DOCX)


@bp.route("/submissions/<int:sub_id>/regrade", methods=["POST"])
@any_user
def regrade_request(sub_id: int):
    sub = _viewable(sub_id)
    form = _regrade_form(sub)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("casestudies/submission.html", **_record_ctx(sub, rform=form)), 400
    try:
        services.request_regrade(sub, current_user, form.criterion.data, form.reason.data)
    except services.CaseError as exc:
        return _refused(exc, "casestudies/submission.html", **_record_ctx(sub, rform=form))
    db.session.commit()
    flash("复评申请已提交。", "success")
    return redirect(url_for(".submission", sub_id=sub.id))


# --- grading ----------------------------------------------------------------------

def _grade_ctx(sub: Submission, role: str, scores: dict | None = None, comment: str | None = None) -> dict:
    grade = services.grade_of(sub, role)
    return _record_ctx(sub, role=role, scores=scores if scores is not None else services.starting_scores(sub, role),
                       comment=comment if comment is not None else (grade.comment if grade else ""),
                       bank=services.comment_bank(), cform=forms.CommentForm(), history=services.history(sub),
                       diffs=services.differences(sub), STANDARDS=checks.STANDARDS)


@bp.route("/submissions/<int:sub_id>/grade", methods=["GET", "POST"])
@require_role(*MANAGE)
def grade(sub_id: int):
    sub = _get(Submission, sub_id)
    role = "second" if request.args.get("role") == "second" else "first"
    if sub.status == "draft":
        abort(404)
    if request.method == "GET":
        return render_template("casestudies/grade.html", **_grade_ctx(sub, role))
    criteria = services.rubric_data(sub.exercise.rubric)["criteria"]
    scores, comment = forms.scores_from_form(request.form, criteria), request.form.get("comment", "")
    try:
        services.save_grade(sub, current_user, role, scores, comment)
    except services.CaseError as exc:
        return _refused(exc, "casestudies/grade.html", **_grade_ctx(sub, role, scores, comment))
    db.session.commit()
    flash("评分已保存。", "success")
    return redirect(url_for(".grade", sub_id=sub.id, role=role))


@bp.route("/submissions/<int:sub_id>/reconcile", methods=["POST"])
@require_role(*MANAGE)
def reconcile(sub_id: int):
    sub = _get(Submission, sub_id)
    agreed = {d["criterion"]["key"]: v for d in services.differences(sub)
              for v in [forms.scores_from_form(request.form, [d["criterion"]])[d["criterion"]["key"]]]}
    try:
        services.reconcile(sub, current_user, agreed)
    except services.CaseError as exc:
        return _refused(exc, "casestudies/grade.html", **_grade_ctx(sub, "first"))
    db.session.commit()
    flash("已核定分数。", "success")
    return redirect(url_for(".grade", sub_id=sub.id))


@bp.route("/submissions/<int:sub_id>/release", methods=["POST"])
@require_role(*MANAGE)
def release(sub_id: int):
    sub = _get(Submission, sub_id)
    try:
        services.release(sub, current_user, _campaign_id())
    except services.CaseError as exc:
        return _refused(exc, "casestudies/grade.html", **_grade_ctx(sub, "first"))
    db.session.commit()
    flash(f"成绩已发布：{sub.final_points:g} 分，已记入成绩台账。", "success")
    return redirect(url_for(".grade", sub_id=sub.id))


@bp.route("/comments", methods=["POST"])
@require_role(*MANAGE)
def comment_add():
    form = forms.CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(current_user, form.text.data, form.standard.data)
            db.session.commit()
            flash("已加入常用评语。", "success")
        except services.CaseError as exc:
            flash(str(exc), "danger")
    else:
        flash_errors(form)
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/casestudies/") else url_for(".queue"))


@bp.route("/regrades/<int:req_id>/answer", methods=["POST"])
@require_role(*MANAGE)
def regrade_answer(req_id: int):
    req = _get(RegradeRequest, req_id)
    form = forms.AnswerRegradeForm()
    sub = req.submission
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("casestudies/submission.html", **_record_ctx(sub, rform=_regrade_form(sub))), 400
    try:
        services.answer_regrade(req, current_user, form.points.data, form.answer.data, _campaign_id())
    except services.CaseError as exc:
        return _refused(exc, "casestudies/submission.html", **_record_ctx(sub, rform=_regrade_form(sub)))
    db.session.commit()
    flash("复评已答复，成绩台账已更新。", "success")
    return redirect(url_for(".submission", sub_id=sub.id))


@bp.route("/grading")
@require_role(*MANAGE)
def queue():
    f = services.QueueFilter(exercise_id=request.args.get("exercise", type=int),
                             bureau_id=request.args.get("bureau", type=int),
                             status=request.args.get("status", "") if request.args.get("status") in STATUSES else "")
    return render_template("casestudies/queue.html", subs=services.queue(f), f=f, STATUSES=STATUSES,
                           exercises=services.exercises(False), bureaus=accounts.all_bureaus(),
                           regrades=services.open_regrades(), to_local=to_local)


@bp.route("/exercises/<int:exercise_id>/stats")
@require_role(*MANAGE)
def stats(exercise_id: int):
    exercise = _get(Exercise, exercise_id)
    return render_template("casestudies/stats.html", exercise=exercise, stats=services.criterion_stats(exercise))


@bp.route("/exercises/<int:exercise_id>/grades.xlsx")
@require_role(*MANAGE)
def grades_export(exercise_id: int):
    exercise = _get(Exercise, exercise_id)
    subs = services.queue(services.QueueFilter(exercise_id=exercise.id))
    data = exporters.grades_xlsx(subs, services.rubric_data(exercise.rubric)["criteria"])
    return download(data, f"{exercise.title}-评分.xlsx", XLSX)


# --- rubrics ----------------------------------------------------------------------

def _rubric_ctx(rubric: Rubric, cform: forms.CriterionForm | None = None, head: forms.RubricHeadForm | None = None):
    data = services.rubric_data(rubric)
    try:
        checks.compile_rubric(data, complete=True)
        problem = ""
    except checks.RubricError as exc:
        problem = str(exc)
    return {"rubric": rubric, "data": data, "problem": problem, "STANDARDS": checks.STANDARDS,
            "cform": cform or forms.CriterionForm(formdata=None), "CHECK_TYPES": checks.CHECK_TYPES, "EXAMPLES": checks.examples(),
            "head": head or forms.RubricHeadForm(formdata=None, obj=rubric), "RECORD_TYPES": RECORD_TYPES}


@bp.route("/rubrics", methods=["GET", "POST"])
@require_role(*MANAGE)
def rubrics():
    head = forms.RubricHeadForm()
    ctx = {"rubrics": services.rubrics(), "head": head, "iform": forms.ImportForm(), "RECORD_TYPES": RECORD_TYPES}
    if not head.validate_on_submit():
        flash_errors(head)
        return render_template("casestudies/rubrics.html", **ctx), 400 if head.errors else 200
    try:
        rubric = services.create_rubric({"title": head.title.data, "record_type": head.record_type.data,
                                         "total_points": head.total_points.data, "criteria": []},
                                        actor_id=current_user.id)
    except checks.RubricError as exc:
        return _refused(services.CaseError(str(exc)), "casestudies/rubrics.html", **ctx)
    db.session.commit()
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/import", methods=["POST"])
@require_role(*MANAGE)
def rubric_import():
    upload = request.files.get("file")
    ctx = {"rubrics": services.rubrics(), "head": forms.RubricHeadForm(formdata=None),
           "iform": forms.ImportForm(), "RECORD_TYPES": RECORD_TYPES}
    try:
        if upload is None or not upload.filename:
            raise services.CaseError("请选择量表 JSON 文件。")
        rubric = services.import_rubric(upload.read(), actor_id=current_user.id)
    except services.CaseError as exc:
        return _refused(exc, "casestudies/rubrics.html", **ctx)
    db.session.commit()
    flash("量表已导入。", "success")
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/<int:rubric_id>")
@require_role(*MANAGE)
def rubric(rubric_id: int):
    rubric = _get(Rubric, rubric_id)
    cform = forms.CriterionForm(formdata=None)
    edit = next((c for c in services.rubric_data(rubric)["criteria"] if c["key"] == request.args.get("edit")), None)
    if edit:
        forms.fill_criterion_form(cform, edit)
    return render_template("casestudies/rubric.html", **_rubric_ctx(rubric, cform))


@bp.route("/rubrics/<int:rubric_id>/head", methods=["POST"])
@require_role(*MANAGE)
def rubric_head(rubric_id: int):
    rubric = _get(Rubric, rubric_id)
    head = forms.RubricHeadForm()
    if not head.validate_on_submit():
        flash_errors(head)
        return render_template("casestudies/rubric.html", **_rubric_ctx(rubric, head=head)), 400
    try:
        services.update_rubric_head(rubric, head.title.data, head.record_type.data, head.total_points.data,
                                    actor_id=current_user.id)
    except (services.CaseError, checks.RubricError) as exc:
        return _rubric_refused(rubric, exc, head=head)
    db.session.commit()
    return redirect(url_for(".rubric", rubric_id=rubric.id))


def _rubric_refused(rubric: Rubric, exc: Exception, **forms_):
    status = exc.status if isinstance(exc, services.CaseError) else 400
    return _refused(services.CaseError(str(exc)), "casestudies/rubric.html", **_rubric_ctx(rubric, **forms_))[0], status


@bp.route("/rubrics/<int:rubric_id>/criteria", methods=["POST"])
@require_role(*MANAGE)
def criterion_save(rubric_id: int):
    rubric = _get(Rubric, rubric_id)
    cform = forms.CriterionForm()
    if not cform.validate_on_submit():
        flash_errors(cform)
        return render_template("casestudies/rubric.html", **_rubric_ctx(rubric, cform)), 400
    try:
        services.save_criterion(rubric, forms.criterion_from_form(cform), actor_id=current_user.id,
                                replace_key=cform.replace_key.data or None)
    except (services.CaseError, checks.RubricError, forms.CriterionInputError) as exc:
        return _rubric_refused(rubric, exc, cform=cform)
    db.session.commit()
    flash("评分标准已保存。", "success")
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/<int:rubric_id>/criteria/<key>/delete", methods=["POST"])
@require_role(*MANAGE)
def criterion_delete(rubric_id: int, key: str):
    rubric = _get(Rubric, rubric_id)
    try:
        services.delete_criterion(rubric, key, actor_id=current_user.id)
    except (services.CaseError, checks.RubricError) as exc:
        return _rubric_refused(rubric, exc)
    db.session.commit()
    return redirect(url_for(".rubric", rubric_id=rubric.id))


@bp.route("/rubrics/<int:rubric_id>/try", methods=["POST"])
@require_role(*MANAGE)
def rubric_try(rubric_id: int):
    rubric = _get(Rubric, rubric_id)
    text = request.form.get("text", "")
    try:
        result = services.trial(rubric, text)
    except (services.CaseError, checks.RubricError) as exc:
        return _rubric_refused(rubric, exc)
    pieces = segments(text, marks_of(result))
    return render_template("casestudies/rubric.html", **_rubric_ctx(rubric), trial=result, pieces=pieces,
                           trial_text=text, missing=missing_of(result))


@bp.route("/rubrics/<int:rubric_id>/copy", methods=["POST"])
@require_role(*MANAGE)
def rubric_copy(rubric_id: int):
    rubric = _get(Rubric, rubric_id)
    new = services.copy_rubric(rubric, actor_id=current_user.id, as_version=request.form.get("as") == "version")
    db.session.commit()
    flash(f"已创建“{new.title}”第 {new.version} 版。", "success")
    return redirect(url_for(".rubric", rubric_id=new.id))


@bp.route("/rubrics/<int:rubric_id>.json")
@require_role(*MANAGE)
def rubric_export(rubric_id: int):
    rubric = _get(Rubric, rubric_id)
    return download(exporters.rubric_json(services.rubric_data(rubric)), f"{rubric.title}-v{rubric.version}.json",
                    "application/json")
