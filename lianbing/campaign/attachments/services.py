"""Attaching uploads to campaign paperwork and finding them again."""

from __future__ import annotations

from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage

from lianbing.campaign.attachments.models import Attachment
from lianbing.errors import TooLarge
from lianbing.extensions import db
from lianbing.files import services as files
from lianbing.files.models import StoredFile

MB = 1024 * 1024
DOCUMENT_TYPES = files.DOCUMENTS | files.IMAGES
IMAGE_TYPES = files.IMAGES


class FileTooLarge(files.UploadError, TooLarge):
    """An upload over the size limit (413)."""

    status = 413


def attach(
    owner_type: str,
    owner_id: int,
    uploads: list[FileStorage],
    *,
    allowed: set[str],
    max_bytes: int,
    user_id: int | None,
) -> list[StoredFile]:
    """Check and store every non-empty upload; raises files.UploadError on the first bad one."""
    stored = []
    for upload in uploads:
        if upload is None or not upload.filename:
            continue
        _check_size(upload, max_bytes)
        row = files.store(
            upload,
            owner_kind=f"campaign.{owner_type}",
            allowed=allowed,
            max_bytes=max_bytes,
            user_id=user_id,
        )
        db.session.add(Attachment(owner_type=owner_type, owner_id=owner_id, file_id=row.id))
        stored.append(row)
    db.session.flush()
    return stored


def _check_size(upload: FileStorage, max_bytes: int) -> None:
    """Refuse an oversized upload before anything is read into a row."""
    size = len(upload.read())
    upload.stream.seek(0)
    if size > max_bytes:
        raise FileTooLarge(f"文件 {upload.filename} 超过大小限制 {max_bytes // MB} MB。")


def files_of(owner_type: str, owner_id: int) -> list[StoredFile]:
    """The files of one owner, in upload order."""
    return list(
        db.session.scalars(
            select(StoredFile)
            .join(Attachment, Attachment.file_id == StoredFile.id)
            .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
            .order_by(Attachment.id)
        )
    )


def owner_of(owner_type: str, file_id: int) -> int | None:
    """The id of the owner row a file is attached to, if it is attached to that owner type."""
    return db.session.scalar(
        select(Attachment.owner_id).where(
            Attachment.owner_type == owner_type, Attachment.file_id == file_id
        )
    )


def detach(owner_type: str, owner_id: int, file_id: int) -> None:
    """Remove one attachment link (the stored bytes stay for the audit trail)."""
    db.session.execute(
        delete(Attachment).where(
            Attachment.owner_type == owner_type,
            Attachment.owner_id == owner_id,
            Attachment.file_id == file_id,
        )
    )
    db.session.flush()
