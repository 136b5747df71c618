"""The platform's figures beside each evaluation item, as evidence for the self-score.

The figures are the report to the province's (``lianbing/campaign/report``), which sits a
layer above the campaign's operations; the app factory hands its ``figures_for`` over with
:func:`set_source`, so this package never imports it (decision 0023).
"""

from __future__ import annotations

from typing import Callable

from flask import Flask, current_app

from lianbing.accounts.models import Bureau
from lianbing.campaign.evaluation.models import EvaluationItem
from lianbing.campaign.models import Campaign
from lianbing.parts import ReportFigure

EXTENSION_KEY = "lianbing.evaluation_evidence"
Source = Callable[[Campaign, Bureau], list[ReportFigure]]

#: words in an item's name or description that call for a section's figures
SECTION_WORDS = {
    "参训人员": ("参与", "参训", "组织"),
    "学法用法": ("学法", "培训", "讲座", "学习"),
    "知识竞赛": ("竞赛",),
    "规范执法文书": ("笔录", "文书"),
    "案卷评查": ("案卷", "评查"),
    "实战练兵": ("实战", "交叉检查", "检查企业"),
    "报送与宣传": ("简报", "报送", "宣传", "曝光", "推荐"),
}


def set_source(app: Flask, source: Source) -> None:
    """Where this application's figures come from (called once by the app factory)."""
    app.extensions[EXTENSION_KEY] = source


def matching(text: str, figures: list[ReportFigure]) -> list[ReportFigure]:
    """The figures an item asks about: those of every section its text names."""
    wanted = {
        f.section
        for f in figures
        if f.section in text or any(w in text for w in SECTION_WORDS.get(f.section, ()))
    }
    return [f for f in figures if f.section in wanted]


def for_items(
    campaign: Campaign, bureau: Bureau, items: list[EvaluationItem]
) -> dict[int, list[ReportFigure]]:
    """{item id: its figures}; empty when no source is set."""
    source = current_app.extensions.get(EXTENSION_KEY)
    if source is None or not items:
        return {}
    found = source(campaign, bureau)
    return {i.id: matching(f"{i.name} {i.description}", found) for i in items}
