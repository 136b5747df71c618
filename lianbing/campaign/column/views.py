"""The column: public pages and feed, article submission and review, penalty cases."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from lianbing.auth import ADMINS, CITY_ADMIN, public, require_bureau, require_role
from lianbing.campaign import services as campaigns
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.column import exporters, services
from lianbing.campaign.column.forms import ActionForm, ArticleForm, CaseForm, RejectForm
from lianbing.campaign.column.models import ARTICLE_STATUS, ColumnArticle, PenaltyCase
from lianbing.counters import fragments
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.services import UploadError
from lianbing.files.web import serve_file
from lianbing.security import public_url
from lianbing.web import flash_errors, form_status, page_arg, rerender

bp = Blueprint("column", __name__, url_prefix="/column", template_folder="templates")
OWNER = "article"
MAX_BYTES = 5 * attachments.MB
FEED_TITLE = "环境执法大练兵专栏"
PER_PAGE = 20


# --- public -------------------------------------------------------------------


@bp.route("/")
@public
def public_index():
    number = page_arg()
    if set(request.args) <= {"page"}:  # the pager repeats other arguments: those pages uncached
        body = fragments.cached(
            "column-index", services.PUBLIC_VERSIONS, (number,), lambda: _index_body(number)
        )
    else:
        body = _index_body(number)
    return render_template("campaign/column/public_index.html", body=Markup(body))


def _index_body(number: int) -> str:
    page = db.paginate(services.published_query(), page=number, per_page=PER_PAGE, error_out=False)
    return render_template(
        "campaign/column/_public_index_body.html",
        page=page,
        articles=page.items,
        cases=services.disclosed_cases(limit=PER_PAGE),
    )


@bp.route("/cases/")
@public
def public_cases():
    page = db.paginate(
        services.disclosed_query(),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("campaign/column/public_cases.html", page=page)


@bp.route("/articles/<int:article_id>")
@public
def public_article(article_id: int):
    article = services.published_article(article_id) or abort(404)
    return render_template(
        "campaign/column/public_article.html",
        article=article,
        images=attachments.files_of(OWNER, article.id),
    )


@bp.route("/cases/<int:case_id>")
@public
def public_case(case_id: int):
    case = services.disclosed_case(case_id) or abort(404)
    return render_template("campaign/column/public_case.html", case=case)


@bp.route("/images/<int:file_id>")
@public
def public_image(file_id: int):
    owner_id = attachments.owner_of(OWNER, file_id) or abort(404)
    services.published_article(owner_id) or abort(404)
    return serve_file(db.session.get(StoredFile, file_id), inline=True)


@bp.route("/feed.atom")
@public
def feed():
    xml = fragments.cached("column-feed", services.PUBLIC_VERSIONS, (), _feed_xml)
    return Response(xml, mimetype="application/atom+xml")


def _feed_xml() -> str:
    articles = [
        (a, public_url("column.public_article", article_id=a.id))
        for a in services.published_articles(limit=50)
    ]
    cases = [
        (c, public_url("column.public_case", case_id=c.id))
        for c in services.disclosed_cases(limit=50)
    ]
    return exporters.atom_feed(
        FEED_TITLE,
        public_url("column.feed"),
        public_url("column.public_index"),
        articles,
        cases,
        utcnow(),
    )


# --- submission and review ------------------------------------------------------


@bp.route("/manage")
@require_role(*ADMINS)
def manage():
    scope = None if current_user.role == CITY_ADMIN else current_user.bureau_id
    return render_template(
        "campaign/column/manage.html", articles=services.articles_for(scope), labels=ARTICLE_STATUS
    )


def _load(article_id: int) -> ColumnArticle:
    article = db.get_or_404(ColumnArticle, article_id)
    require_bureau(current_user, article.bureau_id)
    return article


def _write(article: ColumnArticle | None, form: ArticleForm) -> ColumnArticle:
    """Save the article and images; a new one goes to the active campaign and the user's bureau."""
    if article is None:
        campaign = campaigns.active_campaign()
        campaign_id, bureau_id = (campaign.id if campaign else None), current_user.bureau_id
    else:
        campaign_id, bureau_id = article.campaign_id, article.bureau_id
    article = services.save_article(
        article,
        campaign_id,
        bureau_id,
        services.ArticleData(form.title.data, form.body.data),
        author_id=current_user.id,
    )
    attachments.attach(
        OWNER,
        article.id,
        form.images.data or [],
        allowed=attachments.IMAGE_TYPES,
        max_bytes=MAX_BYTES,
        user_id=current_user.id,
    )
    return article


def _edit(article: ColumnArticle | None):
    """The article form, shown again with its errors or saved and followed to the article."""
    form = ArticleForm(obj=article)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "campaign/column/edit.html", form=form, article=article
        ), form_status(form)
    try:
        article = _write(article, form)
    except (services.ColumnError, UploadError) as err:
        return rerender(err, "campaign/column/edit.html", form=form, article=article)
    flash("文章已保存。", "success")
    return redirect(url_for("column.manage_article", article_id=article.id))


@bp.route("/manage/new", methods=["GET", "POST"])
@require_role(*ADMINS)
def new_article():
    return _edit(None)


@bp.route("/manage/<int:article_id>/edit", methods=["GET", "POST"])
@require_role(*ADMINS)
def edit_article(article_id: int):
    return _edit(_load(article_id))


def _article_context(article: ColumnArticle) -> dict:
    return {
        "article": article,
        "images": attachments.files_of(OWNER, article.id),
        "labels": ARTICLE_STATUS,
        "action_form": ActionForm(),
        "reject_form": RejectForm(),
    }


@bp.route("/manage/<int:article_id>")
@require_role(*ADMINS)
def manage_article(article_id: int):
    return render_template(
        "campaign/column/manage_article.html", **_article_context(_load(article_id))
    )


@bp.route("/manage/images/<int:file_id>")
@require_role(*ADMINS)
def manage_image(file_id: int):
    owner_id = attachments.owner_of(OWNER, file_id) or abort(404)
    _load(owner_id)
    return serve_file(db.session.get(StoredFile, file_id), inline=True)


def _act(article_id: int, action, message: str):
    article = _load(article_id)
    try:
        action(article)
    except services.ColumnError as err:
        return rerender(err, "campaign/column/manage_article.html", **_article_context(article))
    flash(message, "success")
    return redirect(url_for("column.manage_article", article_id=article.id))


@bp.route("/manage/<int:article_id>/submit", methods=["POST"])
@require_role(*ADMINS)
def submit_article(article_id: int):
    return _act(
        article_id,
        lambda a: services.submit_article(a, actor_id=current_user.id),
        "已提交市局审核。",
    )


@bp.route("/manage/<int:article_id>/publish", methods=["POST"])
@require_role(CITY_ADMIN)
def publish_article(article_id: int):
    return _act(
        article_id,
        lambda a: services.publish(a, actor_id=current_user.id),
        "文章已发布到公开专栏。",
    )


@bp.route("/manage/<int:article_id>/reject", methods=["POST"])
@require_role(CITY_ADMIN)
def reject_article(article_id: int):
    comment = RejectForm().comment.data
    return _act(
        article_id, lambda a: services.reject(a, comment, actor_id=current_user.id), "文章已退回。"
    )


# --- penalty cases ---------------------------------------------------------------


@bp.route("/manage/cases", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def cases():
    form = CaseForm()
    context = {"form": form, "cases": services.all_cases(), "action_form": ActionForm()}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/column/cases.html", **context), form_status(form)
    campaign = campaigns.active_campaign()
    data = services.CaseData(
        form.enterprise.data,
        form.violation.data,
        form.legal_basis.data,
        form.decision.data,
        form.decided_on.data,
    )
    try:
        services.add_case(
            campaign.id if campaign else None,
            data,
            disclose=form.disclose.data,
            actor_id=current_user.id,
        )
    except services.ColumnError as err:
        return rerender(err, "campaign/column/cases.html", **context)
    flash("处罚案例已保存。", "success")
    return redirect(url_for("column.cases"))


@bp.route("/manage/cases/<int:case_id>/<any(disclose, hide):action>", methods=["POST"])
@require_role(CITY_ADMIN)
def disclose_case(case_id: int, action: str):
    case = db.get_or_404(PenaltyCase, case_id)
    services.set_disclosed(case, action == "disclose", actor_id=current_user.id)
    flash("已向社会公开。" if action == "disclose" else "已取消公开。", "success")
    return redirect(url_for("column.cases"))
