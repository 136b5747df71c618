"""Routes of case files: the list, the case form, documents, pasted records, the Excel list."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from casestudies.casefiles import forms, importers, quotas, review, selection, services
from casestudies.casefiles.models import CATEGORIES, STAGE_DATES, CaseDocument, CaseFile, CaseRecord
from casestudies.web import bp, get_or_404
from lianbing.host import (
    ADMINS,
    BUREAU_ADMIN,
    XLSX,
    Blob,
    Refused,
    all_bureaus,
    any_user,
    can_manage_bureau,
    document_limit,
    download,
    flash_errors,
    form_status,
    refused_redirect,
    require_role,
    rerender,
    sees_all_bureaus,
    send_blob,
)

#: room for the multipart envelope around a document of the largest size
ENVELOPE = 1024 * 1024


def managed_case(case_id: int) -> CaseFile:
    """A case file the current user may manage (its county's admin or the city), else 403."""
    case = get_or_404(CaseFile, case_id)
    if not can_manage_bureau(current_user, case.bureau_id):
        abort(403)
    return case


def refused_audited(err: Refused, target: str, action: str, target_type: str, target_id):
    """Flash a refusal, note it in the audit log and go to ``target``."""
    services.audit_refusal(
        action, target_type, target_id, actor_id=current_user.id, reason=str(err)
    )
    flash(str(err), "danger")
    return redirect(target)


def _case_form(case: CaseFile | None, bureau_id: int) -> forms.CaseForm:
    form = forms.CaseForm(obj=case)
    form.officer_ids.choices = [
        (u.id, f"{u.display_name}（{u.username}）") for u in services.officer_choices(bureau_id)
    ]
    if case is not None and not form.is_submitted():
        form.officer_ids.data = [u.id for u in case.officers]
    return form


@bp.route("/casefiles")
@require_role(*ADMINS)
def casefiles():
    bureau = None if sees_all_bureaus(current_user) else current_user.bureau_id
    bureau = request.args.get("bureau", type=int) if bureau is None else bureau
    return render_template(
        "casestudies/casefiles/list.html",
        cases=services.cases(bureau, request.args.get("category") or None),
        CATEGORIES=CATEGORIES,
        bureaus=all_bureaus() if sees_all_bureaus(current_user) else [],
        import_form=forms.ImportForm(),
    )


@bp.route("/casefiles/new", methods=["GET", "POST"])
@require_role(BUREAU_ADMIN)
def casefile_new():
    form = _case_form(None, current_user.bureau_id)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "casestudies/casefiles/form.html", form=form, case=None
        ), form_status(form)
    try:
        case = services.save_case(
            None, form.data_of(), bureau_id=current_user.bureau_id, actor_id=current_user.id
        )
    except Refused as err:
        return rerender(err, "casestudies/casefiles/form.html", form=form, case=None)
    flash(f"案卷 {case.case_no} 已保存。", "success")
    return redirect(url_for("casestudies.casefile", case_id=case.id))


@bp.route("/casefiles/<int:case_id>/edit", methods=["GET", "POST"])
@require_role(*ADMINS)
def casefile_edit(case_id: int):
    case = managed_case(case_id)
    form = _case_form(case, case.bureau_id)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "casestudies/casefiles/form.html", form=form, case=case
        ), form_status(form)
    try:
        services.save_case(case, form.data_of(), bureau_id=case.bureau_id, actor_id=current_user.id)
    except Refused as err:
        return rerender(err, "casestudies/casefiles/form.html", form=form, case=case)
    flash("案卷已更新。", "success")
    return redirect(url_for("casestudies.casefile", case_id=case.id))


@bp.route("/casefiles/<int:case_id>")
@require_role(*ADMINS)
def casefile(case_id: int):
    case = managed_case(case_id)
    return render_template(
        "casestudies/casefiles/case.html",
        case=case,
        STAGE_DATES=STAGE_DATES,
        doc_form=forms.DocumentForm(),
        record_form=forms.RecordForm(),
        limit_mb=document_limit() // (1024 * 1024),
        proposed="proposed" in selection.kinds_of([case.id]).get(case.id, set()),
        quota=quotas.quotas().get(case.category),
        used=quotas.proposed_counts(case.bureau_id).get(case.category, 0),
    )


@bp.route("/casefiles/<int:case_id>/documents", methods=["POST"])
@require_role(*ADMINS)
def casefile_upload(case_id: int):
    request.max_content_length = document_limit() + ENVELOPE
    case = managed_case(case_id)
    form = forms.DocumentForm()
    back = url_for("casestudies.casefile", case_id=case.id)
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    upload = services.Upload(
        form.file.data.stream, form.file.data.filename, form.doc_type.data, form.pages.data
    )
    try:
        doc = services.add_document(case, upload, actor_id=current_user.id)
    except Refused as err:
        return refused_audited(err, back, "casestudies.casefile.document", "cs_case_file", case.id)
    flash(f"已上传 {doc.type_label}：{doc.filename}（{doc.pages} 页）。", "success")
    return redirect(back)


def readable_case(case_id: int) -> CaseFile:
    """A case file the user manages, reviews or reconciles as group leader, else 403."""
    case = get_or_404(CaseFile, case_id)
    if not (
        can_manage_bureau(current_user, case.bureau_id) or review.may_read(case, current_user.id)
    ):
        abort(403)
    return case


@bp.route("/casefiles/documents/<int:doc_id>")
@any_user
def casefile_document(doc_id: int):
    doc = get_or_404(CaseDocument, doc_id)
    readable_case(doc.case_file_id)
    blob = Blob(doc.sha256, doc.size, doc.filename, doc.content_type)
    return send_blob(blob, inline=request.args.get("inline") == "1")


@bp.route("/casefiles/<int:case_id>/records", methods=["POST"])
@require_role(*ADMINS)
def casefile_record(case_id: int):
    case = managed_case(case_id)
    form = forms.RecordForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("casestudies.casefile", case_id=case.id))
    try:
        rec = services.add_record(
            case, form.record_type.data, form.text.data, actor_id=current_user.id
        )
    except Refused as err:
        return refused_redirect(err, url_for("casestudies.casefile", case_id=case.id))
    return redirect(url_for("casestudies.casefile_record_view", record_id=rec.id))


@bp.route("/casefiles/records/<int:record_id>")
@require_role(*ADMINS)
def casefile_record_view(record_id: int):
    rec = get_or_404(CaseRecord, record_id)
    case = managed_case(rec.case_file_id)
    pieces, missing = services.record_pieces(rec)
    return render_template(
        "casestudies/casefiles/record.html", rec=rec, case=case, pieces=pieces, missing=missing
    )


@bp.route("/casefiles/import", methods=["POST"])
@require_role(BUREAU_ADMIN)
def casefile_import():
    form = forms.ImportForm()
    back = url_for("casestudies.casefiles")
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    try:
        report = importers.import_cases(
            form.file.data.read(), bureau_id=current_user.bureau_id, actor_id=current_user.id
        )
    except Refused as err:
        return refused_redirect(err, back)
    if not report.ok:
        g.keep_changes = True  # only the refusal's audit row was written; no case was
        return render_template("casestudies/casefiles/import_report.html", report=report), 400
    flash(f"已导入 {len(report.created)} 份案卷。", "success")
    return redirect(back)


@bp.route("/casefiles/import/template")
@require_role(BUREAU_ADMIN)
def casefile_import_template():
    return download(importers.template(), "案卷目录模板.xlsx", XLSX)
