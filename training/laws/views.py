"""Routes of the law library: browse, search, stable article links, import."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.host import (
    CITY_ADMIN,
    TRAINER,
    Refused,
    any_user,
    flash_errors,
    form_status,
    require_role,
    rerender,
)
from training.laws import importers, services
from training.laws.forms import LawImportForm
from training.web import bp

AUTHORS = (TRAINER, CITY_ADMIN)


@bp.route("/laws")
@any_user
def laws():
    query = request.args.get("q", "").strip()
    return render_template(
        "training/laws/laws.html",
        laws=services.all_laws(),
        query=query,
        results=services.search(query) if query else None,
    )


@bp.route("/laws/<code>")
@any_user
def law(code: str):
    law = services.law_by_code(code) or abort(404)
    return render_template("training/laws/law.html", law=law)


@bp.route("/articles/<key>")
@any_user
def article(key: str):
    """A stable link for an article key stored by any part, e.g. /training/articles/EPL2014:24."""
    found = services.article_by_key(key) or abort(404)
    return redirect(url_for("training.law", code=found.law.code, _anchor=f"a{found.number}"))


@bp.route("/laws/import", methods=["GET", "POST"])
@require_role(*AUTHORS)
def law_import():
    form = LawImportForm()
    if form.validate_on_submit():
        data = services.LawData(
            form.code.data.strip(), form.name.data, form.issuer.data or "", form.effective_on.data
        )
        try:
            articles = importers.parse_upload(form.file.data.filename, form.file.data.read())
            law = services.import_law(data, articles, actor_id=current_user.id)
        except Refused as err:
            return rerender(err, "training/laws/law_import.html", form=form)
        flash(f"已导入《{law.name}》共 {len(law.articles)} 条。", "success")
        return redirect(url_for("training.law", code=law.code))
    flash_errors(form)
    return render_template("training/laws/law_import.html", form=form), form_status(form)
