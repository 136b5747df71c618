"""What each role has to do next in the campaign's paperwork, for the home page."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, OFFICER
from lianbing.campaign.bulletins.models import RETURNED, Bulletin
from lianbing.campaign.column.models import SUBMITTED, ColumnArticle
from lianbing.campaign.drills import services as drills
from lianbing.campaign.models import Campaign
from lianbing.extensions import db


@dataclass(frozen=True)
class Todo:
    text: str
    endpoint: str
    count: int


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def todos(user, campaign: Campaign) -> list[Todo]:
    """To-do lines for the user's role (only those with something to do)."""
    if user.role == BUREAU_ADMIN:
        returned = select(Bulletin.id).where(Bulletin.campaign_id == campaign.id, Bulletin.status == RETURNED,
                                             Bulletin.bureau_id == user.bureau_id)
        items = [Todo("份简报被市局退回，待修改后重新提交", "bulletins.index", _count(returned))]
    elif user.role == CITY_ADMIN:
        pending = select(ColumnArticle.id).where(ColumnArticle.status == SUBMITTED)
        items = [Todo("篇专栏文章待审核", "column.manage", _count(pending))]
    elif user.role == OFFICER:
        items = [Todo("个实战练兵检查组", "drills.index", len(drills.visible_teams(user, campaign.id)))]
    else:
        items = []
    return [t for t in items if t.count]
