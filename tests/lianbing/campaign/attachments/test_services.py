"""Files attached to campaign paperwork: type and size checks, owners."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from lianbing.campaign.attachments import services as attachments
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.services import UploadError


def _upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def test_wrong_type_and_size_are_refused_with_nothing_stored(app):
    with pytest.raises(UploadError, match="不支持的文件类型"):
        attachments.attach(
            "bulletin",
            1,
            [_upload("run.exe", b"MZ...")],
            allowed=attachments.DOCUMENT_TYPES,
            max_bytes=1000,
            user_id=None,
        )
    with pytest.raises(attachments.FileTooLarge, match="超过大小限制"):
        attachments.attach(
            "bulletin",
            1,
            [_upload("big.pdf", b"%PDF" + b"0" * 2000)],
            allowed=attachments.DOCUMENT_TYPES,
            max_bytes=1000,
            user_id=None,
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    stored = attachments.attach(
        "bulletin",
        1,
        [_upload("ok.pdf", b"%PDF-1.4 x")],
        allowed=attachments.DOCUMENT_TYPES,
        max_bytes=1000,
        user_id=None,
    )
    assert [f.filename for f in attachments.files_of("bulletin", 1)] == ["ok.pdf"]
    assert (
        attachments.owner_of("bulletin", stored[0].id) == 1
        and attachments.owner_of("article", stored[0].id) is None
    )
