"""Record-exercise notices for ``flask notify run``: a record graded and released, a regrade
request answered."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

from flask import url_for
from sqlalchemy import select

from casestudies.exercises.models import Submission
from casestudies.grading.models import RegradeRequest
from lianbing.host import Notice, db

#: older releases and answers predate the notification centre and are not announced
RECENT = timedelta(days=30)


def notices(now: datetime) -> Iterator[Notice]:
    released = db.session.scalars(
        select(Submission).where(
            Submission.status == "released", Submission.released_at >= now - RECENT
        )
    )
    for sub in released:
        yield Notice(
            sub.user_id,
            f"cs-released:{sub.id}",
            f"笔录练习已评分发布：{sub.exercise.title}",
            f"得分 {sub.final_points:g}。" if sub.final_points is not None else "",
            url_for("casestudies.submission", sub_id=sub.id),
        )
    answered = db.session.scalars(
        select(RegradeRequest).where(
            RegradeRequest.status == "answered", RegradeRequest.answered_at >= now - RECENT
        )
    )
    for req in answered:
        yield Notice(
            req.submission.user_id,
            f"cs-regrade:{req.id}",
            f"复核申请已答复：{req.submission.exercise.title}",
            req.answer,
            url_for("casestudies.submission", sub_id=req.submission_id),
        )
