"""Rubrics without HTTP: the JSON round trip and refused imports."""

import json

import pytest
from sqlalchemy import select

from casestudies import errors
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics import exporters
from casestudies.rubrics import services as rubrics
from lianbing.accounts.models import User
from lianbing.extensions import db


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def test_rubric_json_roundtrip_and_bad_import(demo_people):
    trainer = user("trainer")
    rubric = rubrics.create_rubric(rubrics_demo.INQUIRY, actor_id=trainer.id, complete=True)
    raw = exporters.rubric_json(rubrics.rubric_data(rubric))
    again = rubrics.import_rubric(raw, actor_id=trainer.id)
    assert rubrics.rubric_data(again)["criteria"] == rubrics.rubric_data(rubric)["criteria"]
    data = json.loads(raw)
    data["criteria"][0]["checks"] = [
        {"type": "mentions", "patterns": [{"label": "x", "regex": "[坏"}]}
    ]
    with pytest.raises(errors.CaseError, match="Q1"):
        rubrics.import_rubric(json.dumps(data).encode(), actor_id=trainer.id)
    with pytest.raises(errors.CaseError, match="JSON"):
        rubrics.import_rubric(b"{not json", actor_id=trainer.id)
