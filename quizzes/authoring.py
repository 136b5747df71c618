"""Who authors what in the quizzes part: banks, quizzes and competitions by owner bureau.

A city author (a city admin, or a trainer of the city bureau) works for the whole city and
sees every bank and quiz. A county author (a county admin, or a trainer attached to a county
bureau) runs activities for its own bureau's officers only: it sees and changes its own
bureau's banks and quizzes, reads and draws from the city's banks without changing them, and
never sees another county's. Refusals are ``Forbidden`` (403), which the host audits.
"""

from __future__ import annotations

from sqlalchemy import Select

from lianbing.host import Forbidden, authoring_bureau, may_author

QUIZ_REFUSED = "只能管理本单位组织的测验和竞赛，不能管理市局或其他单位的。"
BANK_READ_ONLY = "市局题库对县级单位只读：可以查看和抽题组卷，不能修改。"
BANK_REFUSED = "这是其他单位的题库，不能查看或使用。"
AUDIENCE_REFUSED = "县级单位组织的活动只能面向本单位人员，不能面向其他单位。"


def owner_for(user) -> int | None:
    """The owner bureau of what this author creates: None (the city) or its county."""
    return authoring_bureau(user)


def require_quiz(user, quiz) -> None:
    """Refuse a county author a quiz that is not its own bureau's."""
    if not may_author(user, quiz.owner_bureau_id):
        raise Forbidden(QUIZ_REFUSED)


def can_read_bank(user, bank) -> bool:
    """City banks are read by every author; a county's bank by its own authors and the city."""
    return bank.owner_bureau_id is None or may_author(user, bank.owner_bureau_id)


def require_bank_read(user, bank) -> None:
    if not can_read_bank(user, bank):
        raise Forbidden(BANK_REFUSED)


def require_bank_write(user, bank) -> None:
    """Refuse changing a bank that is not the author's own (the city's are read-only)."""
    require_bank_read(user, bank)
    if not may_author(user, bank.owner_bureau_id):
        raise Forbidden(BANK_READ_ONLY)


def scope_quizzes(stmt: Select, user, owner_column) -> Select:
    """Narrow a select of quizzes to what the author sees (its own bureau's for a county)."""
    scope = authoring_bureau(user)
    return stmt if scope is None else stmt.where(owner_column == scope)
