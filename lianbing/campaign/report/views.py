"""The report to the province: the city's overview, a bureau's summary page, submitting,
returning, and the Word and Excel downloads."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau
from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, require_bureau, require_role
from lianbing.campaign import services as campaigns
from lianbing.campaign.report import exporters, figures, services
from lianbing.campaign.report.forms import ReturnForm, SectionsForm, SubmitForm
from lianbing.campaign.web import get_campaign, no_active_campaign
from lianbing.errors import Refused
from lianbing.extensions import db
from lianbing.logconfig import event
from lianbing.web import DOCX, XLSX, download, flash_errors, form_status, rerender

bp = Blueprint("report", __name__, url_prefix="/report", template_folder="templates")
ADMINS = (BUREAU_ADMIN, CITY_ADMIN)


@bp.route("/")
@require_role(*ADMINS)
def index():
    campaign = campaigns.active_campaign()
    if campaign is None:
        return no_active_campaign()
    if current_user.role == CITY_ADMIN:
        return redirect(url_for("report.overview", campaign_id=campaign.id))
    return redirect(
        url_for("report.bureau", campaign_id=campaign.id, bureau_id=current_user.bureau_id)
    )


@bp.route("/<int:campaign_id>")
@require_role(CITY_ADMIN)
def overview(campaign_id: int):
    campaign = get_campaign(campaign_id)
    columns = figures.city_table(campaign)
    head, rows = exporters.table_rows(columns)
    return render_template(
        "campaign/report/overview.html",
        campaign=campaign,
        columns=columns,
        head=head,
        rows=rows,
        reports=services.listing(campaign.id),
        labels=services.STATUS_LABELS,
        city_id=accounts.city_bureau().id,
    )


def _load(campaign_id: int, bureau_id: int):
    campaign, bureau = get_campaign(campaign_id), db.get_or_404(Bureau, bureau_id)
    require_bureau(current_user, bureau.id)
    return campaign, bureau


def _may_edit(bureau: Bureau) -> bool:
    """A county admin writes its county's summary, the city admin the city's own."""
    return bureau.is_city == (current_user.role == CITY_ADMIN)


def _context(campaign, bureau, form=None) -> dict:
    report = services.find(campaign.id, bureau.id)
    return {
        "campaign": campaign,
        "bureau": bureau,
        "report": report,
        "figures": figures.figures_for(campaign, bureau),
        "form": form or SectionsForm(data=(report.sections if report else None) or {}),
        "sections": services.SECTIONS,
        "editable": _may_edit(bureau) and (report is None or report.status != "submitted"),
        "submit_form": SubmitForm(),
        "return_form": ReturnForm(),
        "labels": services.STATUS_LABELS,
    }


@bp.route("/<int:campaign_id>/b/<int:bureau_id>", methods=["GET", "POST"])
@require_role(*ADMINS)
def bureau(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    form = SectionsForm()
    if not form.is_submitted():
        return render_template("campaign/report/bureau.html", **_context(campaign, bureau))
    if not _may_edit(bureau):
        abort(403)
    context = _context(campaign, bureau, form)
    if not form.validate():
        flash_errors(form)
        return render_template("campaign/report/bureau.html", **context), form_status(form)
    texts = {key: getattr(form, key).data for key in services.SECTIONS}
    try:
        services.save_sections(campaign, bureau, texts, actor_id=current_user.id)
    except Refused as err:
        return rerender(err, "campaign/report/bureau.html", **context)
    flash("总结已保存。", "success")
    return redirect(url_for("report.bureau", campaign_id=campaign.id, bureau_id=bureau.id))


@bp.route("/<int:campaign_id>/b/<int:bureau_id>/submit", methods=["POST"])
@require_role(BUREAU_ADMIN)
def submit(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    report = services.find(campaign.id, bureau.id) or abort(404)
    if not SubmitForm().validate_on_submit():
        abort(400)
    try:
        services.submit(report, actor_id=current_user.id)
    except Refused as err:
        return rerender(err, "campaign/report/bureau.html", **_context(campaign, bureau))
    flash("总结已提交市局。", "success")
    return redirect(url_for("report.bureau", campaign_id=campaign.id, bureau_id=bureau.id))


@bp.route("/<int:campaign_id>/b/<int:bureau_id>/return", methods=["POST"])
@require_role(CITY_ADMIN)
def return_(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    report = services.find(campaign.id, bureau.id) or abort(404)
    form = ReturnForm()
    form.validate_on_submit()
    try:
        services.return_report(report, form.comment.data, actor_id=current_user.id)
    except Refused as err:
        return rerender(err, "campaign/report/bureau.html", **_context(campaign, bureau))
    flash("总结已退回，等待县区修改后重新提交。", "success")
    return redirect(url_for("report.bureau", campaign_id=campaign.id, bureau_id=bureau.id))


def _export_data(campaign, bureau):
    """(figures, county columns or None): the city's export also compares the counties."""
    if not bureau.is_city:
        return figures.figures_for(campaign, bureau), None
    columns = figures.city_table(campaign)
    return columns[0].figures, columns


@bp.route("/<int:campaign_id>/b/<int:bureau_id>.docx")
@require_role(*ADMINS)
def export_docx(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    found, columns = _export_data(campaign, bureau)
    report = services.find(campaign.id, bureau.id)
    data = exporters.summary_docx(campaign, bureau, report, found, columns)
    _log_export(bureau, "docx")
    return download(data, f"{exporters.title(campaign, bureau)}.docx", DOCX)


@bp.route("/<int:campaign_id>/b/<int:bureau_id>.xlsx")
@require_role(*ADMINS)
def export_xlsx(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    found, columns = _export_data(campaign, bureau)
    data = exporters.summary_xlsx(found, columns)
    _log_export(bureau, "xlsx")
    return download(data, f"{exporters.title(campaign, bureau)}统计表.xlsx", XLSX)


def _log_export(bureau: Bureau, kind: str) -> None:
    event(
        "report",
        "user %s exported the summary of bureau %s as %s",
        current_user.id,
        bureau.id,
        kind,
        actor_id=current_user.id,
    )
