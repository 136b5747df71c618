"""The campaign block of the home page: the current stage, the next deadlines, the role's to-dos."""

from __future__ import annotations

from dataclasses import dataclass

from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, OFFICER
from lianbing.campaign import schedule
from lianbing.campaign import services as campaigns
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.column import services as column
from lianbing.campaign.drills import services as drills
from lianbing.campaign.models import Campaign


@dataclass(frozen=True)
class Todo:
    text: str
    endpoint: str
    count: int


def todos(user, campaign: Campaign) -> list[Todo]:
    """To-do lines for the user's role (only those with something to do)."""
    if user.role == BUREAU_ADMIN:
        items = [
            Todo(
                "份简报被市局退回，待修改后重新提交",
                "bulletins.index",
                bulletins.returned_count(campaign.id, user.bureau_id),
            )
        ]
    elif user.role == CITY_ADMIN:
        items = [Todo("篇专栏文章待审核", "column.manage", column.pending_count())]
    elif user.role == OFFICER:
        items = [
            Todo("个实战练兵检查组", "drills.index", len(drills.visible_teams(user, campaign.id)))
        ]
    else:
        items = []
    return [t for t in items if t.count]


def campaign_block(user, campaign: Campaign | None) -> dict | None:
    """The active campaign's current stage and next deadlines, and the user's to-dos.

    None without an active campaign.
    """
    if campaign is None:
        return None
    today = schedule.today_local()
    return {
        "campaign": campaign,
        "today": today,
        "stage": campaigns.current_stage(campaign, today),
        "deadlines": schedule.upcoming_deadlines(campaign, today),
        "todos": todos(user, campaign),
    }
