"""The certificate as an A4 landscape PDF, and many of them as a zip.

reportlab draws it with its built-in CID font STSong-Light (the Adobe-GB1 Song face every PDF
reader carries, so no font file is shipped or fetched) and its own QR widget.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Iterable
from xml.sax.saxutils import escape

from flask import current_app
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from lianbing.certificates.models import Certificate
from lianbing.dbtypes import to_local

FONT = "STSong-Light"
PAGE = landscape(A4)
RED = HexColor("#a61b1b")
BODY = ParagraphStyle(
    "body", fontName=FONT, fontSize=20, leading=34, wordWrap="CJK", firstLineIndent=40
)

#: room between the holder's line and the footer
BODY_HEIGHT = 190

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def verify_url(cert: Certificate) -> str:
    """The public page that verifies the certificate: ``PUBLIC_BASE_URL`` + /v/<code>, built
    without a request (a job may draw certificates), never from a request's Host header."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/v/{cert.code}"


def body_text(cert: Certificate) -> str:
    """What the certificate says, in one sentence."""
    campaign = cert.campaign.name
    if cert.kind == "completion":
        return f"参加{campaign}，{cert.title}，经考核合格，准予结业。特发此证。"
    return f"在{campaign}中表现突出，荣获“{cert.title}”。特发此证，以资鼓励。"


def render(cert: Certificate) -> bytes:
    """One certificate, one page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(f"{cert.kind_label} {cert.serial}")
    canvas.setAuthor(cert.issuer_name)
    _frame(canvas)
    _heading(canvas, cert)
    _body(canvas, cert)
    _footer(canvas, cert)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _frame(canvas: Canvas) -> None:
    width, height = PAGE
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(4)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setLineWidth(1)
    canvas.rect(34, 34, width - 68, height - 68)


def _heading(canvas: Canvas, cert: Certificate) -> None:
    width, height = PAGE
    canvas.setFillColor(RED)
    canvas.setFont(FONT, 44)
    canvas.drawCentredString(width / 2, height - 120, cert.kind_label)
    canvas.setFillColor(HexColor("#000000"))


def _body(canvas: Canvas, cert: Certificate) -> None:
    width, height = PAGE
    canvas.setFont(FONT, 24)
    canvas.drawString(100, height - 200, f"{cert.holder_name}：")
    paragraph, used = _fitted(escape(body_text(cert)), width - 200)
    paragraph.drawOn(canvas, 100, height - 230 - used)


def _fitted(text: str, width: float) -> tuple[Paragraph, float]:
    """The body in the largest size that stays above the footer (long award titles shrink)."""
    for size in (20, 18, 16, 14, 12):
        style = BODY.clone(
            f"body{size}", fontSize=size, leading=size * 1.7, firstLineIndent=2 * size
        )
        paragraph = Paragraph(text, style)
        _, used = paragraph.wrap(width, BODY_HEIGHT)
        if used <= BODY_HEIGHT:
            break
    return paragraph, used


def _footer(canvas: Canvas, cert: Certificate) -> None:
    width, _ = PAGE
    canvas.setFont(FONT, 20)
    canvas.drawRightString(width - 100, 150, cert.issuer_name)
    issued = to_local(cert.issued_at)
    canvas.drawRightString(width - 100, 118, f"{issued.year}年{issued.month}月{issued.day}日")
    url = verify_url(cert)
    _qr(canvas, url, 60, 52, 92)
    canvas.setFont(FONT, 11)
    canvas.drawString(162, 118, f"证书编号：{cert.serial}")
    canvas.drawString(162, 100, f"活动年度：{cert.campaign.year}")
    canvas.drawString(162, 82, "扫码或访问以下网址验证真伪：")
    canvas.drawString(162, 64, url)


def _qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def file_name(cert: Certificate) -> str:
    """A file name safe on every system: the kind, the holder and the serial."""
    holder = re.sub(r'[\\/:*?"<>|\s]+', "_", cert.holder_name)
    return f"{cert.kind_label}-{holder}-{cert.serial}.pdf"


def zip_of(certs: Iterable[Certificate]) -> bytes:
    """The certificates' PDFs in one zip (PDFs are compressed already: stored, not deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for cert in certs:
            archive.writestr(file_name(cert), render(cert))
    return buffer.getvalue()
