"""Routes of record-writing exercises: the exercise page and editor, writing with autosave,
the print view and the Word export."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from casestudies.errors import CaseError
from casestudies.exercises import exporters, forms, services
from casestudies.exercises.models import RECORD_TYPES, Exercise, Submission
from casestudies.exercises.records import FIELDS, FOOT, MAX_RECORD_CHARS, Draft
from casestudies.web import (
    EXERCISE_AUTHORS,
    NOT_FOR_YOU,
    WRITERS,
    bp,
    get_or_404,
    is_for,
    is_manager,
    require_exercise_author,
)
from lianbing.host import (
    DOCUMENTS,
    DOCX,
    IMAGES,
    Forbidden,
    Refused,
    StoredFile,
    UploadError,
    any_user,
    authoring_bureau,
    db,
    download,
    flash_errors,
    form_status,
    local_to_utc,
    log_event,
    may_author,
    require_role,
    rerender,
    store_file,
    to_local,
)

ATTACH_MAX = 5 * 1024 * 1024


def _visible_exercise(exercise_id: int) -> Exercise:
    """A published exercise meant for the user, or any its author may manage."""
    exercise = get_or_404(Exercise, exercise_id)
    if _authors(exercise):
        return exercise
    if not exercise.is_published:
        abort(404)
    if not is_for(exercise, current_user):
        raise Forbidden(NOT_FOR_YOU)
    return exercise


def _authors(exercise: Exercise) -> bool:
    """Is the current user an author (or marker) of this exercise?"""
    authors = current_user.role in EXERCISE_AUTHORS
    return authors and may_author(current_user, exercise.owner_bureau_id)


def viewable_submission(sub_id: int) -> Submission:
    """A submission its writer or a manager may read; others get 403, drafts stay private."""
    sub = get_or_404(Submission, sub_id)
    if sub.user_id != current_user.id and not is_manager():
        abort(403)
    if sub.user_id != current_user.id:
        require_exercise_author(sub.exercise)
    if sub.status == "draft" and sub.user_id != current_user.id:
        abort(404)
    return sub


@bp.route("/exercises/<int:exercise_id>")
@any_user
def exercise(exercise_id: int):
    exercise = _visible_exercise(exercise_id)
    stored = db.session.get(StoredFile, exercise.attachment_id) if exercise.attachment_id else None
    return render_template(
        "casestudies/exercises/exercise.html",
        exercise=exercise,
        RECORD_TYPES=RECORD_TYPES,
        sub=services.submission_for(exercise, current_user.id),
        attachment=stored,
        can_edit=_authors(exercise),
    )


@bp.route("/exercises/<int:exercise_id>/attachment")
@any_user
def attachment(exercise_id: int):
    exercise = _visible_exercise(exercise_id)
    stored = get_or_404(StoredFile, exercise.attachment_id or 0)
    return Response(
        stored.data,
        mimetype=stored.content_type,
        headers={"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"},
    )


def _exercise_form(exercise: Exercise | None) -> forms.ExerciseForm:
    form = forms.ExerciseForm(obj=exercise)
    form.rubric_id.choices = [
        (r.id, f"{r.title}（第 {r.version} 版 · {RECORD_TYPES[r.record_type]}）")
        for r in services.rubric_choices(exercise)
    ]
    if request.method == "GET" and exercise:
        form.due_at.data = to_local(exercise.due_at).replace(tzinfo=None)
    return form


@bp.route("/exercises/new", methods=["GET", "POST"])
@bp.route("/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@require_role(*EXERCISE_AUTHORS)
def exercise_edit(exercise_id: int | None = None):
    exercise = get_or_404(Exercise, exercise_id) if exercise_id else None
    if exercise is not None:
        require_exercise_author(exercise)
    form = _exercise_form(exercise)
    ctx = {"form": form, "exercise": exercise}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("casestudies/exercises/exercise_form.html", **ctx), form_status(form)
    try:
        exercise = services.save_exercise(
            exercise,
            _exercise_data(form),
            actor_id=current_user.id,
            owner_bureau_id=authoring_bureau(current_user),
        )
    except (Refused, UploadError) as err:
        return rerender(err, "casestudies/exercises/exercise_form.html", **ctx)
    flash("练习已保存。", "success")
    return redirect(url_for(".exercise", exercise_id=exercise.id))


def _exercise_data(form: forms.ExerciseForm) -> services.ExerciseData:
    upload = form.attachment.data
    stored = None
    if upload and getattr(upload, "filename", ""):
        stored = store_file(
            upload,
            owner_kind="casestudies.exercise",
            allowed=IMAGES | DOCUMENTS,
            max_bytes=ATTACH_MAX,
            user_id=current_user.id,
        )
    return services.ExerciseData(
        title=form.title.data,
        record_type=form.record_type.data,
        scenario=form.scenario.data or "",
        people=form.people.data or "",
        known_facts=form.known_facts.data or "",
        due_at=local_to_utc(form.due_at.data),
        rubric_id=form.rubric_id.data,
        is_published=form.is_published.data,
        needs_second_marker=form.needs_second_marker.data,
        margin=form.margin.data or 0.0,
        regrade_days=form.regrade_days.data or 0,
        attachment_id=stored.id if stored else None,
    )


def _write_ctx(exercise: Exercise, draft: Draft) -> dict:
    return {
        "exercise": exercise,
        "draft": draft,
        "FIELDS": FIELDS[exercise.record_type],
        "FOOT": FOOT,
        "RECORD_TYPES": RECORD_TYPES,
        "to_local": to_local,
        "max_chars": MAX_RECORD_CHARS,
    }


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
        draft = services.draft_of(sub) if sub else _blank_draft()
        return render_template("casestudies/exercises/write.html", **_write_ctx(exercise, draft))
    draft = forms.draft_from_form(request.form, exercise.record_type)
    final = request.form.get("action") == "submit"
    try:
        sub = (services.submit if final else services.save_draft)(exercise, current_user, draft)
    except CaseError as err:
        return rerender(err, "casestudies/exercises/write.html", **_write_ctx(exercise, draft))
    flash(
        "笔录已提交，自动预评分已完成，等待培训人员评分。" if final else "草稿已保存。", "success"
    )
    return redirect(
        url_for(".submission", sub_id=sub.id)
        if final
        else url_for(".write", exercise_id=exercise.id)
    )


#: the record services refuse binary and control characters with the officer's draft kept
write.checks_control_characters = True


@bp.route("/exercises/<int:exercise_id>/autosave", methods=["POST"])
@require_role(*WRITERS)
def autosave(exercise_id: int):
    """The record editor's fetch(): a refusal answers {"ok": false, "error": …} with its status."""
    exercise = _visible_exercise(exercise_id)
    draft = forms.draft_from_form(request.form, exercise.record_type)
    sub = services.save_draft(exercise, current_user, draft)
    return jsonify(ok=True, saved_at=to_local(sub.saved_at).strftime("%H:%M:%S"))


@bp.route("/submissions/<int:sub_id>/print")
@any_user
def print_view(sub_id: int):
    sub = viewable_submission(sub_id)
    return render_template(
        "casestudies/exercises/print.html",
        sub=sub,
        FIELDS=FIELDS[sub.exercise.record_type],
        FOOT=FOOT,
        draft=services.draft_of(sub),
        agency=sub.user.bureau.name,
    )


@bp.route("/submissions/<int:sub_id>/record.docx")
@any_user
def export_docx(sub_id: int):
    sub = viewable_submission(sub_id)
    data = exporters.record_docx(sub, sub.user.bureau.name)
    log_event(
        "casestudies",
        "record %s exported as .docx by user %s",
        sub.id,
        current_user.id,
        actor_id=current_user.id,
        target=f"cs_submission:{sub.id}",
    )
    return download(data, f"{sub.exercise.title}-{sub.user.display_name}.docx", DOCX)
