"""No 500 from bad input: every route, as every role, with hostile path, query, form and JSON
values. Values are sampled per route (a rotation, not the full cross product) to keep the walk
near a minute; the rotation is fixed, so a failure reproduces.
"""

from __future__ import annotations

import io
import itertools
import json

from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.extensions import db

ROLE_USERS = (None, "officer_441402_1", "trainer", "admin_441402", "city_admin")
BIG = str(2**63)
HOSTILE = [
    "", "-1", "0", BIG, "abc", "\x00\x00\x00", "x" * 10_000, "1.5", "true", "%00", "[]", "999",
    "2017-13-45", "99999",
]  # fmt: skip
HOSTILE_INTS = [0, 999, 2**63, 2**31 - 1, 99999]
#: query names read by the views (request.args) plus common ones
QUERY_NAMES = [
    "page", "q", "campaign", "bureau", "kind", "status", "month", "year", "id", "role", "type",
    "category", "quiz", "exercise", "bank", "edit", "code", "preview", "next", "inline", "i",
    "since", "until", "actor", "action", "target", "basis", "tag", "qtype", "difficulty",
]  # fmt: skip
JSON_BODIES = [
    None,
    {},
    [],
    "x",
    {"position": 2**63, "response": "A"},
    {"position": True, "response": "A"},
    {"position": -1, "response": {"x": [1, 2]}},
    {"position": 0, "response": "\x00" * 100},
    {"position": "1", "visible": "no"},
    {"visible": None},
    {"position": 0, "response": "x" * 10_000},
]


def _form_fields() -> dict[str, str]:
    """Every field name of every WTForms form in the app, with its kind."""
    from flask_wtf import FlaskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    fields = {}
    for form in subclasses(FlaskForm):
        for name, value in vars(form).items():
            if hasattr(value, "field_class"):
                fields.setdefault(name, value.field_class.__name__)
    return fields


def _known() -> dict:
    officer = db.session.scalar(select(User).where(User.username == "officer_441402_1"))
    campaign = db.session.scalar(select(Campaign).where(Campaign.is_active.is_(True)))
    return {
        "user_id": officer.id,
        "bureau_id": officer.bureau_id,
        "campaign_id": campaign.id,
        "year": campaign.year,
        "month": campaign.start_date.month,
    }


def _build(app, rule, values) -> str:
    with app.test_request_context():
        return rule.build(values, append_unknown=False)[1]


def _hostile_paths(app, rule, base: dict, n: int) -> list[str]:
    """One URL per path parameter, that parameter hostile and the others real."""
    urls = []
    for i, (name, conv) in enumerate(rule._converters.items()):
        values = dict(base)
        if isinstance(conv, IntegerConverter):
            values[name] = HOSTILE_INTS[(n + i) % len(HOSTILE_INTS)]
        elif type(conv).__name__ in ("UnicodeConverter", "PathConverter"):
            values[name] = ["\x00\x00", "x" * 2000, "..", "-1", "%"][(n + i) % 5]
        else:
            continue
        urls.append(_build(app, rule, values))
    return urls


def _form(fields: dict[str, str], value: str) -> dict:
    data = {}
    for name in fields:
        data[name] = value  # a text value for a file field too
    data["file"] = value.encode("utf-8", "surrogatepass")  # sent as a file named x.xlsx
    return data


def _fresh(kwargs: dict) -> dict:
    """The request's arguments with a new file object (a sent one is closed)."""
    data = kwargs.get("data")
    if isinstance(data, dict) and isinstance(data.get("file"), bytes):
        return {**kwargs, "data": {**data, "file": (io.BytesIO(data["file"]), "x.xlsx")}}
    return kwargs


def _requests(app, rules, base_values, fields, offset: int):
    """(method, url, kwargs) for every rule: hostile paths, hostile query, form and JSON;
    ``offset`` rotates the values, so each role sends different ones."""
    counter = itertools.count(offset)
    for rule in rules:
        n = next(counter)
        base = _build(app, rule, base_values(rule))
        hostile = _hostile_paths(app, rule, base_values(rule), n)
        value = HOSTILE[n % len(HOSTILE)]
        if "GET" in rule.methods:
            for url in hostile:
                yield "GET", url, {}
            for k in range(3):  # three values per role: five roles cover every value
                value_at = (offset + k) % len(HOSTILE)
                query = {
                    name: HOSTILE[(value_at + i * (i % 2)) % len(HOSTILE)]
                    for i, name in enumerate(QUERY_NAMES)
                }
                yield "GET", base, {"query_string": query}
        if "POST" in rule.methods:
            for url in hostile:
                yield "POST", url, {"data": {}}
            yield (
                "POST",
                base,
                {"data": _form(fields, value), "content_type": "multipart/form-data"},
            )
            body = JSON_BODIES[n % len(JSON_BODIES)]
            yield "POST", base, {"data": json.dumps(body), "content_type": "application/json"}
            yield "POST", base, {"data": "{" * 5000, "content_type": "application/json"}


def test_no_route_answers_500_to_hostile_input(app, client, ops_demo, session_login, rule_values):
    from lianbing.cli import load_campaign_demo, registry

    live = load_campaign_demo()  # this year's campaign, active again, beside 2017's paperwork
    for part in registry().parts.values():
        if part.demo:
            part.demo(live.id)
    db.session.commit()
    known = _known()
    fields = _form_fields()
    rules = sorted(
        (r for r in app.url_map.iter_rules() if not r.endpoint.endswith("static")),
        key=lambda r: (r.rule, sorted(r.methods)),
    )
    failures = []
    for offset, who in enumerate(ROLE_USERS):
        plan = list(_requests(app, rules, lambda r: rule_values(r, known)[0], fields, offset * 3))
        assert len(plan) > 300
        with client.session_transaction() as s:
            s.clear()
        if who:
            session_login(client, who)
        for method, url, kwargs in plan:
            if url in ("/logout",):
                continue
            try:
                status = client.open(url, method=method, **_fresh(kwargs)).status_code
            except Exception as exc:  # TESTING propagates what would be a 500
                status = f"{type(exc).__name__}: {str(exc)[:120]}"
                db.session.rollback()
            if not isinstance(status, int) or status >= 500:
                failures.append(
                    f"{who or 'anonymous'} {method} {url[:100]} {kwargs!s:.100} → {status}"
                )
        assert len(plan) > 300
    assert not failures, f"{len(failures)} answers were 5xx:\n" + "\n".join(failures[:40])


def test_the_known_bad_inputs_get_a_refusal_not_a_500(client, ops_demo, session_login):
    from training.laws import demo as laws_demo

    laws_demo.load()
    db.session.commit()
    session_login(client, "city_admin")
    assert client.get("/training/laws?q=%00%00%00").status_code == 400
    assert client.get("/column/?page=" + BIG).status_code < 500
    assert client.get("/audit?page=" + BIG).status_code < 500
    assert client.get(f"/bulletins/b/{BIG}").status_code == 404  # ids beyond 2**31 - 1
    assert client.post("/login", json="x").status_code == 400  # a JSON body must be an object
    deep = client.post("/login", data="[" * 200_000, content_type="application/json")
    assert deep.status_code == 400
    form = client.post("/account/password", data={"old_password": "a\x00b"})
    assert form.status_code == 400 and "NUL" in form.get_data(as_text=True)


def test_law_search_ignores_control_characters(app, ops_demo):
    from training.laws import demo as laws_demo
    from training.laws import services as laws

    laws_demo.load()
    db.session.commit()
    assert laws.search("\x00\x00\x00") == []
    assert laws.search("环境\x00保护") == laws.search("环境保护")
