"""Demo content of the case-file review: a review table with the structure of the national review
guide, in our own words, and a small review (``load``, run by ``flask demo``)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from casestudies.casefiles import pool, quotas, review, selection, services, tables
from casestudies.casefiles.models import CaseFile, CaseResult
from lianbing.host import User, active_campaign, db


def _i(key, stage, aspect, title, points):
    return {"key": key, "stage": stage, "aspect": aspect, "title": title, "points": points}


DEMO_TABLE = {
    "title": "环境行政处罚案卷评查表（演示）",
    "total_points": 100,
    "veto": [
        {"key": "S1", "aspect": "主体合法", "title": "作出处罚的机关无处罚权或超越职权"},
        {"key": "S2", "aspect": "事实清楚", "title": "违法事实不清，认定的当事人错误"},
        {"key": "S3", "aspect": "证据充分", "title": "主要证据缺失，不能证明违法事实"},
        {"key": "S4", "aspect": "适用法律正确", "title": "适用的法律条款错误或处罚种类、幅度违法"},
        {
            "key": "S5",
            "aspect": "程序合法",
            "title": "应告知听证而未告知，或未经集体讨论作出重大处罚",
        },
    ],
    "items": [
        _i("P1", "立案", "程序合法", "立案审批表齐全，审批手续完备，立案及时", 8),
        _i(
            "P2",
            "调查取证",
            "证据充分",
            "现场检查（勘察）笔录要素齐全，两名以上执法人员并出示证件",
            12,
        ),
        _i("P3", "调查取证", "证据充分", "调查询问笔录问答完整，告知权利，被询问人签名确认", 12),
        _i("P4", "调查取证", "证据充分", "监测、采样、照片等证据来源清楚，标注时间地点", 10),
        _i("P5", "审查", "程序合法", "案件调查报告、法制审核意见完整，集体讨论有记录", 10),
        _i("P6", "告知", "程序合法", "告知书载明事实、理由、依据和陈述申辩、听证权利", 10),
        _i("P7", "决定", "文书规范", "决定书载明事实、证据、依据、裁量理由，文号与用印规范", 14),
        _i("P8", "送达", "程序合法", "送达回证齐全，送达方式合法，期限符合规定", 8),
        _i("P9", "执行", "执行到位", "罚没款缴纳或强制执行、催告等材料齐全", 8),
        _i("P10", "归档", "归档规范", "卷内目录、页码、装订和保管期限符合归档要求", 8),
    ],
    "bonus": [
        {"key": "B1", "title": "程序严谨，证据链完整且有创新做法", "points": 2},
        {"key": "B2", "title": "裁量理由充分，说理透彻", "points": 2},
        {"key": "B3", "title": "按日连续处罚等配套办法运用得当", "points": 2},
    ],
    "bonus_cap": 5,
}


# --- demo case files ---------------------------------------------------------------------
#
# Two counties enter three closed cases each, with documents and an inspection record; each
# proposes two files within the city's quotas, the city draws one more per county from a
# recorded seed, a review group from the backbone pool scores them: one pair agrees, one
# disagrees beyond the tolerance and the leader reconciles, one file fails a veto item
# (不合格); a last file waits for its second reviewer. Dates fall before the active campaign.

COUNTIES = ("441402", "441403")
CASES = (  # (category, party, violation, legal basis, decision, amount)
    (
        "general",
        "某电镀有限公司",
        "超标排放含铬废水",
        "《水污染防治法》第八十三条",
        "罚款",
        200000.0,
    ),
    (
        "general",
        "某建材有限公司",
        "未落实扬尘污染防治措施",
        "《大气污染防治法》第一百一十五条",
        "罚款",
        50000.0,
    ),
    (
        "seizure",
        "某稀土分离厂",
        "通过暗管排放废水",
        "《环境保护法》第二十五条",
        "查封排污设施",
        None,
    ),
)
REVIEWERS = ("officer_441422_1", "officer_441423_1", "officer_441424_1", "officer_441427_1")
LEADER = "officer_441426_1"
RECORD = """现场检查（勘察）笔录
检查地点：工业园区3号厂房
被检查单位：{party}
执法人员：{officers}，均已出示执法证件。
告知当事人有权申请回避，当事人表示不申请回避。
现场检查情况：废水处理设施正常运行，总排口水样已采集并封存，现场拍照取证。
被检查人意见：以上笔录属实。
"""


def _pdf(text: str) -> bytes:
    """A one-page PDF with one line of (ASCII) text: enough to open in any viewer."""
    stream = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _case_no(county: str, n: int, year: int) -> str:
    return f"梅环罚〔{year}〕{county[-2:]}{n:02d}号"


def _dates(start: date, n: int) -> dict[str, date]:
    filed = start - timedelta(days=300 - 20 * n)
    steps = {"filed_on": 0, "investigated_on": 20, "notified_on": 35, "decided_on": 50}
    steps |= {"served_on": 55, "closed_on": 90}
    return {key: filed + timedelta(days=d) for key, d in steps.items()}


def _enter(county: str, n: int, spec: tuple, start: date) -> CaseFile:
    """One closed case of the county with two documents and its inspection record."""
    admin = _user(f"admin_{county}")
    officers = [_user(f"officer_{county}_{n}"), _user(f"officer_{county}_{n % 5 + 1}")]
    category, party, violation, basis, decision, amount = spec
    dates = _dates(start, n)
    data = services.CaseData(
        _case_no(county, n, dates["filed_on"].year),
        category,
        f"{party}（{county[-2:]}-{n}）",
        violation,
        basis,
        decision,
        amount,
        dates,
        [u.id for u in officers],
    )
    case = services.save_case(None, data, bureau_id=admin.bureau_id, actor_id=admin.id)
    for doc_type, name, pages in (("filing", "立案审批表", 1), ("decision", "处罚决定书", 3)):
        body = _pdf(f"Demo case file {county}-{n}: {doc_type}")
        upload = services.Upload(io.BytesIO(body), f"{name}.pdf", doc_type, pages)
        services.add_document(case, upload, actor_id=admin.id)
    if services.record_rubric("inspection") is not None:
        text = RECORD.format(party=data.party, officers="、".join(u.display_name for u in officers))
        services.add_record(case, "inspection", text, actor_id=admin.id)
    return case


def _people_ready() -> bool:
    return all(_user(n) for n in ("city_admin", LEADER, *REVIEWERS, "admin_441402", "admin_441403"))


def _set_up_city(city_id: int):
    """The review table, the backbone pool, the quotas and the review group."""
    table = tables.create_table(DEMO_TABLE, actor_id=city_id)
    for name in REVIEWERS:
        pool.mark(_user(name), ["review"], actor_id=city_id)
    pool.mark(_user(LEADER), ["review", "legal"], actor_id=city_id)
    for county in COUNTIES:
        pool.mark(_user(f"officer_{county}_1"), ["inspection"], actor_id=city_id)
    quotas.set_quotas({"general": 2, "seizure": 1, "daily": 1}, actor_id=city_id)
    data = review.GroupData(
        "第一评查组", _user(LEADER).id, [_user(n).id for n in REVIEWERS], table.id, 5.0
    )
    return review.create_group(data, actor_id=city_id)


def _select(cases: dict[str, list], city_id: int) -> list:
    """Each county proposes its two general cases; the city draws one more file per county."""
    for county, files in cases.items():
        admin = _user(f"admin_{county}")
        for case in files[:2]:
            selection.select_file(case, "proposed", actor_id=admin.id)
        selection.draw(files[0].bureau_id, 1, actor_id=city_id, seed=f"demo-{county}")
    chosen = {c.id: c for k in ("proposed", "drawn") for c in selection.selected(k)}
    return [chosen[k] for k in sorted(chosen)]


def _sheet(**over) -> review.Sheet:
    return review.Sheet({k: (v if isinstance(v, dict) else {"points": v}) for k, v in over.items()})


VETO = {"failed": True, "comment": "卷内无监测报告，超标事实无证据", "page": "15"}
SHEETS = (  # per file in id order: the two reviewers' sheets and the leader's, if any
    (_sheet(P7=12), _sheet(P7=11, P2=11), None),
    (
        _sheet(P2={"points": 4, "comment": "现场检查笔录缺少现场示意图", "page": "12"}),
        _sheet(),
        _sheet(P2={"points": 8, "comment": "示意图缺失，扣 4 分", "page": "12"}),
    ),
    (_sheet(S3=VETO, P4=4), _sheet(S3=VETO, P4=5), None),
    (_sheet(P8=6), None, None),  # the second reviewer has not scored yet
)


def _review(cases: list, group) -> None:
    """Reviewers score; the leader reconciles the disagreement; later files stay half done."""
    review.assign_files(group, cases, actor_id=_user("city_admin").id, seed=1)
    for n, case in enumerate(cases):
        first, second = review.reviews_of(case.id)[:2]
        one, two, leader = SHEETS[n] if n < len(SHEETS) else (_sheet(P10=7), None, None)
        review.submit_review(first, one, actor_id=first.reviewer_id)
        if two is not None:
            review.submit_review(second, two, actor_id=second.reviewer_id)
        result = db.session.get(CaseResult, case.id)
        if leader is not None and result.status == "reconcile":
            review.reconcile(result, leader, actor_id=group.leader_id)


def load(campaign_id: int) -> None:
    """The demo case files and their review (idempotent: nothing when the first file exists).
    Dates are set before the active campaign, whose ledger receives the ``case_file`` rows."""
    campaign = active_campaign()
    if campaign is None or not _people_ready():
        return
    first = _case_no(COUNTIES[0], 1, _dates(campaign.start_date, 1)["filed_on"].year)
    if db.session.scalar(select(CaseFile.id).where(CaseFile.case_no == first)):
        return
    city = _user("city_admin")
    group = _set_up_city(city.id)
    cases = {
        c: [_enter(c, n, s, campaign.start_date) for n, s in enumerate(CASES, 1)] for c in COUNTIES
    }
    _review(_select(cases, city.id), group)
