"""Admin pages of rankings: awards, nominations, recommendations to the province, ranking rules."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.auth import (
    ADMINS,
    BUREAU_ADMIN,
    CITY_ADMIN,
    require_bureau,
    require_own_bureau,
    require_role,
)
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc, to_local
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.services import UploadError
from lianbing.logconfig import event
from lianbing.parts import registry
from lianbing.rankings import (
    awards,
    breakdown,
    closing,
    exporters,
    locks,
    measures,
    nominations,
    rules,
)
from lianbing.rankings.blueprint import bp, current_campaign
from lianbing.rankings.forms import (
    AwardForm,
    CloseForm,
    CorrectionForm,
    DecisionForm,
    NominationForm,
    ReasonForm,
    RecommendForm,
    ReopenForm,
    ResubmitForm,
    settings_form,
)
from lianbing.rankings.models import Award, Nomination, Recommendation
from lianbing.rankings.ranking import ranking_for
from lianbing.web import DOCX, XLSX, download, flash_errors, form_status, rerender


def _officer_choices() -> list[tuple[int, str]]:
    bureau_id = None if current_user.role == CITY_ADMIN else current_user.bureau_id
    return [
        (u.id, f"{u.display_name}（{u.bureau.short_name}）")
        for u in accounts.users_of(bureau_id, role="officer", include_inactive=False)
    ]


# --- awards ------------------------------------------------------------------------------


@bp.route("/awards", methods=["GET", "POST"])
@require_role(*ADMINS)
def award_list():
    campaign, form = current_campaign(), _award_form()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "rankings/awards.html", **_award_context(campaign, form)
        ), form_status(form)
    data = awards.AwardData(
        form.user_id.data, form.category.data, form.title.data, form.points.data, form.reason.data
    )
    try:
        awards.propose(campaign.id, data, request.files.get(form.evidence.name), current_user)
    except (awards.AwardError, UploadError) as err:
        return rerender(err, "rankings/awards.html", **_award_context(campaign, form))
    flash("加分申报已提交，等待市局审批。", "success")
    return redirect(url_for("rankings.award_list"))


def _award_form() -> AwardForm:
    form = AwardForm()
    form.user_id.choices = _officer_choices()
    return form


def _award_context(campaign: Campaign, form: AwardForm) -> dict:
    return {
        "campaign": campaign,
        "form": form,
        "decision": DecisionForm(),
        "awards": awards.visible_to(campaign.id, current_user),
    }


@bp.route("/awards/<int:award_id>/decide", methods=["POST"])
@require_role(CITY_ADMIN)
def award_decide(award_id: int):
    award, form = db.session.get(Award, award_id) or abort(404), DecisionForm()
    try:
        awards.decide(award, bool(form.approve.data), current_user, form.note.data or "")
    except awards.AwardError as err:
        return rerender(
            err, "rankings/awards.html", **_award_context(current_campaign(), _award_form())
        )
    flash("已通过，加分已计入成绩台账。" if award.status == "approved" else "已退回。", "success")
    return redirect(url_for("rankings.award_list"))


@bp.route("/awards/<int:award_id>/evidence")
@require_role(*ADMINS)
def award_evidence(award_id: int):
    award = db.session.get(Award, award_id) or abort(404)
    require_bureau(current_user, award.bureau_id)
    stored = db.session.get(StoredFile, award.evidence_id) or abort(404)
    return download(stored.data, stored.filename, stored.content_type)


# --- nominations -------------------------------------------------------------------------


@bp.route("/nominations", methods=["GET", "POST"])
@require_role(*ADMINS)
def nomination_list():
    campaign, form = current_campaign(), _nomination_form()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "rankings/nominations.html", **_nomination_context(campaign, form)
        ), form_status(form)
    return _apply(
        lambda: nominations.nominate(
            campaign, form.user_id.data, form.justification.data, current_user
        ),
        "提名已提交，等待市局审核。" if current_user.role == BUREAU_ADMIN else "提名已提交。",
        form,
    )


def _nomination_form() -> NominationForm:
    """County admins pick their officers; the city its own staff (for the city-level slot)."""
    form = NominationForm()
    city = accounts.city_bureau() if current_user.role == CITY_ADMIN else None
    bureau_id = city.id if city else current_user.bureau_id
    form.user_id.choices = [
        (u.id, f"{u.display_name}（{u.bureau.short_name}）")
        for u in accounts.users_of(bureau_id, role="officer", include_inactive=False)
    ]
    return form


def _nomination_context(campaign: Campaign, form: NominationForm) -> dict:
    return {
        "campaign": campaign,
        "form": form,
        "nominations": nominations.visible_to(campaign.id, current_user),
        "reason_form": ReasonForm(),
        "resubmit_form": ResubmitForm(),
        "deadline": rules.nomination_deadline(campaign.id),
        "deadline_passed": rules.deadline_passed(campaign.id),
        "quota_left": _quota_left(campaign),
        "closed": closing.closure(campaign.id),
        "kinds": registry().kinds,
    }


def _quota_left(campaign: Campaign) -> int:
    """Nominations the acting admin's bureau may still submit (the city: its own staff)."""
    if current_user.role == CITY_ADMIN:
        city = accounts.city_bureau()
        return nominations.quota_left(campaign, city.id) if city else 0
    return nominations.quota_left(campaign, current_user.bureau_id)


def _apply(step, success: str, form: NominationForm | None = None):
    """Run one nomination step: back to the list with ``success``, or the list again with why."""
    try:
        step()
    except nominations.NominationError as err:
        context = _nomination_context(current_campaign(), form or _nomination_form())
        return rerender(err, "rankings/nominations.html", **context)
    flash(success, "success")
    return redirect(url_for("rankings.nomination_list"))


def _own_nomination(nomination_id: int) -> Nomination:
    """The nomination, if the current admin may read it (its bureau or one above it)."""
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    require_bureau(current_user, nomination.bureau_id)
    return nomination


@bp.route("/nominations/<int:nomination_id>/<any(accept, return):verdict>", methods=["POST"])
@require_role(CITY_ADMIN)
def nomination_decide(nomination_id: int, verdict: str):
    nomination, form, accept = _own_nomination(nomination_id), ReasonForm(), verdict == "accept"
    return _apply(
        lambda: nominations.decide(nomination, accept, current_user, form.reason.data or ""),
        "已通过该提名。" if accept else "已退回该提名。",
    )


@bp.route("/nominations/<int:nomination_id>/reopen", methods=["POST"])
@require_role(CITY_ADMIN)
def nomination_reopen(nomination_id: int):
    nomination, form = _own_nomination(nomination_id), ReasonForm()
    return _apply(
        lambda: nominations.reopen(nomination, current_user, form.reason.data or ""),
        "提名已重新打开，县级单位可以修改后再次提交。",
    )


@bp.route("/nominations/<int:nomination_id>/resubmit", methods=["POST"])
@require_role(BUREAU_ADMIN)
def nomination_resubmit(nomination_id: int):
    nomination, form = _own_nomination(nomination_id), ResubmitForm()
    require_own_bureau(current_user, nomination.bureau_id)
    return _apply(
        lambda: nominations.resubmit(
            current_campaign(), nomination, form.justification.data or "", current_user
        ),
        "提名已重新提交。",
    )


@bp.route("/nominations/<int:nomination_id>/record.<any(xlsx, docx):fmt>")
@require_role(*ADMINS)
def nomination_record(nomination_id: int, fmt: str):
    nomination = _own_nomination(nomination_id)
    campaign = db.session.get(Campaign, nomination.campaign_id)
    name = f"{nomination.user.display_name}-先进个人推荐表.{fmt}"
    event(
        "rankings",
        "candidate record of nomination %s exported (%s)",
        nomination.id,
        fmt,
        nomination_id=nomination.id,
        actor_id=current_user.id,
    )
    if fmt == "xlsx":
        data = exporters.candidate_xlsx(campaign, nomination.user, nomination.snapshot)
        return download(data, name, XLSX)
    data = exporters.candidate_docx(
        campaign, nomination.user, nomination.justification, nomination.snapshot
    )
    return download(data, name, DOCX)


# --- recommendations to the province ----------------------------------------------------


def _recommend_form(campaign: Campaign) -> RecommendForm:
    form = RecommendForm()
    form.category.choices = list(rules.PROVINCE_CATEGORIES.items())
    accepted = [
        n for n in nominations.visible_to(campaign.id, current_user) if n.status == "accepted"
    ]
    form.target.choices = [
        (f"b{b.id}", f"集体：{b.short_name}") for b in accounts.county_bureaus()
    ] + [
        (f"n{n.id}", f"个人：{n.user.display_name}（{n.user.bureau.short_name}）") for n in accepted
    ]
    return form


def _recommendation_context(campaign: Campaign, form: RecommendForm) -> dict:
    return {
        "campaign": campaign,
        "form": form,
        "recs": nominations.recommendations(campaign.id),
        "quotas": rules.quotas(campaign.id),
        "categories": rules.PROVINCE_CATEGORIES,
        "delete_form": ReasonForm(),
        "bureau_rows": measures.bureau_ranking(ranking_for(campaign)),
        "closed": closing.closure(campaign.id),
    }


@bp.route("/recommendations", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def recommendation_list():
    campaign = current_campaign()
    form = _recommend_form(campaign)
    if not form.validate_on_submit():
        flash_errors(form)
        return (
            render_template(
                "rankings/recommendations.html", **_recommendation_context(campaign, form)
            ),
            form_status(form),
        )
    kind, target = form.target.data[0], int(form.target.data[1:])
    try:
        nominations.recommend(
            campaign.id,
            form.category.data,
            current_user,
            bureau_id=target if kind == "b" else None,
            nomination_id=target if kind == "n" else None,
            statement=form.statement.data or "",
        )
    except nominations.NominationError as err:
        return rerender(
            err, "rankings/recommendations.html", **_recommendation_context(campaign, form)
        )
    flash("已加入推荐名单。", "success")
    return redirect(url_for("rankings.recommendation_list"))


@bp.route("/recommendations/<int:rec_id>/delete", methods=["POST"])
@require_role(CITY_ADMIN)
def recommendation_delete(rec_id: int):
    rec = db.session.get(Recommendation, rec_id) or abort(404)
    try:
        nominations.withdraw(rec, current_user)
    except nominations.NominationError as err:
        campaign = current_campaign()
        return rerender(
            err,
            "rankings/recommendations.html",
            **_recommendation_context(campaign, _recommend_form(campaign)),
        )
    flash("已移出推荐名单。", "success")
    return redirect(url_for("rankings.recommendation_list"))


@bp.route("/recommendations.<any(xlsx, docx):fmt>")
@require_role(CITY_ADMIN)
def recommendation_export(fmt: str):
    campaign = current_campaign()
    name = f"{campaign.name}-推荐名单.{fmt}"
    event(
        "rankings",
        "recommendations of campaign %s exported (%s)",
        campaign.id,
        fmt,
        campaign_id=campaign.id,
        actor_id=current_user.id,
    )
    if fmt == "xlsx":
        return download(exporters.recommendations_xlsx(campaign), name, XLSX)
    return download(exporters.recommendations_docx(campaign), name, DOCX)


# --- ranking rules ----------------------------------------------------------------------


def _settings_current(campaign: Campaign) -> dict:
    settings = rules.settings_for(campaign.id)
    deadline = to_local(settings.nomination_deadline)
    return {
        "deadline": deadline.replace(tzinfo=None) if deadline else None,
        "quotas": rules.quotas(campaign.id),
        "eligibility": rules.eligibility(campaign.id),
        "min_entries": rules.min_entries(campaign.id),
        "measure_weights": measures.weights(campaign.id),
        "categories": rules.PROVINCE_CATEGORIES,
        "board_named": rules.board_named(campaign.id),
    }


def _worked_example(campaign: Campaign) -> dict | None:
    """The composite of the first-ranked officer, kind by kind, with the weights in force."""
    ranking = ranking_for(campaign)
    row = ranking.row(0) if len(ranking) else None
    if row is None:
        return None
    lines = breakdown.kind_lines(ranking, row.user_id)
    return {
        "name": row.name,
        "bureau": row.bureau,
        "lines": lines,
        "numerator": sum(k.weight * k.share for k in lines),
        "total": sum(k.weight for k in lines),
        "composite": row.composite,
    }


def _settings_context(campaign: Campaign, form) -> dict:
    return {
        "campaign": campaign,
        "form": form,
        "weights": campaigns.weights(campaign),
        "locked": locks.reason(campaign.id, "rules"),
        "example": _worked_example(campaign),
        "kinds": registry().kinds,
        "categories": rules.PROVINCE_CATEGORIES,
        "measures": measures.all_measures(),
    }


def _settings_data(form) -> dict:
    """The form's values as ``rules.update`` takes them (shares 0..1, UTC deadline)."""
    return {
        "deadline": local_to_utc(form.deadline.data) if form.deadline.data else None,
        "quotas": {k: form[f"q_{k}"].data for k in rules.PROVINCE_CATEGORIES},
        "eligibility": {k: form[f"e_{k}"].data / 100 for k in registry().kinds},
        "min_entries": {k: form[f"n_{k}"].data for k in registry().kinds},
        "measure_weights": {m.name: form[f"m_{m.name}"].data for m in measures.all_measures()},
        "board_named": bool(form.board_named.data),
    }


@bp.route("/settings", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def settings():
    campaign = current_campaign()
    form = settings_form(registry().kinds, measures.all_measures(), _settings_current(campaign))
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "rankings/settings.html", **_settings_context(campaign, form)
        ), form_status(form)
    try:
        rules.update(campaign.id, **_settings_data(form), actor_id=current_user.id)
    except (rules.RulesError, locks.SettingsLocked) as err:
        return rerender(err, "rankings/settings.html", **_settings_context(campaign, form))
    flash("排名规则已保存。", "success")
    return redirect(url_for("rankings.settings"))


# --- closing the campaign ---------------------------------------------------------------


def _close_context(campaign: Campaign, **forms) -> dict:
    correction = forms.get("correction") or CorrectionForm()
    correction.user_id.choices = _officer_choices()
    correction.kind.choices = [(k, v.label) for k, v in registry().kinds.items()]
    return {
        "campaign": campaign,
        "closed": closing.closure(campaign.id),
        "can_close": closing.can_close(campaign),
        "close_form": forms.get("close") or CloseForm(),
        "reopen_form": forms.get("reopen") or ReopenForm(),
        "correction_form": correction,
    }


@bp.route("/close", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def close_campaign():
    campaign, form = current_campaign(), CloseForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "rankings/close.html", **_close_context(campaign, close=form)
        ), form_status(form)
    closing.close(campaign, current_user)
    flash("练兵活动已结束：成绩台账已冻结，最终排名已保存。", "success")
    return redirect(url_for("rankings.close_campaign"))


@bp.route("/close/reopen", methods=["POST"])
@require_role(CITY_ADMIN)
def reopen_campaign():
    campaign, form = current_campaign(), ReopenForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "rankings/close.html", **_close_context(campaign, reopen=form)
        ), form_status(form)
    closing.reopen(campaign, current_user, form.reason.data)
    flash("练兵活动已重新开启，成绩可以继续记入。", "success")
    return redirect(url_for("rankings.close_campaign"))


@bp.route("/close/correct", methods=["POST"])
@require_role(CITY_ADMIN)
def correct_score():
    campaign, form = current_campaign(), CorrectionForm()
    context = _close_context(campaign, correction=form)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("rankings/close.html", **context), form_status(form)
    data = closing.Correction(
        form.user_id.data,
        form.kind.data,
        form.ref.data.strip(),
        form.points.data,
        form.max_points.data,
        form.reason.data,
    )
    closing.correct(campaign, data, current_user)
    flash("成绩已更正，最终排名已按更正重新保存。", "success")
    return redirect(url_for("rankings.close_campaign"))
