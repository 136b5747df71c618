"""What the host puts into words for other pages: its audit targets by name, ledger references
by title. Registered beside the parts' own ``words`` (see ``lianbing.parts.words_for``): the
audit log asks ``target:<type>`` for the names of the objects its rows concern, and
``activity`` for the titles of ledger references, without importing the packages that own them.
The host's own activities (drill rounds) join the parts' in the registry's ``activities``.
"""

from __future__ import annotations

from sqlalchemy import select, union

from lianbing.accounts.models import Bureau
from lianbing.activities import titles_by_id
from lianbing.api.models import ApiToken
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column.models import ColumnArticle
from lianbing.campaign.drills import scores as drill_scores
from lianbing.campaign.drills.models import DrillRound, DrillTeam
from lianbing.campaign.evaluation.models import EvaluationItem
from lianbing.campaign.models import Campaign, Deadline
from lianbing.certificates.models import Certificate
from lianbing.extensions import db
from lianbing.ledger.models import ExpectedActivity, ScoreEntry
from lianbing.parts import Registry
from lianbing.rankings.models import Award

TARGETS = {
    "campaign": (Campaign, "name"),
    "bureau": (Bureau, "name"),
    "award": (Award, "title"),
    "bulletin": (Bulletin, "title"),
    "article": (ColumnArticle, "title"),
    "drill_team": (DrillTeam, "name"),
    "drill_round": (DrillRound, "name"),
    "evaluation_item": (EvaluationItem, "name"),
    "campaign_deadline": (Deadline, "name"),
    "expected_activity": (ExpectedActivity, "title"),
    "api_token": (ApiToken, "name"),
    "score_entry": (ScoreEntry, "title"),
    "certificate": (Certificate, "serial"),
}


def activity_titles(refs: list[str]) -> dict[str, str]:
    """The titles the ledger and the expected activities hold for these references."""
    if not refs:
        return {}
    stmt = union(
        select(ScoreEntry.ref, ScoreEntry.title).where(ScoreEntry.ref.in_(refs)),
        select(ExpectedActivity.ref, ExpectedActivity.title).where(ExpectedActivity.ref.in_(refs)),
    )
    return {ref: title for ref, title in db.session.execute(stmt) if title}


def register(registry: Registry) -> None:
    """Add the host's words to the registry the parts filled."""
    registry.words["activity"] = activity_titles
    registry.activities.append(drill_scores.activities)
    for target, (model, attr) in TARGETS.items():
        registry.words[f"target:{target}"] = titles_by_id(model, attr)
