"""The report over HTTP: permissions, editing, submit and return, Word (A4) and Excel (chart)."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from lianbing.accounts import services as accounts
from lianbing.campaign.evaluation import services as evaluation
from lianbing.campaign.report import services
from lianbing.extensions import db


def _url(seeded, bureau=None, tail="") -> str:
    bureau = bureau or seeded.meijiang
    return f"/report/{seeded.campaign.id}/b/{bureau.id}{tail}"


@pytest.mark.parametrize(
    "username,own,other,city",
    [
        ("officer_441402_1", 403, 403, 403),
        ("trainer", 403, 403, 403),
        ("admin_441402", 200, 403, 403),
        ("city_admin", 200, 200, 200),
    ],
)
def test_who_sees_which_summary(client, auth, seeded, username, own, other, city):
    auth.login(username)
    city_bureau = accounts.city_bureau()
    assert client.get(_url(seeded)).status_code == own
    assert client.get(_url(seeded, seeded.meixian)).status_code == other
    assert client.get(_url(seeded, city_bureau)).status_code == city
    assert client.get(_url(seeded, tail=".docx")).status_code == own
    assert client.get(_url(seeded, seeded.meixian, ".xlsx")).status_code == other
    overview = client.get(f"/report/{seeded.campaign.id}").status_code
    assert overview == (200 if username == "city_admin" else 403)


def test_county_writes_and_submits_city_returns(client, auth, seeded):
    auth.login("admin_441402")
    page = client.post(_url(seeded), data={"overview": "<b>培训三次</b>", "practice": "做法"})
    assert page.status_code == 302
    shown = client.get(_url(seeded)).get_data(as_text=True)
    assert "&lt;b&gt;培训三次&lt;/b&gt;" in shown and "66.7" in shown
    assert client.post(_url(seeded, tail="/submit")).status_code == 302
    assert client.post(_url(seeded), data={"overview": "改"}).status_code == 409
    auth.logout()
    auth.login("city_admin")
    assert client.post(_url(seeded), data={"overview": "市局代改"}).status_code == 403
    refused = client.post(_url(seeded, tail="/return"), data={"comment": ""})
    assert refused.status_code == 400 and "请填写修改意见" in refused.get_data(as_text=True)
    assert (
        client.post(_url(seeded, tail="/return"), data={"comment": "补充数据"}).status_code == 302
    )
    report = services.find(seeded.campaign.id, seeded.meijiang.id)
    assert report.status == "returned" and report.sections["overview"] == "<b>培训三次</b>"


def test_a_county_admin_cannot_return(client, auth, seeded):
    report = services.save_sections(seeded.campaign, seeded.meijiang, {"overview": "x"})
    services.submit(report)
    db.session.commit()
    auth.login("admin_441402")
    assert client.post(_url(seeded, tail="/return"), data={"comment": "x"}).status_code == 403


def test_word_is_a4_with_the_text_and_the_numbers(client, auth, seeded):
    services.save_sections(seeded.campaign, seeded.meijiang, {"overview": "我区组织培训三次。"})
    db.session.commit()
    auth.login("admin_441402")
    response = client.get(_url(seeded, tail=".docx"))
    doc = Document(io.BytesIO(response.data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "梅江分局测试练兵活动工作总结" in text and "我区组织培训三次。" in text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"参与率（%）", "66.7", "检查企业（家）"} <= cells


def test_city_word_compares_the_counties(client, auth, seeded):
    auth.login("city_admin")
    response = client.get(_url(seeded, accounts.city_bureau(), ".docx"))
    doc = Document(io.BytesIO(response.data))
    head = [c.text for c in doc.tables[1].rows[0].cells]
    assert head[:4] == ["项目", "全市", "梅江区", "梅县区"]


def test_city_excel_has_the_tables_and_a_chart(client, auth, seeded):
    auth.login("city_admin")
    response = client.get(_url(seeded, accounts.city_bureau(), ".xlsx"))
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["练兵数据统计", "各县对比", "参与率"]
    rows = list(book["各县对比"].values)
    assert rows[0][:5] == ("类别", "项目", "全市", "梅江区", "梅县区")
    rate = next(r for r in rows if r[1] == "参与率（%）")
    assert rate[2:5] == (75.0, 66.7, 100.0)
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        assert "各县（市、区）练兵参与率" in z.read(charts[0]).decode()


def test_self_evaluation_shows_the_figures_beside_each_item(client, auth, seeded):
    items = [
        evaluation.add_item(seeded.campaign, "实战练兵与交叉检查", 25, "检查企业数量"),
        evaluation.add_item(seeded.campaign, "其他工作", 5),
    ]
    db.session.commit()
    auth.login("admin_441402")
    page = client.get(f"/evaluation/{seeded.campaign.id}/report/{seeded.meijiang.id}")
    html = page.get_data(as_text=True)
    drills = html.split(f'data-item="{items[0].id}"')[1].split("</div>")[0]
    assert "检查企业（家） <strong>2</strong>" in drills
    assert "发现问题（条） <strong>2</strong>" in drills
    assert f'data-item="{items[1].id}"' not in html
