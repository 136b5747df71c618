"""Large documents on disk, content-addressed by SHA-256, streamed back with HTTP Range.

Small attachments stay in the ``stored_files`` table; documents of up to tens of megabytes
(case-file scans, Word files) go here instead. The root is ``FILE_STORAGE_DIR`` (by default
``instance/files``); point it at a volume shared by every app machine and each one sees the
same files. A document lives at ``<root>/<aa>/<bb>/<sha256>``: identical uploads share one
file, a file is never rewritten, and nothing is ever read whole into memory — uploads are
copied in chunks while hashing, downloads are sent from the path by the WSGI server.

A row that names a digest is written in the request's transaction; the file is moved into
place before the commit. If the transaction rolls back the file stays as an unreferenced
blob, which is harmless (the next identical upload reuses it).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import BinaryIO

from flask import current_app, send_file

from lianbing.errors import NotFound, TooLarge
from lianbing.files.services import UploadError, check_upload
from lianbing.web import header_safe_name

CHUNK = 256 * 1024
HEAD = 16
DIGEST = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_DOCUMENT_MB = 50
#: types a browser may show in the page instead of downloading
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


@dataclass(frozen=True)
class Blob:
    """What is known of a stored document: its digest, size, name and type."""

    sha256: str
    size: int
    filename: str
    content_type: str


def storage_root() -> Path:
    """The configured root directory, created on first use."""
    root = Path(current_app.config.get("FILE_STORAGE_DIR") or "")
    if not str(root) or str(root) == ".":
        root = Path(current_app.instance_path) / "files"
    root.mkdir(parents=True, exist_ok=True)
    return root


def document_limit() -> int:
    """The largest document accepted, in bytes (``MAX_DOCUMENT_MB``, 50 by default)."""
    return int(current_app.config.get("MAX_DOCUMENT_MB", DEFAULT_DOCUMENT_MB)) * 1024 * 1024


def blob_path(sha256: str) -> Path:
    """Where the document with this digest lives (it may not exist)."""
    if not DIGEST.match(sha256 or ""):
        raise NotFound("文件不存在。")
    return storage_root() / sha256[:2] / sha256[2:4] / sha256


def save_stream(
    stream: BinaryIO, filename: str, *, allowed: set[str], max_bytes: int | None = None
) -> Blob:
    """Copy an upload to the store in chunks while hashing; refuse a wrong type or size.

    Checks the name and magic number on the first bytes (``check_upload``), then the size as
    the chunks arrive, so an oversized upload is refused without being kept.
    """
    limit = max_bytes or document_limit()
    name = PurePath(filename or "").name
    head = stream.read(HEAD)
    check_upload(name, head, allowed, limit)
    root = storage_root()
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"文件 {name} 超过大小限制 {limit // (1024 * 1024)} MB。")
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
        sha = digest.hexdigest()
        _move_into_place(Path(tmp), sha)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Blob(sha256=sha, size=size, filename=name, content_type=content_type)


def _move_into_place(tmp: Path, sha: str) -> None:
    target = blob_path(sha)
    if target.exists():
        return  # the same content is already stored; the temporary copy is dropped
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def save_bytes(data: bytes, filename: str, *, allowed: set[str]) -> Blob:
    """Store small generated content (demo files, tests) the same way as an upload."""
    import io

    return save_stream(io.BytesIO(data), filename, allowed=allowed, max_bytes=len(data) + 1)


def open_blob(sha256: str) -> BinaryIO:
    """The stored document opened for reading in chunks (the caller closes it)."""
    path = blob_path(sha256)
    if not path.exists():
        raise NotFound("文件不存在（存储目录中找不到该文件）。")
    return path.open("rb")


def send_blob(blob: Blob, *, inline: bool = False):
    """Send a stored document from its path: conditional, with Range, ETag = its digest."""
    path = blob_path(blob.sha256)
    if not path.exists():
        raise NotFound("文件不存在（存储目录中找不到该文件）。")
    show = inline and blob.content_type in INLINE_TYPES
    response = send_file(
        path,
        mimetype=blob.content_type,
        as_attachment=not show,
        download_name=header_safe_name(blob.filename),
        conditional=True,
        etag=blob.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = [
    "Blob",
    "UploadError",
    "blob_path",
    "document_limit",
    "open_blob",
    "save_bytes",
    "save_stream",
    "send_blob",
    "storage_root",
]
