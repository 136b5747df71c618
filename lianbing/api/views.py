"""The city admin's pages for API tokens (the JSON API is in api.py, on the same blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.api import (
    api,  # noqa: F401  (registers the JSON routes on bp)
    tokens,
)
from lianbing.api.blueprint import bp
from lianbing.api.forms import RevokeForm, TokenForm
from lianbing.api.models import ApiToken
from lianbing.auth import CITY_ADMIN, require_role
from lianbing.extensions import db
from lianbing.web import flash_errors, form_status


@bp.route("/scores/tokens", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def token_list():
    form, raw = TokenForm(), None
    form.bureau_id.choices = [(0, "不限（全市）")] + [
        (b.id, b.short_name) for b in accounts.county_bureaus()
    ]
    if form.validate_on_submit():
        _token, raw = tokens.issue(form.name.data, form.bureau_id.data or None, current_user)
        flash("令牌已签发。令牌只显示这一次，请立即复制保存。", "success")
    flash_errors(form)
    return render_template(
        "api/tokens.html", form=form, raw=raw, tokens=tokens.all_tokens(), revoke_form=RevokeForm()
    ), form_status(form)


@bp.route("/scores/tokens/<int:token_id>/revoke", methods=["POST"])
@require_role(CITY_ADMIN)
def token_revoke(token_id: int):
    token = db.session.get(ApiToken, token_id) or abort(404)
    tokens.revoke(token, current_user)
    flash("令牌已吊销。", "success")
    return redirect(url_for("api.token_list"))
