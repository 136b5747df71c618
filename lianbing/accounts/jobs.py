"""The roster import as a background job: the file was checked in the request; the job creates
every account in one transaction (all or none)."""

from __future__ import annotations

from lianbing.accounts import importers
from lianbing.auth import ADMINS
from lianbing.errors import NotFound
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.jobs.kinds import Context, JobKind

ROSTER_IMPORT = "accounts.roster_import"
#: the uploaded file a job reads (kept for a retry)
INPUT = "jobs.input"


def import_roster(ctx: Context) -> str:
    stored = db.session.get(StoredFile, ctx.params.get("file_id"))
    if stored is None or stored.owner_kind != INPUT:
        raise NotFound("导入文件已不存在，请重新上传。")
    ctx.progress(0, 1, "校验名单")
    created = importers.create_roster(
        stored.data, ctx.params["password_hash"], actor=ctx.owner, progress=ctx.progress
    )
    more = "等" if len(created) > 30 else ""
    return f"已导入 {len(created)} 名人员：{'、'.join(created[:30])}{more}。"


KINDS = [JobKind(ROSTER_IMPORT, "人员名单导入", ADMINS, import_roster, back="accounts.roster")]
