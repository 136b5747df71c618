"""Monthly bulletins: the city's board, a county's months, writing, submitting, returning, Word."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from lianbing.auth import (
    ADMINS,
    BUREAU_ADMIN,
    CITY_ADMIN,
    readable_bureaus,
    reading_scope,
    require_bureau,
    require_own_bureau,
    require_role,
)
from lianbing.campaign import schedule
from lianbing.campaign import services as campaigns
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.attachments.web import serve_attachment
from lianbing.campaign.bulletins import exporters, jobs, services
from lianbing.campaign.bulletins.forms import BulletinForm, ReturnForm, SubmitForm
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.web import get_campaign, no_active_campaign
from lianbing.counters import fragments
from lianbing.extensions import db
from lianbing.files.services import UploadError
from lianbing.jobs.services import start as start_job
from lianbing.web import DOCX, download, flash_errors, form_status, rerender

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins", template_folder="templates")
OWNER = services.ATTACHMENT_OWNER
MAX_BYTES = 10 * attachments.MB


@bp.route("/")
@require_role(*ADMINS)
def index():
    campaign = campaigns.active_campaign()
    if campaign is None:
        return no_active_campaign()
    return redirect(url_for("bulletins.board", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/board")
@require_role(*ADMINS)
def board(campaign_id: int):
    campaign = get_campaign(campaign_id)
    today = schedule.today_local()
    viewer = (current_user.role, current_user.bureau_id, reading_scope(current_user))
    body = fragments.cached(
        "bulletin-board",
        services.board_versions(campaign.id),
        (campaign.id, *viewer, today),
        lambda: _board_body(campaign, today, readable_bureaus(current_user)),
    )
    return render_template("campaign/bulletins/board.html", campaign=campaign, body=Markup(body))


def _board_body(campaign, today: date, scope: frozenset[int] | None) -> str:
    months, rows = services.board(campaign, today, scope)
    return render_template(
        "campaign/bulletins/_board_body.html",
        campaign=campaign,
        months=months,
        rows=rows,
        settings=schedule.settings_for(campaign),
        labels=services.CELL_LABELS,
    )


def _period(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        abort(404)
    return date(year, month, 1)


def _edit_context(campaign, bureau_id, period, form, bulletin) -> dict:
    files = attachments.files_of(OWNER, bulletin.id) if bulletin else []
    due = schedule.bulletin_due(schedule.settings_for(campaign), period)
    return {
        "campaign": campaign,
        "bureau_id": bureau_id,
        "period": period,
        "form": form,
        "bulletin": bulletin,
        "files": files,
        "due": due,
    }


def _save(campaign, bureau_id: int, period: date, form: BulletinForm) -> Bulletin:
    """Save the draft and its uploads (all or nothing: the request rolls back on a refusal)."""
    bulletin = services.save_draft(
        campaign,
        bureau_id,
        period,
        services.BulletinData(form.title.data, form.body.data),
        author_id=current_user.id,
    )
    attachments.attach(
        OWNER,
        bulletin.id,
        form.attachments.data or [],
        allowed=attachments.DOCUMENT_TYPES,
        max_bytes=MAX_BYTES,
        user_id=current_user.id,
    )
    return bulletin


@bp.route("/<int:campaign_id>/<int:bureau_id>/<int:year>/<int:month>", methods=["GET", "POST"])
@require_role(BUREAU_ADMIN)
def edit(campaign_id: int, bureau_id: int, year: int, month: int):
    campaign, period = get_campaign(campaign_id), _period(year, month)
    require_own_bureau(current_user, bureau_id)
    bulletin = services.find(campaign.id, bureau_id, period)
    form = BulletinForm(obj=bulletin)
    context = _edit_context(campaign, bureau_id, period, form, bulletin)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/bulletins/edit.html", **context), form_status(form)
    try:
        bulletin = _save(campaign, bureau_id, period, form)
    except (services.BulletinError, UploadError) as err:
        return rerender(err, "campaign/bulletins/edit.html", **context)
    flash("简报已保存为草稿，确认无误后请提交。", "success")
    return redirect(url_for("bulletins.detail", bulletin_id=bulletin.id))


def _load(bulletin_id: int) -> Bulletin:
    """The bulletin, if the current admin may read it (own bureau or one below it, or the city)."""
    bulletin = db.get_or_404(Bulletin, bulletin_id)
    require_bureau(current_user, bulletin.bureau_id)
    return bulletin


def _load_own(bulletin_id: int) -> Bulletin:
    """The bulletin, if the current admin writes it (its own bureau's admin only)."""
    bulletin = db.get_or_404(Bulletin, bulletin_id)
    require_own_bureau(current_user, bulletin.bureau_id)
    return bulletin


def _detail_context(bulletin: Bulletin) -> dict:
    campaign = get_campaign(bulletin.campaign_id)
    return {
        "bulletin": bulletin,
        "campaign": campaign,
        "files": attachments.files_of(OWNER, bulletin.id),
        "due": services.due_date(bulletin, campaign),
        "submit_form": SubmitForm(),
        "return_form": ReturnForm(),
    }


@bp.route("/b/<int:bulletin_id>")
@require_role(*ADMINS)
def detail(bulletin_id: int):
    bulletin = _load(bulletin_id)
    return render_template("campaign/bulletins/detail.html", **_detail_context(bulletin))


@bp.route("/b/<int:bulletin_id>/submit", methods=["POST"])
@require_role(BUREAU_ADMIN)
def submit(bulletin_id: int):
    bulletin = _load_own(bulletin_id)
    if not SubmitForm().validate_on_submit():
        abort(400)
    try:
        services.submit(bulletin, get_campaign(bulletin.campaign_id), actor_id=current_user.id)
    except services.BulletinError as err:
        return rerender(err, "campaign/bulletins/detail.html", **_detail_context(bulletin))
    flash(
        "简报已逾期提交，已标记为逾期。" if bulletin.is_late else "简报已按时提交。",
        "warning" if bulletin.is_late else "success",
    )
    return redirect(url_for("bulletins.detail", bulletin_id=bulletin.id))


@bp.route("/b/<int:bulletin_id>/return", methods=["POST"])
@require_role(CITY_ADMIN)
def return_(bulletin_id: int):
    bulletin, form = _load(bulletin_id), ReturnForm()
    form.validate_on_submit()
    try:
        services.return_bulletin(bulletin, form.comment.data, actor_id=current_user.id)
    except services.BulletinError as err:
        return rerender(err, "campaign/bulletins/detail.html", **_detail_context(bulletin))
    flash("简报已退回，等待县区修改后重新提交。", "success")
    return redirect(url_for("bulletins.detail", bulletin_id=bulletin.id))


@bp.route("/b/<int:bulletin_id>.docx")
@require_role(*ADMINS)
def export_one(bulletin_id: int):
    bulletin = _load(bulletin_id)
    data = exporters.bulletins_docx(jobs.docx_items([bulletin]))
    name = f"{bulletin.bureau.short_name}{bulletin.period.year}年{bulletin.period.month}月简报.docx"
    return download(data, name, DOCX)


@bp.route("/<int:campaign_id>/<int:year>/<int:month>.docx", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def export_month(campaign_id: int, year: int, month: int):
    """The month's compilation of every county: asked for here, made by a background job."""
    campaign, period = get_campaign(campaign_id), _period(year, month)
    if request.method == "GET":
        title = jobs.title_of(campaign, period.year, period.month)
        return render_template("campaign/bulletins/compile.html", campaign=campaign, title=title)
    params = {"campaign_id": campaign.id, "year": period.year, "month": period.month}
    job = start_job(jobs.MONTH_EXPORT, params, current_user)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)


@bp.route("/b/<int:bulletin_id>/files/<int:file_id>/delete", methods=["POST"])
@require_role(BUREAU_ADMIN)
def delete_file(bulletin_id: int, file_id: int):
    bulletin = _load_own(bulletin_id)
    try:
        services.remove_attachment(bulletin, file_id)
    except services.BulletinError as err:
        return rerender(err, "campaign/bulletins/detail.html", **_detail_context(bulletin))
    flash("附件已删除。", "success")
    return redirect(url_for("bulletins.detail", bulletin_id=bulletin.id))


@bp.route("/files/<int:file_id>")
@require_role(*ADMINS)
def file(file_id: int):
    return serve_attachment(OWNER, file_id, _load)
