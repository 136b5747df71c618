"""Every importer refuses every hostile file with a Chinese reason (413 or 400), never a 500,
and writes nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lianbing.accounts.models import User
from lianbing.extensions import db
from lianbing.files import limits
from lianbing.security import json_depth
from tests.lianbing.security.hostile import IMPORTERS, corpus, names_for

CORPUS = corpus()


def _post(client, url, fields, name, data):
    return client.post(
        url,
        data={**fields, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_corpus_is_hostile_enough():
    assert len(CORPUS) >= 15
    assert len({name for _, name, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("label, role, url, fields, suffixes", IMPORTERS, ids=lambda v: v)
def test_every_importer_refuses_every_hostile_file(
    client, demo_people, session_login, label, role, url, fields, suffixes
):
    session_login(client, role)
    users = db.session.scalar(select(func.count(User.id)))
    wrong = []
    for what, filename, data in CORPUS:
        for name in names_for(filename, suffixes):
            r = _post(client, url, fields, name, data)
            body = r.get_data(as_text=True)
            if r.status_code not in (400, 413) or "alert" not in body and "invalid" not in body:
                wrong.append(f"{what} as {name}: {r.status_code}")
    assert not wrong, f"{label}: " + "; ".join(wrong)
    assert db.session.scalar(select(func.count(User.id))) == users


def _refusal(data: bytes):
    with pytest.raises(limits.Refused) as caught:
        limits.check_xlsx(data)
    return caught.value


def test_the_reasons_say_what_is_wrong(app):
    files = {name: data for _, name, data in CORPUS}
    bomb = _refusal(files["bomb.xlsx"])
    assert bomb.status == 413 and "解压后" in str(bomb)
    assert _refusal(files["ratio.xlsx"]).status == 413
    far = _refusal(files["far.xlsx"])
    assert far.status == 400 and "XFD6000" in str(far) and "64 列" in str(far)
    assert "150000" in str(_refusal(files["liar.xlsx"]))
    assert "行数超过" in str(_refusal(files["rows.xlsx"]))
    assert "部件" in str(_refusal(files["members.xlsx"]))
    assert "找不到工作表" in str(_refusal(files["doc.xlsx"]))
    assert "0 字节" in str(_refusal(files["empty.xlsx"]))


def test_deep_json_is_a_400_with_a_chinese_message(client, demo_people, session_login):
    session_login(client, "trainer")
    r = _post(
        client, "/casestudies/rubrics/import", {}, "deep.json", b"[" * 200_000 + b"]" * 200_000
    )
    assert r.status_code == 400
    assert "嵌套层数超过" in r.get_data(as_text=True)
    r = client.post(
        "/casestudies/rubrics/import", data="[" * 200_000, content_type="application/json"
    )
    assert r.status_code < 500


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": "[[[[[[", "b": [[1]]}') == 3
    assert json_depth('"\\"[["') == 0


def test_ordinary_workbooks_pass_the_checks(app, xlsx):
    limits.check_xlsx(xlsx([["张一", "zhang_yi", "441402", "执法人员", "", ""]] * 500))


def test_a_csv_beyond_the_table_bounds_is_refused(client, demo_people, session_login):
    session_login(client, "trainer")
    wide = (",".join(["单选"] * 100) + "\n").encode()
    r = _post(client, "/quizzes/import", {"bank": "宽表", "fmt": "auto"}, "wide.csv", wide)
    assert r.status_code == 400 and "64 列" in r.get_data(as_text=True)
