"""A large question-bank import as a background job (the host's jobs, through lianbing.host):
the file is kept by the host's file store, the job imports it in one transaction (all or
nothing unless the form said skip) and names every failed item when it refuses."""

from __future__ import annotations

from lianbing.host import AUTHORS, Invalid, JobContext, JobKind, NotFound, StoredFile, db
from quizzes import importers, services
from quizzes.authoring import owner_for, require_bank_write

BANK_IMPORT = "quizzes.import"
#: the uploaded file a job reads (kept for a retry)
INPUT = "jobs.input"
#: at most this many failed items are named in a job's reason
NAMED = 20


def import_bank(ctx: JobContext) -> str:
    params = ctx.params
    stored = db.session.get(StoredFile, params.get("file_id"))
    if stored is None or stored.owner_kind != INPUT:
        raise NotFound("导入文件已不存在，请重新上传。")
    ctx.progress(0, 2, f"读取并校验 {stored.filename}")
    owner_bureau_id = owner_for(ctx.owner)
    existing = services.bank_by_name(params["bank"], owner_bureau_id)
    if existing is not None:
        require_bank_write(ctx.owner, existing)
    report = importers.import_file(
        params["bank"],
        stored.filename,
        stored.data,
        params.get("fmt") or "auto",
        skip_invalid=bool(params.get("skip_invalid")),
        user_id=ctx.owner.id,
        visibility=params.get("visibility"),
        owner_bureau_id=owner_bureau_id,
    )
    if not report.ok:
        raise Invalid(refusal(report))
    ctx.progress(2, 2, "已写入题库")
    return summary(report)


def refusal(report: services.ImportReport) -> str:
    """Why nothing was imported: the file's problems and the first failed items by place."""
    failed = [f"{i.place}：{'；'.join(i.reasons)}" for i in report.failed][:NAMED]
    more = "等" if len(report.failed) > NAMED else ""
    head = "文件有误，未导入任何题目："
    if report.failed:
        head = f"有 {len(report.failed)} 道题未通过校验，未导入任何题目："
    return head + "；".join([*report.errors, *failed]) + more


def summary(report: services.ImportReport) -> str:
    text = f"已导入 {len(report.imported)} 道题到题库“{report.bank}”"
    if report.duplicates:
        text += f"，跳过重复 {len(report.duplicates)} 道"
    if report.failed:
        text += f"，跳过有误 {len(report.failed)} 道"
    return text + "。"


KIND = JobKind(BANK_IMPORT, "题库导入", tuple(AUTHORS), import_bank, back="quizzes.banks")
