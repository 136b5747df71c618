"""Routes of lectures: the list, scheduling, the organizer's page and export, signing in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.host import (
    STAFF,
    XLSX,
    Refused,
    all_bureaus,
    any_user,
    db,
    download,
    flash_errors,
    form_status,
    local_to_utc,
    log_event,
    require_role,
    rerender,
    utcnow,
)
from training.lectures import exporters, services
from training.lectures.forms import AttendanceForm, LectureForm, SignInForm
from training.lectures.models import Lecture
from training.web import bp


@bp.context_processor
def _labels() -> dict:
    return {"lecture_kinds": services.LECTURE_KINDS}


@bp.route("/lectures")
@any_user
def lectures():
    return render_template(
        "training/lectures/lectures.html",
        lectures=services.lectures_for(current_user),
        can_manage=services.can_manage_lecture,
        now=utcnow(),
    )


@bp.route("/lectures/new", methods=["GET", "POST"])
@require_role(*STAFF)
def lecture_new():
    form = LectureForm()
    form.bureau_id.choices = _bureau_choices()
    if form.validate_on_submit():
        try:
            lecture = services.create_lecture(current_user, _lecture_data(form))
        except Refused as err:
            return rerender(err, "training/lectures/lecture_form.html", form=form)
        return redirect(url_for("training.lecture", lecture_id=lecture.id))
    flash_errors(form)
    return render_template("training/lectures/lecture_form.html", form=form), form_status(form)


def _lecture_data(form: LectureForm) -> services.LectureData:
    return services.LectureData(
        form.title.data,
        form.kind.data,
        local_to_utc(form.starts_at.data),
        local_to_utc(form.ends_at.data),
        form.place.data or "",
        form.speaker.data or "",
        form.bureau_id.data,
        tuple(form.audience.data),
    )


def _bureau_choices() -> list[tuple[int, str]]:
    bureaus = all_bureaus()
    if current_user.role == "bureau_admin":
        bureaus = [b for b in bureaus if b.id == current_user.bureau_id]
    return [(b.id, b.name) for b in bureaus]


@bp.route("/lectures/<int:lecture_id>")
@require_role(*STAFF)
def lecture(lecture_id: int):
    lecture = db.get_or_404(Lecture, lecture_id)
    services.require_manage(current_user, lecture)
    return render_template(
        "training/lectures/lecture.html", lecture=lecture, now=utcnow(), form=AttendanceForm()
    )


@bp.route("/lectures/<int:lecture_id>/attendance", methods=["POST"])
@require_role(*STAFF)
def attendance_add(lecture_id: int):
    lecture = db.get_or_404(Lecture, lecture_id)
    form = AttendanceForm()
    context = {"lecture": lecture, "now": utcnow(), "form": form}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("training/lectures/lecture.html", **context), 400
    try:
        attendance = services.add_attendance(current_user, lecture, form.username.data)
    except Refused as err:
        return rerender(err, "training/lectures/lecture.html", **context)
    flash(f"已补录：{attendance.user.display_name}", "success")
    _say_not_counted(attendance)
    return redirect(url_for("training.lecture", lecture_id=lecture.id))


@bp.route("/lectures/<int:lecture_id>/attendance.xlsx")
@require_role(*STAFF)
def lecture_export(lecture_id: int):
    lecture = db.get_or_404(Lecture, lecture_id)
    services.require_manage(current_user, lecture)
    log_event(
        "training",
        "attendance of lecture %s exported by user %s (%d rows)",
        lecture.id,
        current_user.id,
        len(lecture.attendances),
        actor_id=current_user.id,
        target=f"training_lecture:{lecture.id}",
        count=len(lecture.attendances),
    )
    return download(exporters.attendance_xlsx(lecture), f"签到表-{lecture.title}.xlsx", XLSX)


def _say_not_counted(attendance) -> None:
    """Attendance kept, but outside the campaign (or after its close) it does not count."""
    if attendance.not_counted:
        flash(f"签到已记录，但不计入练兵成绩：{attendance.not_counted}", "warning")


@bp.route("/signin", methods=["GET", "POST"])
@any_user
def signin():
    form = SignInForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            attendance = services.sign_in(current_user, form.code.data)
        except Refused as err:
            return rerender(err, "training/lectures/signin.html", form=form)
        flash(
            f"签到成功：{attendance.lecture.title}（计 {attendance.minutes} 分钟学习时长）",
            "success",
        )
        _say_not_counted(attendance)
        return redirect(url_for("training.lectures"))
    flash_errors(form)
    return render_template("training/lectures/signin.html", form=form), form_status(form)
