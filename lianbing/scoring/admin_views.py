"""Admin pages of scoring: awards, nominations, recommendations, rules, API tokens, expected activities."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.auth import ADMINS, BUREAU_ADMIN, CITY_ADMIN, require_bureau, require_role
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc, to_local
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.services import UploadError
from lianbing.parts import registry
from lianbing.scoring import awards, expected, exporters, measures, nominations, rules, tokens
from lianbing.scoring.blueprint import bp
from lianbing.scoring.forms import (AwardForm, DecisionForm, ExpectedForm, NominationForm, ReasonForm,
                                    RecommendForm, ResubmitForm, TokenForm, settings_form)
from lianbing.scoring.models import Award, ApiToken, Nomination, Recommendation
from lianbing.scoring.ranking import ranking_for
from lianbing.web import DOCX, XLSX, download, flash_errors


def _campaign() -> Campaign:
    return campaigns.active_campaign() or abort(404, "当前没有进行中的练兵活动。")


def _officer_choices() -> list[tuple[int, str]]:
    bureau_id = None if current_user.role == CITY_ADMIN else current_user.bureau_id
    return [(u.id, f"{u.display_name}（{u.bureau.short_name}）")
            for u in accounts.users_of(bureau_id, role="officer", include_inactive=False)]


# --- awards ------------------------------------------------------------------------------

@bp.route("/awards", methods=["GET", "POST"])
@require_role(*ADMINS)
def award_list():
    campaign, form = _campaign(), _award_form()
    if request.method == "GET":
        return _award_page(campaign, form)
    if not form.validate_on_submit():
        flash_errors(form)
        return _award_page(campaign, form), 400
    data = awards.AwardData(form.user_id.data, form.category.data, form.title.data, form.points.data, form.reason.data)
    try:
        awards.propose(campaign.id, data, request.files.get(form.evidence.name), current_user)
    except (awards.AwardError, UploadError) as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _award_page(campaign, form), 403 if isinstance(exc, awards.AwardForbidden) else 400
    db.session.commit()
    flash("加分申报已提交，等待市局审批。", "success")
    return redirect(url_for("scoring.award_list"))


def _award_form() -> AwardForm:
    form = AwardForm()
    form.user_id.choices = _officer_choices()
    return form


def _award_page(campaign: Campaign, form: AwardForm):
    return render_template("scoring/awards.html", campaign=campaign, form=form, decision=DecisionForm(),
                           awards=awards.visible_to(campaign.id, current_user))


@bp.route("/awards/<int:award_id>/decide", methods=["POST"])
@require_role(CITY_ADMIN)
def award_decide(award_id: int):
    award, form = db.session.get(Award, award_id) or abort(404), DecisionForm()
    try:
        awards.decide(award, bool(form.approve.data), current_user, form.note.data or "")
    except awards.AwardError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _award_page(_campaign(), _award_form()), 409 if award.status != "pending" else 400
    db.session.commit()
    flash("已通过，加分已计入成绩台账。" if award.status == "approved" else "已退回。", "success")
    return redirect(url_for("scoring.award_list"))


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
    campaign, form = _campaign(), _nomination_form()
    if request.method == "GET":
        return _nomination_page(campaign, form)
    if current_user.role != BUREAU_ADMIN:
        abort(403)
    if not form.validate_on_submit():
        flash_errors(form)
        return _nomination_page(campaign, form), 400
    return _apply(lambda: nominations.nominate(campaign, form.user_id.data, form.justification.data, current_user),
                  "提名已提交，等待市局审核。", lambda: _nomination_page(campaign, form))


def _nomination_form() -> NominationForm:
    form = NominationForm()
    form.user_id.choices = _officer_choices()
    return form


def _nomination_page(campaign: Campaign, form: NominationForm):
    ranking = ranking_for(campaign)
    settings = rules.settings_for(campaign.id)
    return render_template("scoring/nominations.html", campaign=campaign, form=form, ranking=ranking,
                           nominations=nominations.visible_to(campaign.id, current_user), reason_form=ReasonForm(),
                           resubmit_form=ResubmitForm(), deadline=settings.nomination_deadline,
                           deadline_passed=rules.deadline_passed(campaign.id), kinds=registry().kinds)


def _own_nomination(nomination_id: int) -> Nomination:
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    require_bureau(current_user, nomination.bureau_id)
    return nomination


@bp.route("/nominations/<int:nomination_id>/<any(accept, return):verdict>", methods=["POST"])
@require_role(CITY_ADMIN)
def nomination_decide(nomination_id: int, verdict: str):
    nomination, form = _own_nomination(nomination_id), ReasonForm()
    return _apply(lambda: nominations.decide(nomination, verdict == "accept", current_user, form.reason.data or ""),
                  "已通过该提名。" if verdict == "accept" else "已退回该提名。")


@bp.route("/nominations/<int:nomination_id>/reopen", methods=["POST"])
@require_role(CITY_ADMIN)
def nomination_reopen(nomination_id: int):
    nomination, form = _own_nomination(nomination_id), ReasonForm()
    return _apply(lambda: nominations.reopen(nomination, current_user, form.reason.data or ""),
                  "提名已重新打开，县级单位可以修改后再次提交。")


@bp.route("/nominations/<int:nomination_id>/resubmit", methods=["POST"])
@require_role(BUREAU_ADMIN)
def nomination_resubmit(nomination_id: int):
    nomination, form = _own_nomination(nomination_id), ResubmitForm()
    return _apply(lambda: nominations.resubmit(_campaign(), nomination, form.justification.data or "", current_user),
                  "提名已重新提交。")


def _apply(action, success: str, page=None, target: str = "scoring.nomination_list"):
    """Run one service call; commit and redirect, or roll back and show the page with why."""
    try:
        action()
    except nominations.NominationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        status = 403 if isinstance(exc, nominations.NominationForbidden) else (
            409 if isinstance(exc, nominations.NominationConflict) else 400)
        return (page or (lambda: _nomination_page(_campaign(), _nomination_form())))(), status
    db.session.commit()
    flash(success, "success")
    return redirect(url_for(target))


@bp.route("/nominations/<int:nomination_id>/record.<any(xlsx, docx):fmt>")
@require_role(*ADMINS)
def nomination_record(nomination_id: int, fmt: str):
    nomination = _own_nomination(nomination_id)
    campaign = db.session.get(Campaign, nomination.campaign_id)
    name = f"{nomination.user.display_name}-先进个人推荐表.{fmt}"
    if fmt == "xlsx":
        return download(exporters.candidate_xlsx(campaign, nomination.user), name, XLSX)
    return download(exporters.candidate_docx(campaign, nomination.user, nomination.justification), name, DOCX)


# --- recommendations to the province ----------------------------------------------------

def _recommend_form(campaign: Campaign) -> RecommendForm:
    form = RecommendForm()
    form.category.choices = list(rules.PROVINCE_CATEGORIES.items())
    accepted = [n for n in nominations.visible_to(campaign.id, current_user) if n.status == "accepted"]
    form.target.choices = ([(f"b{b.id}", f"集体：{b.short_name}") for b in accounts.county_bureaus()]
                           + [(f"n{n.id}", f"个人：{n.user.display_name}（{n.user.bureau.short_name}）") for n in accepted])
    return form


@bp.route("/recommendations", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def recommendation_list():
    campaign = _campaign()
    form = _recommend_form(campaign)
    if not form.validate_on_submit():
        flash_errors(form)
        return _recommendation_page(campaign, form), 400 if form.errors else 200
    kind, target = form.target.data[0], int(form.target.data[1:])
    return _apply(lambda: nominations.recommend(
        campaign.id, form.category.data, current_user, bureau_id=target if kind == "b" else None,
        nomination_id=target if kind == "n" else None), "已加入推荐名单。",
        lambda: _recommendation_page(campaign, form), "scoring.recommendation_list")


def _recommendation_page(campaign: Campaign, form: RecommendForm):
    return render_template("scoring/recommendations.html", campaign=campaign, form=form,
                           recs=nominations.recommendations(campaign.id), quotas=rules.quotas(campaign.id),
                           categories=rules.PROVINCE_CATEGORIES, delete_form=ReasonForm(),
                           bureau_rows=measures.bureau_ranking(ranking_for(campaign)))


@bp.route("/recommendations/<int:rec_id>/delete", methods=["POST"])
@require_role(CITY_ADMIN)
def recommendation_delete(rec_id: int):
    rec = db.session.get(Recommendation, rec_id) or abort(404)
    return _apply(lambda: nominations.withdraw(rec, current_user), "已移出推荐名单。",
                  lambda: _recommendation_page(_campaign(), _recommend_form(_campaign())), "scoring.recommendation_list")


@bp.route("/recommendations.<any(xlsx, docx):fmt>")
@require_role(CITY_ADMIN)
def recommendation_export(fmt: str):
    campaign = _campaign()
    name = f"{campaign.name}-推荐名单.{fmt}"
    if fmt == "xlsx":
        return download(exporters.recommendations_xlsx(campaign), name, XLSX)
    return download(exporters.recommendations_docx(campaign), name, DOCX)


# --- ranking rules ----------------------------------------------------------------------

def _settings_current(campaign: Campaign) -> dict:
    settings = rules.settings_for(campaign.id)
    deadline = to_local(settings.nomination_deadline)
    return {"deadline": deadline.replace(tzinfo=None) if deadline else None, "quotas": rules.quotas(campaign.id),
            "eligibility": rules.eligibility(campaign.id), "measure_weights": measures.weights(campaign.id),
            "categories": rules.PROVINCE_CATEGORIES}


@bp.route("/settings", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def settings():
    campaign = _campaign()
    kinds, all_measures = registry().kinds, measures.all_measures()
    form = settings_form(kinds, all_measures, _settings_current(campaign))
    if form.validate_on_submit():
        try:
            rules.update(campaign.id, deadline=local_to_utc(form.deadline.data) if form.deadline.data else None,
                         quotas={k: form[f"q_{k}"].data for k in rules.PROVINCE_CATEGORIES},
                         eligibility={k: form[f"e_{k}"].data / 100 for k in kinds},
                         measure_weights={m.name: form[f"m_{m.name}"].data for m in all_measures},
                         actor_id=current_user.id)
        except rules.RulesError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash("排名规则已保存。", "success")
            return redirect(url_for("scoring.settings"))
    flash_errors(form)
    return render_template("scoring/settings.html", campaign=campaign, form=form, kinds=kinds,
                           categories=rules.PROVINCE_CATEGORIES, measures=all_measures), 400 if form.errors else 200


# --- API tokens ---------------------------------------------------------------------------

@bp.route("/tokens", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def token_list():
    form, raw = TokenForm(), None
    form.bureau_id.choices = [(0, "不限（全市）")] + [(b.id, b.short_name) for b in accounts.county_bureaus()]
    if form.validate_on_submit():
        _token, raw = tokens.issue(form.name.data, form.bureau_id.data or None, current_user)
        db.session.commit()
        flash("令牌已签发。令牌只显示这一次，请立即复制保存。", "success")
    else:
        flash_errors(form)
    return render_template("scoring/tokens.html", form=form, raw=raw, tokens=tokens.all_tokens(),
                           revoke_form=ReasonForm())


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@require_role(CITY_ADMIN)
def token_revoke(token_id: int):
    token = db.session.get(ApiToken, token_id) or abort(404)
    tokens.revoke(token, current_user)
    db.session.commit()
    flash("令牌已吊销。", "success")
    return redirect(url_for("scoring.token_list"))


# --- expected activities -----------------------------------------------------------------

@bp.route("/expected", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def expected_list():
    campaign, form = _campaign(), ExpectedForm()
    form.kind.choices = [(k, v.label) for k, v in registry().kinds.items()]
    form.bureau_id.choices = [(0, "全部执法人员")] + [(b.id, b.short_name) for b in accounts.county_bureaus()]
    if form.validate_on_submit():
        data = expected.ExpectedData(form.kind.data, form.ref.data.strip(), form.title.data or "", form.max_points.data,
                                     local_to_utc(form.closes_at.data), "bureaus" if form.bureau_id.data else "all",
                                     (form.bureau_id.data,) if form.bureau_id.data else ())
        expected.declare(campaign.id, data, actor_id=current_user.id)
        db.session.commit()
        flash("应参加活动已保存。", "success")
        return redirect(url_for("scoring.expected_list"))
    flash_errors(form)
    return render_template("scoring/expected.html", campaign=campaign, form=form, kinds=registry().kinds,
                           items=expected.listing(campaign.id)), 400 if form.errors else 200
