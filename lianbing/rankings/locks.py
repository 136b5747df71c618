"""A closed campaign's settings are locked: its final ranking was taken with them; so are a past
campaign's, once next year's campaign was made from it (it is read-only from then on). The
campaign and its operations announce a change on ``signals.settings_changing``; the receiver
here refuses it, keeping the refusal in the audit log. Reopening a closed campaign unlocks it;
a past one stays read-only."""

from __future__ import annotations

from lianbing.audit import services as audit
from lianbing.campaign.nextyear import successor
from lianbing.errors import Conflict
from lianbing.ledger.services import is_closed


class SettingsLocked(Conflict):
    """A settings change for a closed or past campaign (409); the refusal is kept in the audit
    log."""

    keep = True


CLOSED = (
    "本次练兵活动已结束，最终排名已按现行{what}生成，{what}已锁定，不能修改。"
    "如确需调整，请由市局管理员先在“结束活动”页重新开启活动（须填写原因）。"
)
PAST = "本次练兵活动已是往届活动（已据此创建“{successor}”），{what}只读，不能修改。"
#: what is changing -> (its name in the message, the audit action of the refusal)
LOCKED = {
    "weights": ("计分权重", "campaign.weights_locked"),
    "rules": ("排名规则", "ranking.settings_locked"),
    "campaign": ("活动信息", "campaign.settings_locked"),
    "stages": ("阶段日期", "campaign.settings_locked"),
    "ops_settings": ("简报与总结设置", "campaign.settings_locked"),
    "deadlines": ("截止事项", "campaign.settings_locked"),
    "evaluation_items": ("考核项目", "evaluation.settings_locked"),
}


def reason(campaign_id: int, what: str = "weights") -> str | None:
    """Why the campaign's settings cannot change (None when they can): past, or closed."""
    name = LOCKED.get(what, ("设置", ""))[0]
    made = successor(campaign_id)
    if made is not None:
        return PAST.format(successor=made.name, what=name)
    if is_closed(campaign_id):
        return CLOSED.format(what=name)
    return None


def locked(campaign_id: int) -> bool:
    """Whether the campaign's settings are locked (it is closed, or past)."""
    return reason(campaign_id) is not None


def on_settings_changing(sender, *, campaign_id: int, what: str, new: dict, actor_id) -> None:
    """Refuse (audited) a change of the settings of a closed or past campaign."""
    if what not in LOCKED:
        return
    message = reason(campaign_id, what)
    if message is None:
        return
    audit.write(
        LOCKED[what][1], "campaign", campaign_id, actor_id=actor_id, new=new, reason=message
    )
    raise SettingsLocked(message)
