"""Storing and checking uploaded files."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePath

from werkzeug.datastructures import FileStorage

from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.files.models import StoredFile

DOCUMENTS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt"}
IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
# magic numbers of the types we accept, so a renamed script is not served as a PDF
MAGIC = {
    ".pdf": [b"%PDF"],
    ".png": [b"\x89PNG"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".gif": [b"GIF87a", b"GIF89a"],
    ".webp": [b"RIFF"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
}


class UploadError(Invalid):
    """A file that is refused (400); the message is for people."""


def suffix_of(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def check_upload(filename: str, data: bytes, allowed: set[str], max_bytes: int) -> None:
    """Refuse empty, oversized, wrongly typed or disguised files."""
    suffix = suffix_of(filename)
    if not filename or not data:
        raise UploadError("请选择要上传的文件（文件不能为空）。")
    if suffix not in allowed:
        raise UploadError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}；允许：{'、'.join(sorted(allowed))}。"
        )
    if len(data) > max_bytes:
        raise UploadError(f"文件 {filename} 超过大小限制 {max_bytes // (1024 * 1024)} MB。")
    magics = MAGIC.get(suffix)
    if magics and not any(data.startswith(m) for m in magics):
        raise UploadError(f"文件 {filename} 的内容与扩展名 {suffix} 不符。")


def store(
    upload: FileStorage, *, owner_kind: str, allowed: set[str], max_bytes: int, user_id: int | None
) -> StoredFile:
    """Check and keep one uploaded file."""
    data = upload.read()
    filename = PurePath(upload.filename or "").name
    check_upload(filename, data, allowed, max_bytes)
    return store_bytes(filename, data, owner_kind=owner_kind, user_id=user_id)


def store_bytes(filename: str, data: bytes, *, owner_kind: str, user_id: int | None) -> StoredFile:
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    row = StoredFile(
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        owner_kind=owner_kind,
        uploaded_by=user_id,
        data=data,
    )
    db.session.add(row)
    db.session.flush()
    return row
