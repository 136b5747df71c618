"""The PDF: A4 landscape, the words and serial on the page, a zip of N of them."""

from __future__ import annotations

import io
import zipfile

import pytest

from lianbing.certificates import pdf, services

pypdf = pytest.importorskip("pypdf")

A4_LANDSCAPE = (841.89, 595.28)


def page_of(data: bytes):
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0]


def test_a_certificate_is_one_a4_landscape_page_with_its_words(app, campaign, commended, named):
    officer = named("officer_441402_1")
    pick = services.Pick(f"award:{commended['award'].id}", f"u:{officer.id}")
    cert, _ = services.issue(campaign, named("city_admin"), pick)
    page = page_of(pdf.render(cert))
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width, 1), round(height, 1)) == (
        round(A4_LANDSCAPE[0], 1),
        round(A4_LANDSCAPE[1], 1),
    )
    text = page.extract_text()
    for words in ("荣誉证书", officer.display_name, cert.serial, cert.issuer_name, campaign.name):
        assert words in text.replace("\n", ""), words
    assert f"/v/{cert.code}" in text


def test_the_zip_holds_one_pdf_per_certificate(app, campaign, commended, named):
    city = named("city_admin")
    certs = [
        services.issue(campaign, city, services.Pick(f"recommendation:{r.id}", key))[0]
        for r, key in zip(
            commended["recs"],
            [f"u:{n.user_id}" for n in commended["nominations"]]
            + [f"b:{commended['recs'][-1].bureau_id}"],
        )
    ]
    archive = zipfile.ZipFile(io.BytesIO(pdf.zip_of(certs)))
    names = archive.namelist()
    assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
    serials = set()
    for name in names:
        text = page_of(archive.read(name)).extract_text()
        serials |= {c.serial for c in certs if c.serial in text}
    assert serials == {c.serial for c in certs}


def test_file_names_are_safe(app, campaign, commended, named):
    officer = named("officer_441402_1")
    cert, _ = services.issue(
        campaign,
        named("city_admin"),
        services.Pick(f"award:{commended['award'].id}", f"u:{officer.id}"),
    )
    cert.holder_name = "张/三 ..\\x"
    assert "/" not in pdf.file_name(cert) and "\\" not in pdf.file_name(cert)
