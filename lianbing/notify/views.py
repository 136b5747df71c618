"""The notification centre, its settings, and the city admin's robots and failed deliveries."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts.services import all_bureaus
from lianbing.auth import CITY_ADMIN, any_user, require_role
from lianbing.dbtypes import utcnow
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.notify import outbox, services
from lianbing.notify.forms import EmptyForm, PrefsForm, RobotForm
from lianbing.notify.models import CHANNEL_LABELS, ROBOT_KINDS
from lianbing.web import form_status, rerender

bp = Blueprint("notify", __name__, url_prefix="/notify", template_folder="templates")


@bp.route("/")
@any_user
def index():
    page = db.paginate(
        services.listing(current_user.id),
        page=request.args.get("page", 1, type=int),
        per_page=30,
        error_out=False,
    )
    return render_template("notify/index.html", page=page, form=EmptyForm())


@bp.route("/<int:notification_id>/read", methods=["POST"])
@any_user
def read(notification_id: int):
    row = services.get_own(current_user.id, notification_id)
    services.mark_read(row, utcnow())
    return redirect(url_for("notify.index"))


@bp.route("/read-all", methods=["POST"])
@any_user
def read_all():
    count = services.mark_all_read(current_user.id, utcnow())
    flash(f"已将 {count} 条通知标为已读。", "success")
    return redirect(url_for("notify.index"))


@bp.route("/settings", methods=["GET", "POST"])
@any_user
def settings():
    prefs = services.prefs_for(current_user.id)
    form = PrefsForm(obj=prefs, email=current_user.email)
    if not form.validate_on_submit():
        return render_template("notify/settings.html", form=form), form_status(form)
    data = services.PrefsData(form.email.data or "", form.email_on.data, form.digest.data)
    try:
        services.save_prefs(current_user, data)
    except Invalid as err:
        return rerender(err, "notify/settings.html", form=form)
    flash("通知设置已保存。", "success")
    return redirect(url_for("notify.settings"))


@bp.route("/robots", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def robots():
    form = RobotForm()
    names = {b.id: b.short_name for b in all_bureaus()}
    form.bureau.choices = list(names.items())
    ctx = {"form": form, "robots": services.all_robots(), "kinds": ROBOT_KINDS, "names": names}
    if not form.validate_on_submit():
        return render_template("notify/robots.html", **ctx), form_status(form)
    try:
        services.add_robot(services.RobotData(form.bureau.data, form.kind.data, form.url.data))
    except Invalid as err:
        return rerender(err, "notify/robots.html", **ctx)
    flash("机器人已添加。", "success")
    return redirect(url_for("notify.robots"))


@bp.route("/robots/<int:robot_id>/toggle", methods=["POST"])
@require_role(CITY_ADMIN)
def toggle_robot(robot_id: int):
    robot = services.toggle_robot(robot_id)
    flash("机器人已启用。" if robot.active else "机器人已停用。", "success")
    return redirect(url_for("notify.robots"))


@bp.route("/failures")
@require_role(CITY_ADMIN)
def failures():
    return render_template(
        "notify/failures.html",
        rows=outbox.failures(),
        labels=CHANNEL_LABELS,
        form=EmptyForm(),
    )


@bp.route("/failures/<int:delivery_id>/retry", methods=["POST"])
@require_role(CITY_ADMIN)
def retry(delivery_id: int):
    outbox.retry_now(services.get_delivery(delivery_id), utcnow())
    flash("已重新排队，将在下一次定时发送时重试。", "success")
    return redirect(url_for("notify.failures"))
