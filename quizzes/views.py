"""Routes of the quizzes part: the question bank pages (trainers and city admins).

The host commits at the end of the request; a refused save or import re-renders its page
(status 400 or the refusal's own), and the host rolls the request back.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from lianbing.host import (
    AUTHORS,
    XLSX,
    Invalid,
    Refused,
    UploadError,
    any_user,
    check_upload,
    db,
    download,
    flash_errors,
    form_status,
    is_safe_next,
    require_role,
    rerender,
    start_job,
    store_file_bytes,
)
from quizzes import exporters, importers, jobs, qtypes, services
from quizzes.authoring import owner_for, require_bank_read, require_bank_write
from quizzes.forms import BankForm, BulkForm, ImportForm, QuestionForm, SearchForm
from quizzes.models import VISIBILITIES, Bank, Question

bp = Blueprint("quizzes", __name__, template_folder="templates")
#: who may author and see question banks (answer keys): the city's authors every bank, a
#: county's authors the city's banks (read-only) and their own (quizzes.authoring)


@bp.route("/")
@any_user
def index():
    return render_template("quizzes/index.html", is_author=current_user.role in AUTHORS)


@bp.route("/banks", methods=["GET", "POST"])
@require_role(*AUTHORS)
def banks():
    form, rows = BankForm(), services.list_banks(owner_for(current_user))
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("quizzes/banks.html", form=form, banks=rows)
    try:
        bank = services.create_bank(
            form.name.data, form.description.data, current_user.id, owner_for(current_user)
        )
    except services.BankError as err:
        return rerender(err, "quizzes/banks.html", form=form, banks=rows)
    flash(f"已新建题库“{bank.name}”。可以逐题添加，或从文件导入题目。", "success")
    return redirect(url_for("quizzes.bank", bank_id=bank.id))


def search_query(form: SearchForm) -> services.SearchQuery:
    active = {"1": True, "0": False}.get(form.active.data or "")
    return services.SearchQuery(
        text=form.q.data or "",
        tag=form.tag.data or "",
        legal_basis=form.basis.data or "",
        qtype=form.qtype.data or "",
        difficulty=int(form.difficulty.data or 0) or None,
        category_id=int(form.category.data or 0) or None,
        active=active,
    )


@bp.route("/banks/<int:bank_id>")
@require_role(*AUTHORS)
def bank(bank_id: int):
    bank = db.get_or_404(Bank, bank_id)
    require_bank_read(current_user, bank)
    cats = services.categories(bank.id)
    form = SearchForm(request.args)
    form.category.choices += [(str(c.id), "　" * c.depth + c.name) for c in cats]
    if not form.validate():
        abort(400)
    page = services.search(bank.id, search_query(form), request.args.get("page", 1, type=int))
    return render_template(
        "quizzes/bank.html",
        bank=bank,
        cats=cats,
        form=form,
        page=page,
        bulk=BulkForm(),
        labels=qtypes.LABELS,
        exports=exporters.EXPORTERS,
        visibilities=VISIBILITIES,
    )


@bp.route("/banks/<int:bank_id>/visibility", methods=["POST"])
@require_role(*AUTHORS)
def visibility(bank_id: int):
    bank = _writable_bank(bank_id)
    services.set_visibility(bank, request.form.get("visibility", ""), current_user.id)
    flash(f"题库可见范围已设为“{VISIBILITIES[bank.visibility]}”。", "success")
    return redirect(url_for("quizzes.bank", bank_id=bank.id))


@bp.route("/banks/<int:bank_id>/bulk", methods=["POST"])
@require_role(*AUTHORS)
def bulk(bank_id: int):
    bank = _writable_bank(bank_id)
    form = BulkForm()
    ids = request.form.getlist("ids", type=int)
    if not form.validate_on_submit():
        raise Invalid("表单无效或已过期，请刷新页面后重试。")
    if not ids:
        raise Invalid("请先勾选要操作的题目。")
    count = run_bulk(bank, form.action.data, ids, form.target.data or "")
    flash(f"已对 {count} 道题执行“{dict(form.action.choices)[form.action.data]}”", "success")
    back = request.form.get("back")
    return redirect(back if is_safe_next(back) else url_for("quizzes.bank", bank_id=bank.id), 303)


def _writable_bank(bank_id: int) -> Bank:
    """The bank, if the current author may change it (403 for the city's, to a county)."""
    bank = db.get_or_404(Bank, bank_id)
    require_bank_write(current_user, bank)
    return bank


def run_bulk(bank: Bank, action: str, ids: list[int], target: str) -> int:
    if action == "move":
        return services.bulk_move(bank, ids, target, current_user.id)
    if action == "tag":
        return services.bulk_tag(bank, ids, target, current_user.id)
    return services.bulk_set_active(bank, ids, action == "activate", current_user.id)


@bp.route("/banks/<int:bank_id>/questions/new", methods=["GET", "POST"])
@require_role(*AUTHORS)
def new_question(bank_id: int):
    bank = _writable_bank(bank_id)
    form = QuestionForm(data={"qtype": request.args.get("type", "single"), "is_active": True})
    if form.validate_on_submit():
        data, reasons = importers.editor_question(form.data)
        question = save_question(
            lambda d: services.create_question(bank, d, current_user.id), data, reasons
        )
        if question is not None:
            return redirect(url_for("quizzes.edit_question", question_id=question.id), 303)
    flash_errors(form)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "quizzes/question_form.html", form=form, bank=bank, question=None
    ), status


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@require_role(*AUTHORS)
def edit_question(question_id: int):
    question = db.get_or_404(Question, question_id)
    require_bank_write(current_user, question.bank)
    form = QuestionForm(data=exporters.editor_fields(services.to_data(question)))
    if form.validate_on_submit():
        data, reasons = importers.editor_question(form.data)
        if data is not None:
            data.content = services.carry_feedback(question.content, data.content)
        if save_question(
            lambda d: services.update_question(question, d, current_user.id), data, reasons
        ):
            return redirect(url_for("quizzes.edit_question", question_id=question.id), 303)
    flash_errors(form)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "quizzes/question_form.html", form=form, bank=question.bank, question=question
    ), status


def save_question(save, data, reasons) -> Question | None:
    """Call the save service and flash the outcome; None when refused (the view answers 400)."""
    try:
        if reasons or data is None:
            raise services.BankError(reasons)
        question = save(data)
    except services.BankError as err:
        flash("无法保存：" + str(err), "danger")
        return None
    flash(f"已保存题目 {question.code}（第 {question.version} 版）", "success")
    return question


@bp.route("/preview", methods=["POST"])
@require_role(*AUTHORS)
def preview():
    data, reasons = importers.editor_question(request.form)
    if data is not None:
        data, more = data.cleaned()
        reasons += more
    view = (
        qtypes.get(data.qtype).public_view(data.content)
        if data is not None and not reasons
        else None
    )
    key = qtypes.get(data.qtype).key_text(data.content) if view is not None else ""
    stem = qtypes.stem_for_display(data.stem) if data is not None else ""
    return render_template(
        "quizzes/_preview.html",
        data=data,
        stem=stem,
        reasons=reasons,
        view=view,
        key=key,
        labels=qtypes.LABELS,
    )


@bp.route("/import", methods=["GET", "POST"])
@require_role(*AUTHORS)
def import_page():
    form = ImportForm(data={"bank": request.args.get("bank", "")})
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("quizzes/import.html", form=form, report=None), form_status(form)
    try:
        report = run_import(form)
    except (UploadError, Refused) as err:
        return rerender(err, "quizzes/import.html", form=form, report=None)
    if report is None:  # a large file: imported by a background job, followed on its page
        return redirect(url_for("jobs.detail", job_id=g.import_job_id), 303)
    return render_template(
        "quizzes/import.html",
        form=form,
        report=report,
        bank=services.bank_by_name(report.bank, owner_for(current_user)),
        labels=qtypes.LABELS,
        status_labels=services.STATUS_LABELS,
    ), 200 if report.ok else 400


def run_import(form: ImportForm) -> services.ImportReport | None:
    """Check the uploaded file, then import it: all or nothing unless the form says skip.

    A file of ``QUIZ_IMPORT_JOB_BYTES`` or more is imported by a background job instead
    (None is returned and the job's id left in ``g.import_job_id``)."""
    upload = form.file.data
    data = upload.read()
    check_upload(
        upload.filename or "",
        data,
        importers.UPLOAD_SUFFIXES,
        current_app.config["MAX_CONTENT_LENGTH"],
    )
    name, owner = form.bank.data.strip(), owner_for(current_user)
    # a county imports into its own bank of that name (created here, rolled back if the import
    # fails), never into the city's bank or another county's of the same name
    existing = services.bank_by_name(name, owner)
    if existing is not None:
        require_bank_write(current_user, existing)
    if len(data) >= current_app.config["QUIZ_IMPORT_JOB_BYTES"]:
        return _large_import(form, upload.filename or "题库", data, existing)
    return importers.import_file(
        name,
        upload.filename,
        data,
        form.fmt.data,
        skip_invalid=form.skip_invalid.data,
        user_id=current_user.id,
        visibility=form.visibility.data or (None if existing else "draft"),
        owner_bureau_id=owner,
    )


def _large_import(form: ImportForm, filename: str, data: bytes, existing):
    """A large file is read here, so an unreadable or hostile file is refused on this page and
    invalid items are listed (nothing written); only a file that would import goes to a job."""
    name = form.bank.data.strip()
    fmt, parsed = importers.read_file(name, filename, data, form.fmt.data, user_id=current_user.id)
    if form.skip_invalid.data or not any(i.reasons for i in parsed.items):
        g.import_job_id = _start_import_job(form, filename, data, existing).id
        return None
    report = services.import_items(
        name,
        parsed.items,
        skip_invalid=False,
        fmt=fmt,
        user_id=current_user.id,
        owner_bureau_id=owner_for(current_user),
    )
    report.notes += parsed.notes
    return report


def _start_import_job(form: ImportForm, filename: str, data: bytes, existing):
    stored = store_file_bytes(filename, data, owner_kind=jobs.INPUT, user_id=current_user.id)
    params = {
        "file_id": stored.id,
        "bank": form.bank.data.strip(),
        "fmt": form.fmt.data,
        "skip_invalid": bool(form.skip_invalid.data),
        "visibility": form.visibility.data or (None if existing else "draft"),
    }
    return start_job(jobs.BANK_IMPORT, params, current_user)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    flash(f"上传的文件太大：单个文件不能超过 {limit} MB。请拆分题库后分批导入。", "danger")
    return render_template("quizzes/import.html", form=ImportForm(formdata=None), report=None), 413


@bp.route("/banks/<int:bank_id>/export/<fmt>")
@require_role(*AUTHORS)
def export(bank_id: int, fmt: str):
    bank = db.get_or_404(Bank, bank_id)
    require_bank_read(current_user, bank)
    if fmt not in exporters.EXPORTERS:
        abort(404)
    result = exporters.export_bank(
        bank, fmt, request.args.get("category", type=int), actor_id=current_user.id
    )
    return download(result.data, f"{bank.name}{result.suffix}", result.mimetype)


@bp.route("/template.xlsx")
@require_role(*AUTHORS)
def template():
    return download(exporters.template(), "题库导入模板.xlsx", XLSX)


def dashboard(user) -> list[dict]:
    """Home-page card for authors: the banks and how many questions they hold."""
    if user.role not in AUTHORS:
        return []
    rows = services.list_banks(owner_for(user))
    detail = (
        f"{len(rows)} 个题库，共 {sum(n for _, n in rows)} 道题"
        if rows
        else "还没有题库，可导入 Excel、Moodle XML 或 GIFT"
    )
    return [{"title": "题库", "url": url_for("quizzes.banks"), "detail": detail}]
