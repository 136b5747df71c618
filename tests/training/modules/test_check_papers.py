"""Module checks that cannot be passed by copying: drawn papers, hidden keys, limits, cool-down."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.host import Conflict
from training.modules import checks
from training.modules import services as modules
from training.modules.models import CheckAttempt


def _pool(module, n=6):
    for i in range(n):
        modules.add_question(
            module,
            modules.QuestionData("single", f"题{i}", (f"对{i}", "错甲", "错乙", "错丙"), (0,)),
        )
    db.session.commit()


def _settings(module, **kw):
    for key, value in kw.items():
        setattr(module, key, value)
    db.session.commit()


def _wrong(attempt, module):
    items = checks.paper_items(module, attempt)
    return {i.question.id: [1] for i in items}


def test_each_attempt_draws_its_own_paper_with_shuffled_options(app, make_module):
    module = make_module()
    _pool(module)
    _settings(module, check_size=3, check_attempts=0)
    papers = [checks.draw_paper(module, random.Random(seed)) for seed in range(8)]
    assert all(len(p) == 3 for p in papers)
    assert len({tuple(x["q"] for x in p) for p in papers}) > 1  # questions vary between attempts
    orders = [x["order"] for p in papers for x in p if len(x["order"]) == 4]
    assert any(o != [0, 1, 2, 3] for o in orders) and all(sorted(o) == [0, 1, 2, 3] for o in orders)


def test_check_page_and_result_follow_the_drawn_order(login, client, make_module):
    module = make_module(questions=False)
    _pool(module, 1)
    _settings(module, check_attempts=2)
    login()
    client.get(f"/training/modules/{module.id}/check")
    attempt = db.session.scalar(select(CheckAttempt))
    question = module.questions[0]
    attempt.paper = [{"q": question.id, "order": [2, 0, 3, 1]}]  # 对0 (stored 0) shown as B
    db.session.commit()
    page = client.get(f"/training/modules/{module.id}/check").get_data(as_text=True)
    assert "A. 错乙" in page and "B. 对0" in page
    r = client.post(f"/training/attempts/{attempt.id}", data={f"q{question.id}": ["1"]})
    result = client.get(r.headers["Location"]).get_data(as_text=True)
    # failed, one attempt left: the officer's letter (D = stored 1 错甲), but no key
    assert '<span class="your-answer">D</span>' in result and "正确答案" not in result
    assert "还可参加 1 次" in result
    client.get(f"/training/modules/{module.id}/check")
    second = db.session.scalars(select(CheckAttempt).order_by(CheckAttempt.id)).all()[-1]
    second.paper = [{"q": question.id, "order": [2, 0, 3, 1]}]
    db.session.commit()
    r = client.post(f"/training/attempts/{second.id}", data={f"q{question.id}": ["3"]})
    result = client.get(r.headers["Location"]).get_data(as_text=True)
    # the last allowed attempt: now the key, in the letters shown
    assert '<span class="the-key">B</span>' in result and "测验次数已用完" in result
    again = client.get(f"/training/modules/{module.id}/check", follow_redirects=True)
    assert "最多可参加 2 次，你已用完" in again.get_data(as_text=True)


def test_cool_down_after_a_failed_attempt(app, make_module, make_user):
    module = make_module()
    _settings(module, check_attempts=0, check_cooldown_minutes=30)
    officer = make_user("officer")
    first = checks.start_check(officer, module)
    now = utcnow()
    checks.submit_check(officer, first.id, _wrong(first, module), now)
    db.session.commit()
    with pytest.raises(Conflict) as err:
        checks.start_check(officer, module, now + timedelta(minutes=10))
    assert "之后开始" in str(err.value)
    assert checks.start_check(officer, module, now + timedelta(minutes=31)).number == 2


def test_a_failed_attempt_with_attempts_left_shows_no_key(login, client, make_module):
    module = make_module()
    _settings(module, check_attempts=0)
    login()
    client.get(f"/training/modules/{module.id}/check")
    attempt = db.session.scalar(select(CheckAttempt))
    r = client.post(f"/training/attempts/{attempt.id}", data=_form(_wrong(attempt, module)))
    result = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "正确答案" not in result and 'id="keys-hidden"' in result


def _form(responses):
    return {f"q{q}": [str(i) for i in chosen] for q, chosen in responses.items()}
