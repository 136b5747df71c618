"""Fixtures of case files: a document store of the test's own, a record rubric, a case."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from casestudies.casefiles import services
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics import services as rubrics
from lianbing.accounts.models import User
from lianbing.extensions import db


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


COUNTY = "441402"
PDF = b"%PDF-1.4\n" + b"1 0 obj << /Type /Page >> endobj\n" * 200 + b"%%EOF\n"


@pytest.fixture(autouse=True)
def store_dir(app, tmp_path):
    """Every test keeps its documents in its own directory."""
    old = app.config.get("FILE_STORAGE_DIR")
    app.config["FILE_STORAGE_DIR"] = str(tmp_path / "files")
    yield tmp_path / "files"
    app.config["FILE_STORAGE_DIR"] = old


@pytest.fixture
def record_rubric(demo_people):
    rubric = rubrics.create_rubric(
        rubrics_demo.INSPECTION, actor_id=user("trainer").id, complete=True
    )
    db.session.commit()
    return rubric


def case_data(n: int = 1, county: str = COUNTY, **kw) -> services.CaseData:
    officers = [user(f"officer_{county}_1").id, user(f"officer_{county}_2").id]
    data = dict(
        case_no=f"梅环罚〔2017〕{county}-{n}号",
        category="general",
        party=f"某电镀有限公司{n}",
        violation="超标排放废水",
        legal_basis="《中华人民共和国水污染防治法》第八十三条",
        decision="罚款",
        amount=100000.0,
        dates={
            "filed_on": date(2017, 3, 1),
            "notified_on": date(2017, 4, 1),
            "closed_on": date(2017, 6, 1),
        },
        officer_ids=officers,
    )
    return services.CaseData(**(data | kw))


@pytest.fixture
def make_case(demo_people):
    def make(n: int = 1, county: str = COUNTY, **kw):
        admin = user(f"admin_{county}")
        case = services.save_case(
            None, case_data(n, county, **kw), bureau_id=admin.bureau_id, actor_id=admin.id
        )
        db.session.commit()
        return case

    return make
