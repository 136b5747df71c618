"""Routes of the review: tables, the backbone pool, selection and draws, groups, scoring,
reconciliation, results and the province exports. Registered on the part's blueprint."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from casestudies.casefiles import (
    exporters,
    forms,
    pool,
    quotas,
    results,
    review,
    selection,
    tables,
    third,
)
from casestudies.casefiles.demo import DEMO_TABLE
from casestudies.casefiles.models import (
    CATEGORIES,
    CaseDraw,
    CaseFile,
    CaseResult,
    CaseReview,
    ReviewGroup,
    ReviewTable,
)
from casestudies.casefiles.views import managed_case, refused_audited
from casestudies.web import bp, get_or_404
from lianbing.host import (
    ADMINS,
    BACKBONE_SPECIALTIES,
    BUREAU_ADMIN,
    CITY_ADMIN,
    DOCX,
    XLSX,
    Refused,
    User,
    all_bureaus,
    any_user,
    db,
    download,
    flash_errors,
    refused_redirect,
    require_role,
    sees_all_bureaus,
)

JSON_TYPE = "application/json"
#: files per page of the results list
PAGE = 100


@bp.route("/casefiles/tables", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def review_tables():
    form = forms.TableImportForm()
    if form.validate_on_submit():
        try:
            table = tables.import_table(form.file.data.read(), actor_id=current_user.id)
        except Refused as err:
            return refused_redirect(err, url_for("casestudies.review_tables"))
        flash(f"已导入评查表：{table.title}", "success")
    return render_template("casestudies/casefiles/tables.html", tables=tables.tables(), form=form)


@bp.route("/casefiles/tables/demo", methods=["POST"])
@require_role(CITY_ADMIN)
def review_table_demo():
    tables.create_table(DEMO_TABLE, actor_id=current_user.id)
    flash("已创建演示评查表。", "success")
    return redirect(url_for("casestudies.review_tables"))


@bp.route("/casefiles/tables/<int:table_id>")
@require_role(CITY_ADMIN)
def review_table(table_id: int):
    table = get_or_404(ReviewTable, table_id)
    return render_template("casestudies/casefiles/table.html", table=table)


@bp.route("/casefiles/tables/<int:table_id>/export")
@require_role(CITY_ADMIN)
def review_table_export(table_id: int):
    data = json.dumps(
        tables.export_data(get_or_404(ReviewTable, table_id)), ensure_ascii=False, indent=2
    )
    return download(data.encode(), f"评查表_{table_id}.json", JSON_TYPE)


@bp.route("/casefiles/tables/<int:table_id>/version", methods=["POST"])
@require_role(CITY_ADMIN)
def review_table_version(table_id: int):
    table = tables.new_version(get_or_404(ReviewTable, table_id), actor_id=current_user.id)
    flash(f"已另存为第 {table.version} 版。", "success")
    return redirect(url_for("casestudies.review_table", table_id=table.id))


@bp.route("/casefiles/pool")
@require_role(CITY_ADMIN)
def backbone_pool():
    people = db.session.scalars(
        db.select(User)
        .where(User.is_active_.is_(True), User.role == "officer")
        .order_by(User.bureau_id, User.username)
    ).all()
    return render_template(
        "casestudies/casefiles/pool.html", people=people, SPECIALTIES=BACKBONE_SPECIALTIES
    )


@bp.route("/casefiles/pool/<int:user_id>", methods=["POST"])
@require_role(CITY_ADMIN)
def backbone_mark(user_id: int):
    person = get_or_404(User, user_id)
    try:
        pool.mark(person, request.form.getlist("specialty"), actor_id=current_user.id)
    except Refused as err:
        return refused_redirect(err, url_for("casestudies.backbone_pool"))
    labels = "、".join(BACKBONE_SPECIALTIES[k] for k in person.backbone_specialties)
    flash(f"{person.display_name}：{labels or '已移出骨干库'}", "success")
    return redirect(url_for("casestudies.backbone_pool"))


@bp.route("/casefiles/pool.xlsx")
@require_role(CITY_ADMIN)
def backbone_export():
    return download(pool.export_pool(), "执法骨干库.xlsx", XLSX)


@bp.route("/casefiles/<int:case_id>/propose", methods=["POST"])
@require_role(BUREAU_ADMIN)
def casefile_propose(case_id: int):
    case = managed_case(case_id)
    back = url_for("casestudies.casefile", case_id=case.id)
    try:
        if request.form.get("undo") == "1":
            selection.unselect_file(case, "proposed", actor_id=current_user.id)
        else:
            selection.select_file(case, "proposed", actor_id=current_user.id)
    except Refused as err:
        return refused_audited(err, back, "casestudies.casefile.proposed", "cs_case_file", case.id)
    return redirect(back)


@bp.route("/casefiles/quotas", methods=["POST"])
@require_role(CITY_ADMIN)
def casefile_quotas():
    back = url_for("casestudies.casefile_selection")
    try:
        quotas.set_quotas(forms.quotas_from_form(request.form), actor_id=current_user.id)
    except Refused as err:
        return refused_audited(err, back, "casestudies.casefile.quota", "cs_proposal_quotas", None)
    flash("自选限额已保存。", "success")
    return redirect(back)


def _draw_form() -> forms.DrawForm:
    form = forms.DrawForm()
    form.bureau_id.choices = [(b.id, b.short_name) for b in all_bureaus() if b.level == "county"]
    return form


@bp.route("/casefiles/selection", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def casefile_selection():
    form = _draw_form()
    if form.validate_on_submit():
        try:
            row = selection.draw(
                form.bureau_id.data,
                form.size.data,
                actor_id=current_user.id,
                seed=form.seed.data or None,
            )
        except Refused as err:
            back = url_for("casestudies.casefile_selection")
            return refused_audited(
                err, back, "casestudies.casefile.draw", "bureau", form.bureau_id.data
            )
        flash(f"已抽取 {len(row.drawn)} 份（种子 {row.seed}）。", "success")
        return redirect(url_for("casestudies.casefile_selection"))
    flash_errors(form)
    return render_template(
        "casestudies/casefiles/selection.html", form=form, **_selection_context()
    )


def _selection_context() -> dict:
    proposed, drawn = selection.selected("proposed"), selection.selected("drawn")
    return {
        "proposed": proposed,
        "drawn": drawn,
        "draws": db.session.scalars(db.select(CaseDraw).order_by(CaseDraw.id.desc())).all(),
        "waiting": review.unassigned([c.id for c in proposed + drawn]),
        "groups": review.groups(),
        "CATEGORIES": CATEGORIES,
        "quotas": quotas.quotas(),
        "disputed": [
            (r, review.reviews_of(r.case_file_id), third.candidates(r.case_file))
            for r in third.disputed()
        ],
    }


def _group_form() -> forms.GroupForm:
    form = forms.GroupForm()
    people = pool.pool(review.REVIEW_SPECIALTY)
    choices = [(u.id, f"{u.display_name}（{u.bureau.short_name}）") for u in people]
    form.leader_id.choices, form.member_ids.choices = choices, choices
    form.table_id.choices = [(t.id, f"{t.title} 第 {t.version} 版") for t in tables.tables()]
    return form


@bp.route("/casefiles/groups", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def review_groups():
    form = _group_form()
    if form.validate_on_submit():
        data = review.GroupData(
            form.name.data,
            form.leader_id.data,
            form.member_ids.data,
            form.table_id.data,
            form.tolerance.data,
        )
        try:
            review.create_group(data, actor_id=current_user.id)
        except Refused as err:
            return refused_redirect(err, url_for("casestudies.review_groups"))
        return redirect(url_for("casestudies.review_groups"))
    flash_errors(form)
    return render_template("casestudies/casefiles/groups.html", form=form, groups=review.groups())


@bp.route("/casefiles/groups/<int:group_id>/assign", methods=["POST"])
@require_role(CITY_ADMIN)
def review_assign(group_id: int):
    group = get_or_404(ReviewGroup, group_id)
    cases = review.unassigned([int(i) for i in request.form.getlist("case_id") if i.isdigit()])
    try:
        plan = review.assign_files(group, cases, actor_id=current_user.id, seed=group.id)
    except Refused as err:
        back = url_for("casestudies.casefile_selection")
        return refused_audited(
            err, back, "casestudies.casefile.assign", "cs_review_group", group.id
        )
    flash(f"已为 {len(plan)} 份案卷分配评查人员。", "success")
    return redirect(url_for("casestudies.casefile_selection"))


@bp.route("/casefiles/reviews")
@any_user
def casefile_reviews():
    return render_template(
        "casestudies/casefiles/reviews.html",
        reviews=review.my_reviews(current_user.id),
        reconcile=review.to_reconcile(current_user.id),
    )


def _my_review(review_id: int) -> CaseReview:
    row = get_or_404(CaseReview, review_id)
    if row.reviewer_id != current_user.id:
        abort(403)
    return row


@bp.route("/casefiles/reviews/<int:review_id>", methods=["GET", "POST"])
@any_user
def casefile_review(review_id: int):
    row = _my_review(review_id)
    items = tables.item_index(row.group.table)
    if request.method == "POST":
        sheet = review.Sheet(forms.sheet_from_form(request.form, items))
        try:
            review.submit_review(row, sheet, actor_id=current_user.id)
        except Refused as err:
            back = url_for("casestudies.casefile_review", review_id=row.id)
            return refused_audited(
                err, back, "casestudies.casefile.review", "cs_case_file", row.case_file_id
            )
        flash(f"评查表已提交：{row.total:g} 分。", "success")
        return redirect(url_for("casestudies.casefile_reviews"))
    return render_template(
        "casestudies/casefiles/review.html",
        row=row,
        case=row.case_file,
        items=items,
        sheet=row.scores or {},
    )


def _led_result(case_id: int) -> CaseResult:
    result = get_or_404(CaseResult, case_id)
    if result.group.leader_id != current_user.id:
        abort(403)
    return result


@bp.route("/casefiles/<int:case_id>/reconcile", methods=["GET", "POST"])
@any_user
def casefile_reconcile(case_id: int):
    result = _led_result(case_id)
    items = tables.item_index(result.group.table)
    if request.method == "POST":
        sheet = review.Sheet(forms.sheet_from_form(request.form, items))
        try:
            review.reconcile(result, sheet, actor_id=current_user.id)
        except Refused as err:
            back = url_for("casestudies.casefile_reconcile", case_id=case_id)
            return refused_audited(
                err, back, "casestudies.casefile.result", "cs_case_file", case_id
            )
        flash(f"已裁定：{result.total:g} 分。", "success")
        return redirect(url_for("casestudies.casefile_reviews"))
    reviews = review.reviews_of(case_id)
    return render_template(
        "casestudies/casefiles/reconcile.html",
        result=result,
        case=result.case_file,
        items=items,
        reviews=reviews,
        candidates=third.candidates(result.case_file) if result.status == "reconcile" else [],
    )


@bp.route("/casefiles/<int:case_id>/third-reviewer", methods=["POST"])
@any_user
def casefile_third_reviewer(case_id: int):
    result = get_or_404(CaseResult, case_id)
    if not third.may_add(result, current_user):
        abort(403)
    city = current_user.role == CITY_ADMIN
    back = (
        url_for("casestudies.casefile_selection")
        if city
        else url_for("casestudies.casefile_reconcile", case_id=case_id)
    )
    reviewer = db.session.get(User, request.form.get("reviewer_id", 0, type=int))
    try:
        if reviewer is None:
            raise Refused("请选择要增派的评查人。")
        third.add_reviewer(result.case_file, reviewer, actor=current_user)
    except Refused as err:
        return refused_audited(
            err, back, "casestudies.casefile.add_reviewer", "cs_case_file", case_id
        )
    flash(f"已增派 {reviewer.display_name} 评查案卷 {result.case_file.case_no}。", "success")
    return redirect(
        url_for("casestudies.casefile_selection" if city else "casestudies.casefile_reviews")
    )


@bp.route("/casefiles/results")
@require_role(*ADMINS)
def casefile_results():
    bureau = None if sees_all_bureaus(current_user) else current_user.bureau_id
    rep = results.report(bureau, files=False)
    page = max(1, request.args.get("page", 1, type=int))
    rows = results.final_results(bureau, (page - 1) * PAGE, PAGE)
    kinds = selection.kinds_of([r.case_file_id for r in rows])
    pages = max(1, -(-rep.city.count // PAGE))
    return render_template(
        "casestudies/casefiles/results.html",
        rep=rep,
        rows=rows,
        kinds=kinds,
        page=page,
        pages=pages,
        CATEGORIES=CATEGORIES,
    )


@bp.route("/casefiles/<int:case_id>/province", methods=["POST"])
@require_role(CITY_ADMIN)
def casefile_province(case_id: int):
    case = get_or_404(CaseFile, case_id)
    try:
        if request.form.get("undo") == "1":
            selection.unselect_file(case, "province", actor_id=current_user.id)
        else:
            selection.select_file(case, "province", actor_id=current_user.id)
    except Refused as err:
        back = url_for("casestudies.casefile_results")
        return refused_audited(err, back, "casestudies.casefile.province", "cs_case_file", case.id)
    return redirect(url_for("casestudies.casefile_results"))


@bp.route("/casefiles/<int:case_id>/sheet.docx")
@require_role(*ADMINS)
def casefile_sheet(case_id: int):
    case = managed_case(case_id)
    result = get_or_404(CaseResult, case.id)
    if result.status != "final":
        abort(404)
    return download(
        exporters.review_sheet_docx(case, result),
        f"评查单_{exporters.safe_name(case.case_no)}.docx",
        DOCX,
    )


@bp.route("/casefiles/summary.xlsx")
@require_role(CITY_ADMIN)
def casefile_summary():
    return download(exporters.summary_xlsx(results.report()), "案卷评查汇总.xlsx", XLSX)


@bp.route("/casefiles/package.zip")
@require_role(CITY_ADMIN)
def casefile_package():
    chosen = [(c, db.session.get(CaseResult, c.id)) for c in selection.selected("province")]
    if not chosen:
        return refused_redirect(
            Refused("还没有选定报送省厅的案卷。"), url_for("casestudies.casefile_results")
        )
    spool = exporters.package_zip(chosen, exporters.summary_xlsx(results.report()))
    return send_file(
        spool, mimetype="application/zip", as_attachment=True, download_name="案卷评查_报送省厅.zip"
    )
