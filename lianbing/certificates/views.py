"""Certificates: the list, issuing singly or in bulk, PDF and zip downloads, revoking, and the
public verification page ``/v/<code>``."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts import throttle
from lianbing.accounts.services import all_bureaus
from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, OFFICER, public, require_role
from lianbing.certificates import pdf, services
from lianbing.certificates.forms import IssueForm, RevokeForm
from lianbing.certificates.models import SOURCES
from lianbing.certificates.qualifications import candidates
from lianbing.errors import Refused
from lianbing.extensions import db
from lianbing.rankings.blueprint import load_campaign
from lianbing.web import download, rerender

bp = Blueprint("certificates", __name__, template_folder="templates")
PDF = "application/pdf"
ZIP = "application/zip"
#: unknown codes one address may try on the public page within VERIFY_WINDOW seconds
VERIFY_LIMIT, VERIFY_WINDOW = 30, 900


def _ids() -> list[int]:
    return [int(x) for x in request.args.get("ids", "").split(",") if x.isdigit()][:500]


def _source() -> str:
    source = request.args.get("source", "")
    return source if source in SOURCES else ""


@bp.route("/certificates/")
@require_role(OFFICER, BUREAU_ADMIN, CITY_ADMIN)
def index():
    source, ids = _source(), _ids()
    certs = services.listing(current_user, source=source, ids=ids)
    return render_template(
        "certificates/index.html",
        certs=certs,
        source=source,
        ids=ids,
        sources=SOURCES,
        revoke_form=RevokeForm(),
    )


def _issue_context(form: IssueForm) -> dict:
    """The issue page: the chosen source's candidates, and who already holds a certificate."""
    campaign = load_campaign()
    source = _source() or ("recommendation" if current_user.role == CITY_ADMIN else "study")
    bureau_id = request.args.get("bureau", type=int)
    if current_user.role != CITY_ADMIN:
        bureau_id = current_user.bureau_id
    found = candidates(campaign, source, bureau_id=bureau_id)
    issued = services.live_by_identity(campaign.id)
    rows = [
        (c, issued.get((c.source_ref, c.holder_key)), services.may_issue(current_user, c))
        for c in found
    ]
    return {
        "form": form,
        "campaign": campaign,
        "source": source,
        "sources": SOURCES,
        "bureau_id": bureau_id,
        "bureaus": all_bureaus(),
        "rows": rows,
    }


@bp.route("/certificates/issue", methods=["GET", "POST"])
@require_role(BUREAU_ADMIN, CITY_ADMIN)
def issue():
    form = IssueForm()
    if not form.validate_on_submit():
        return render_template("certificates/issue.html", **_issue_context(form))
    picks = [services.Pick(*raw.split("|", 1)) for raw in form.picks.data if "|" in raw]
    try:
        done = services.issue_many(load_campaign(), current_user, picks)
    except Refused as err:
        db.session.rollback()  # the page below reads the state before this request
        return rerender(err, "certificates/issue.html", **_issue_context(form))
    flash(_issued_message([is_new for _, is_new in done]), "success")
    ids = ",".join(str(cert.id) for cert, _ in done)
    return redirect(url_for("certificates.index", ids=ids))


def _issued_message(new_flags: list[bool]) -> str:
    new, old = new_flags.count(True), new_flags.count(False)
    return f"已颁发 {new} 张证书" + (f"，{old} 张此前已颁发（未重复颁发）" if old else "") + "。"


@bp.route("/certificates/<int:cert_id>.pdf")
@require_role(OFFICER, BUREAU_ADMIN, CITY_ADMIN)
def pdf_file(cert_id: int):
    cert = services.for_download(current_user, cert_id)
    return download(pdf.render(cert), pdf.file_name(cert), PDF)


@bp.route("/certificates/certificates.zip")
@require_role(OFFICER, BUREAU_ADMIN, CITY_ADMIN)
def zip_file():
    certs = [
        c for c in services.listing(current_user, source=_source(), ids=_ids()) if not c.is_revoked
    ]
    if not certs:
        flash("没有可下载的证书。", "warning")
        return redirect(url_for("certificates.index"))
    return download(pdf.zip_of(certs), f"证书-{len(certs)}张.zip", ZIP)


@bp.route("/certificates/<int:cert_id>/revoke", methods=["POST"])
@require_role(BUREAU_ADMIN, CITY_ADMIN)
def revoke(cert_id: int):
    cert = services.get_visible(current_user, cert_id)
    form = RevokeForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    services.revoke(cert, current_user, reason or "")
    flash(f"证书 {cert.serial} 已撤销。", "success")
    return redirect(url_for("certificates.index"))


@bp.route("/v/<code>")
@public
def verify(code: str):
    key = f"certificate-verify:{throttle.client_address()}"
    throttle.check(key, VERIFY_LIMIT, VERIFY_WINDOW)
    cert = services.by_code(code)
    if cert is None:
        throttle.note(key)
        return render_template("certificates/verify.html", cert=None, code=code), 404
    status = 410 if cert.is_revoked else 200
    return render_template("certificates/verify.html", cert=cert, code=code), status
