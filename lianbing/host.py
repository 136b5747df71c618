"""The host facade: everything a part may use, and the only host module a part imports.

Parts (``training``, ``quizzes``, ``casestudies``) import from here and nowhere else in
``lianbing``; ``tests/lianbing/test_walls.py`` enforces it. Keeping the list short keeps the
host free to reorganise itself behind it.
"""

from __future__ import annotations

from lianbing import signals
from lianbing.accounts.models import BACKBONE_SPECIALTIES, Bureau, User
from lianbing.accounts.services import all_bureaus, backbone_pool, set_backbone
from lianbing.accounts.throttle import check as check_throttle
from lianbing.accounts.throttle import client_address
from lianbing.accounts.throttle import hit as rate_limit
from lianbing.accounts.throttle import note as note_failure
from lianbing.activities import titles_by_id
from lianbing.audit.services import write as write_audit
from lianbing.auth import (
    ADMINS,
    AUTHORS,
    BUREAU_ADMIN,
    CITY_ADMIN,
    OFFICER,
    STAFF,
    TRAINER,
    any_user,
    authoring_bureau,
    can_manage_bureau,
    may_author,
    public,
    readable_bureaus,
    require_bureau,
    require_role,
    scope_to_bureau,
    sees_all_bureaus,
)
from lianbing.campaign.services import active_campaign
from lianbing.counters.services import bump as bump_version
from lianbing.counters.services import redis_client as versions_in_redis
from lianbing.counters.services import value as version
from lianbing.counters.services import value_column as version_column
from lianbing.counters.services import watch as watch_version
from lianbing.dbtypes import LOCAL_TZ, UTCDateTime, local_to_utc, to_local, utcnow
from lianbing.documents import add_heading as docx_heading
from lianbing.documents import add_table as docx_table
from lianbing.documents import add_title as docx_title
from lianbing.documents import new_document, score_text
from lianbing.documents import score as round_score
from lianbing.documents import to_bytes as docx_bytes
from lianbing.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Refused,
    Throttled,
    TooLarge,
    in_chinese,
)
from lianbing.extensions import cache, db
from lianbing.files.excel import xlsx_bytes
from lianbing.files.limits import check_table_extent, check_xlsx, load_json, read_excel
from lianbing.files.models import StoredFile
from lianbing.files.services import DOCUMENTS, IMAGES, UploadError, check_upload
from lianbing.files.services import store as store_file
from lianbing.files.services import store_bytes as store_file_bytes
from lianbing.files.storage import (
    Blob,
    document_limit,
    open_blob,
    save_bytes,
    save_stream,
    send_blob,
)
from lianbing.jobs.kinds import Context as JobContext
from lianbing.jobs.kinds import JobKind
from lianbing.jobs.kinds import Output as JobOutput
from lianbing.jobs.kinds import register_kind as register_job_kind
from lianbing.jobs.services import start as start_job
from lianbing.ledger.expected import declare_expected, withdraw_expected
from lianbing.ledger.services import NotCounted as ScoreNotCounted
from lianbing.ledger.services import outside_reason as score_outside_campaign
from lianbing.ledger.services import record as record_score
from lianbing.logconfig import event as log_event
from lianbing.markup import render_markdown, sanitize_html
from lianbing.parts import (
    ROLE_LABELS,
    ROLES,
    ActivityKind,
    ActivityLink,
    ActivityRef,
    CampaignDates,
    NavEntry,
    Notice,
    Part,
    Qualification,
    ReportFigure,
    ReportScope,
    link_for,
)
from lianbing.web import (
    DOCX,
    XLSX,
    discard_changes,
    download,
    flash_errors,
    form_status,
    is_safe_next,
    refused_redirect,
    rerender,
)

__all__ = [
    # database and time
    "db",
    "cache",
    # named versions keying caches (lianbing/counters): version(name) read before the data,
    # or version_column() in the same statement when versions_in_redis() is None;
    # watch_version(Model, names) bumps on every ORM change, bump_version(name) by hand
    "version",
    "version_column",
    "versions_in_redis",
    "bump_version",
    "watch_version",
    "UTCDateTime",
    "utcnow",
    "to_local",
    "local_to_utc",
    "LOCAL_TZ",
    # people and roles
    "User",
    "Bureau",
    "all_bureaus",
    "BACKBONE_SPECIALTIES",
    "set_backbone",
    "backbone_pool",
    "ROLES",
    "ROLE_LABELS",
    "OFFICER",
    "TRAINER",
    "BUREAU_ADMIN",
    "CITY_ADMIN",
    "ADMINS",
    "STAFF",
    "AUTHORS",
    "authoring_bureau",
    "may_author",
    "require_role",
    "any_user",
    "public",
    "can_manage_bureau",
    "require_bureau",
    "readable_bureaus",
    "scope_to_bureau",
    "sees_all_bureaus",
    # the campaign and the score ledger
    "active_campaign",
    "record_score",
    "ScoreNotCounted",
    "score_outside_campaign",
    "declare_expected",
    "withdraw_expected",
    # refusals
    "Refused",
    "Invalid",
    "Forbidden",
    "NotFound",
    "Conflict",
    "TooLarge",
    "in_chinese",
    "Throttled",
    # throttling guesses and floods: check_throttle(key, limit, window) then note_failure(key)
    # on a wrong guess; rate_limit(key, limit, window) counts every call
    "check_throttle",
    "note_failure",
    "rate_limit",
    "client_address",
    # audit, logging, files, text
    "write_audit",
    # background jobs (lianbing/jobs): register a kind in the part's register(app), then
    # start_job(kind, params, user) from a view; the job's page shows progress and the result
    "JobKind",
    "JobContext",
    "JobOutput",
    "register_job_kind",
    "start_job",
    "log_event",
    "StoredFile",
    "store_file",
    "store_file_bytes",
    "check_upload",
    "UploadError",
    "DOCUMENTS",
    "IMAGES",
    "Blob",
    "save_stream",
    "save_bytes",
    "open_blob",
    "send_blob",
    "document_limit",
    "xlsx_bytes",
    "check_xlsx",
    "check_table_extent",
    "read_excel",
    "load_json",
    "render_markdown",
    "sanitize_html",
    # Word documents (A4, GB/T 9704) and the one rounding of scores
    "new_document",
    "docx_title",
    "docx_heading",
    "docx_table",
    "docx_bytes",
    "round_score",
    "score_text",
    # web helpers
    "XLSX",
    "DOCX",
    "download",
    "flash_errors",
    "form_status",
    "is_safe_next",
    "rerender",
    "refused_redirect",
    "discard_changes",
    # the part contract and cross-part signals
    "Part",
    "ActivityKind",
    "ActivityLink",
    "ActivityRef",
    "titles_by_id",
    "NavEntry",
    "Notice",
    "CampaignDates",
    "Qualification",
    "ReportFigure",
    "ReportScope",
    "link_for",
    "signals",
]
