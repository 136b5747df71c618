"""Summary reports and self-evaluation: the city's items and review, a county's report."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.accounts.models import LEVEL_COUNTY, Bureau
from lianbing.auth import (
    ADMINS,
    BUREAU_ADMIN,
    CITY_ADMIN,
    reading_scope,
    require_bureau,
    require_own_bureau,
    require_role,
)
from lianbing.campaign import schedule
from lianbing.campaign import services as campaigns
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.attachments.web import serve_attachment
from lianbing.campaign.evaluation import evidence, services
from lianbing.campaign.evaluation.forms import ItemForm, ReportForm, ReviewForm, SubmitForm
from lianbing.campaign.evaluation.models import SummaryReport
from lianbing.campaign.web import get_campaign, no_active_campaign
from lianbing.extensions import db
from lianbing.files.services import UploadError
from lianbing.web import flash_errors, rerender

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation", template_folder="templates")
OWNER = "summary"
MAX_BYTES = 10 * attachments.MB


@bp.route("/")
@require_role(*ADMINS)
def index():
    campaign = campaigns.active_campaign()
    if campaign is None:
        return no_active_campaign()
    if current_user.role == BUREAU_ADMIN and current_user.bureau.level == LEVEL_COUNTY:
        return redirect(
            url_for("evaluation.report", campaign_id=campaign.id, bureau_id=current_user.bureau_id)
        )
    return redirect(url_for("evaluation.overview", campaign_id=campaign.id))


def _overview_context(campaign, form) -> dict:
    by_bureau = {r.bureau_id: r for r in services.reports(campaign.id)}
    return {
        "campaign": campaign,
        "items": services.items(campaign.id),
        "form": form,
        "rows": [
            (b, by_bureau.get(b.id)) for b in accounts.county_bureaus(reading_scope(current_user))
        ],
        "settings": schedule.settings_for(campaign),
        "totals": services.totals,
        "labels": services.STATUS_LABELS,
    }


@bp.route("/<int:campaign_id>")
@require_role(*ADMINS)
def overview(campaign_id: int):
    """Every county's report and scores side by side: the city's, or those under a province's
    or a city's bureau for its admin (read only; items and review stay with the city)."""
    campaign = get_campaign(campaign_id)
    return render_template(
        "campaign/evaluation/overview.html", **_overview_context(campaign, ItemForm())
    )


@bp.route("/<int:campaign_id>/items", methods=["POST"])
@require_role(CITY_ADMIN)
def add_item(campaign_id: int):
    campaign, form = get_campaign(campaign_id), ItemForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "campaign/evaluation/overview.html", **_overview_context(campaign, form)
        ), 400
    try:
        services.add_item(
            campaign,
            form.name.data,
            form.max_points.data,
            form.description.data,
            actor_id=current_user.id,
        )
    except services.EvaluationError as err:
        return rerender(
            err, "campaign/evaluation/overview.html", **_overview_context(campaign, form)
        )
    flash("考核项目已添加。", "success")
    return redirect(url_for("evaluation.overview", campaign_id=campaign.id))


def _inputs(points_prefix: str, text_prefix: str, items) -> list[services.ScoreInput]:
    """Per-item score inputs from the posted form; refuses what is not a number."""
    result = []
    for item in items:
        raw = (request.form.get(f"{points_prefix}{item.id}") or "").strip()
        try:
            points = float(raw) if raw else None
        except ValueError:
            raise services.EvaluationError(f"“{item.name}”的分数“{raw}”不是数字。") from None
        result.append(
            services.ScoreInput(item.id, points, request.form.get(f"{text_prefix}{item.id}", ""))
        )
    return result


def _report_context(campaign, bureau, form) -> dict:
    report = services.report_for(campaign.id, bureau.id)
    scores = {s.item_id: s for s in report.scores} if report else {}
    items = services.items(campaign.id)
    return {
        "campaign": campaign,
        "bureau": bureau,
        "report": report,
        "form": form,
        "scores": scores,
        "items": items,
        "evidence": evidence.for_items(campaign, bureau, items),
        "settings": schedule.settings_for(campaign),
        "files": attachments.files_of(OWNER, report.id) if report else [],
        "submit_form": SubmitForm(),
        "review_form": ReviewForm(),
        "totals": services.totals(report) if report else (0, None),
        "labels": services.STATUS_LABELS,
    }


def _load(campaign_id: int, bureau_id: int):
    campaign = get_campaign(campaign_id)
    bureau = db.get_or_404(Bureau, bureau_id)
    require_bureau(current_user, bureau.id)
    return campaign, bureau


def _save(campaign, bureau, form: ReportForm, items) -> None:
    """Save the county's report and self-scores and attach its evidence files."""
    saved = services.save_report(
        campaign,
        bureau.id,
        form.body.data,
        _inputs("self_", "evidence_", items),
        actor_id=current_user.id,
    )
    attachments.attach(
        OWNER,
        saved.id,
        form.attachments.data or [],
        allowed=attachments.DOCUMENT_TYPES,
        max_bytes=MAX_BYTES,
        user_id=current_user.id,
    )


@bp.route("/<int:campaign_id>/report/<int:bureau_id>", methods=["GET", "POST"])
@require_role(*ADMINS)
def report(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    form = ReportForm(obj=services.report_for(campaign.id, bureau.id))
    context = _report_context(campaign, bureau, form)
    if not form.validate_on_submit():
        return render_template("campaign/evaluation/report.html", **context)
    require_own_bureau(current_user, bureau.id)
    try:
        _save(campaign, bureau, form, context["items"])
    except (services.EvaluationError, UploadError) as err:
        return rerender(err, "campaign/evaluation/report.html", **context)
    flash("已保存。确认无误后请提交。", "success")
    return redirect(url_for("evaluation.report", campaign_id=campaign.id, bureau_id=bureau.id))


@bp.route("/<int:campaign_id>/report/<int:bureau_id>/submit", methods=["POST"])
@require_role(BUREAU_ADMIN)
def submit(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    require_own_bureau(current_user, bureau.id)
    report = services.report_for(campaign.id, bureau.id) or abort(404)
    try:
        services.submit_report(report, campaign, actor_id=current_user.id)
    except services.EvaluationError as err:
        return rerender(
            err,
            "campaign/evaluation/report.html",
            **_report_context(campaign, bureau, ReportForm(obj=report)),
        )
    flash(
        "总结报告已逾期提交，已标记为逾期。" if report.is_late else "总结报告和自评已提交。",
        "warning" if report.is_late else "success",
    )
    return redirect(url_for("evaluation.report", campaign_id=campaign.id, bureau_id=bureau.id))


@bp.route("/<int:campaign_id>/report/<int:bureau_id>/review", methods=["POST"])
@require_role(CITY_ADMIN)
def review(campaign_id: int, bureau_id: int):
    campaign, bureau = _load(campaign_id, bureau_id)
    report = services.report_for(campaign.id, bureau.id) or abort(404)
    try:
        scores = _inputs("city_", "comment_", services.items(campaign.id))
        services.review(report, scores, ReviewForm().comment.data, actor_id=current_user.id)
    except services.EvaluationError as err:
        return rerender(
            err,
            "campaign/evaluation/report.html",
            **_report_context(campaign, bureau, ReportForm(obj=report)),
        )
    flash("评分已保存。", "success")
    return redirect(url_for("evaluation.overview", campaign_id=campaign.id))


@bp.route("/files/<int:file_id>")
@require_role(*ADMINS)
def file(file_id: int):
    return serve_attachment(OWNER, file_id, _visible_report)


def _visible_report(report_id: int) -> SummaryReport:
    report = db.get_or_404(SummaryReport, report_id)
    require_bureau(current_user, report.bureau_id)
    return report
