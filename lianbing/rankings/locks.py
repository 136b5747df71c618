"""A closed campaign's weights and ranking rules are locked: its final ranking was taken with
them. The campaign (weights) and rankings' rules announce a change on
``signals.settings_changing``; the receiver here refuses it while the campaign is closed,
keeping the refusal in the audit log. Reopening the campaign unlocks them."""

from __future__ import annotations

from lianbing.audit import services as audit
from lianbing.errors import Conflict
from lianbing.ledger.services import is_closed


class SettingsLocked(Conflict):
    """A weight or rule change for a closed campaign (409); the refusal is kept in the audit log."""

    keep = True


MESSAGE = (
    "本次练兵活动已结束，最终排名已按现行{what}生成，{what}已锁定，不能修改。"
    "如确需调整，请由市局管理员先在“结束活动”页重新开启活动（须填写原因）。"
)
#: what is changing -> (its name in the message, the audit action of the refusal)
LOCKED = {
    "weights": ("计分权重", "campaign.weights_locked"),
    "rules": ("排名规则", "ranking.settings_locked"),
}


def locked(campaign_id: int) -> bool:
    """Whether the campaign's weights and ranking rules are locked (the campaign is closed)."""
    return is_closed(campaign_id)


def on_settings_changing(sender, *, campaign_id: int, what: str, new: dict, actor_id) -> None:
    """Refuse (audited) a change of the weights or rules of a closed campaign."""
    if what not in LOCKED or not locked(campaign_id):
        return
    name, action = LOCKED[what]
    message = MESSAGE.format(what=name)
    audit.write(action, "campaign", campaign_id, actor_id=actor_id, new=new, reason=message)
    raise SettingsLocked(message)
