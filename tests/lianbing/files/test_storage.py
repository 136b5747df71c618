"""The document store: content-addressed on disk, chunked uploads, Range downloads."""

from __future__ import annotations

import hashlib
import io

import pytest

from lianbing.errors import Invalid, NotFound, TooLarge
from lianbing.files import storage

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF"


@pytest.fixture
def store_dir(app, tmp_path):
    old = app.config.get("FILE_STORAGE_DIR")
    app.config["FILE_STORAGE_DIR"] = str(tmp_path / "files")
    with app.test_request_context():
        yield tmp_path / "files"
    app.config["FILE_STORAGE_DIR"] = old


def test_upload_is_kept_under_its_digest_and_shared_by_identical_content(store_dir):
    first = storage.save_stream(io.BytesIO(PDF), "扫描件.pdf", allowed={".pdf"})
    again = storage.save_stream(io.BytesIO(PDF), "copy.pdf", allowed={".pdf"})
    digest = hashlib.sha256(PDF).hexdigest()
    assert first.sha256 == again.sha256 == digest
    assert first.size == len(PDF) and first.content_type == "application/pdf"
    path = store_dir / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == PDF
    # one copy, no temporary files left behind
    assert [p.name for p in store_dir.rglob("*") if p.is_file()] == [digest]


def test_oversize_upload_is_refused_and_leaves_nothing(store_dir):
    with pytest.raises(TooLarge, match="超过大小限制"):
        storage.save_stream(io.BytesIO(PDF), "big.pdf", allowed={".pdf"}, max_bytes=1024)
    assert not [p for p in store_dir.rglob("*") if p.is_file()]


def test_wrong_type_and_disguised_files_are_refused(store_dir):
    with pytest.raises(Invalid, match="不支持的文件类型"):
        storage.save_stream(io.BytesIO(b"MZ\x90\x00"), "tool.exe", allowed={".pdf"})
    with pytest.raises(Invalid, match="不符"):
        storage.save_stream(io.BytesIO(b"<script>x</script>"), "fake.pdf", allowed={".pdf"})
    with pytest.raises(Invalid, match="不能为空"):
        storage.save_stream(io.BytesIO(b""), "empty.pdf", allowed={".pdf"})


def test_limit_comes_from_the_configuration(app, store_dir):
    app.config["MAX_DOCUMENT_MB"] = 1
    try:
        assert storage.document_limit() == 1024 * 1024
        big = b"%PDF" + b"0" * (1024 * 1024)
        with pytest.raises(TooLarge, match="1 MB"):
            storage.save_stream(io.BytesIO(big), "big.pdf", allowed={".pdf"})
    finally:
        app.config["MAX_DOCUMENT_MB"] = 50


def _body(response) -> bytes:
    response.direct_passthrough = False
    data = response.get_data()
    response.close()
    return data


def test_download_answers_a_range_with_206_and_only_those_bytes(app, store_dir):
    blob = storage.save_stream(io.BytesIO(PDF), "案卷.pdf", allowed={".pdf"})
    with app.test_request_context(headers={"Range": "bytes=100-199"}):
        response = storage.send_blob(blob, inline=True)
        assert response.status_code == 206
        assert response.headers["Content-Range"] == f"bytes 100-199/{len(PDF)}"
        assert _body(response) == PDF[100:200]
    with app.test_request_context():
        response = storage.send_blob(blob)
        assert response.status_code == 200
        assert response.headers["Accept-Ranges"] == "bytes"
        assert "attachment" in response.headers["Content-Disposition"]
        assert _body(response) == PDF


def test_a_digest_that_is_not_one_or_a_missing_file_is_not_found(store_dir):
    with pytest.raises(NotFound):
        storage.blob_path("../../etc/passwd")
    missing = storage.Blob("a" * 64, 1, "x.pdf", "application/pdf")
    with pytest.raises(NotFound):
        storage.send_blob(missing)


def test_an_uploaded_name_with_a_line_break_still_downloads(app, store_dir):
    """A hostile client may name its upload with control characters: the document is kept
    and sent back, the header's name with spaces for them."""
    blob = storage.save_stream(io.BytesIO(PDF), "案卷\r\n第1册.pdf", allowed={".pdf"})
    for inline in (False, True):
        with app.test_request_context():
            response = storage.send_blob(blob, inline=inline)
            assert response.status_code == 200
            disposition = response.headers["Content-Disposition"]
            assert "\r" not in disposition and "\n" not in disposition
            assert _body(response) == PDF
