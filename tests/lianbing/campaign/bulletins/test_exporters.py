"""Bulletins as Word documents."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from lianbing.campaign.bulletins import exporters
from lianbing.campaign.bulletins import services as bulletins


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


JULY = date(2017, 7, 1)


def test_word_export_holds_title_and_body(demo_people, campaign, bureau):
    b = bulletins.save_draft(
        campaign,
        bureau("441402").id,
        JULY,
        bulletins.BulletinData("梅江七月简报", "## 工作情况\n\n- 检查 **12** 家\n\n正文段落"),
        author_id=None,
    )
    doc = Document(io.BytesIO(exporters.bulletins_docx([(b, ["照片.jpg"])])))
    text = [p.text for p in doc.paragraphs]
    assert (
        "梅江七月简报" in text
        and "工作情况" in text
        and "检查 12 家" in text
        and "附件：照片.jpg" in text
    )
