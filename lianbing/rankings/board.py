"""Officers' leaderboard (积分榜): the city's top places, the own bureau's list, one's own place.

Read from the cached ranking (keyed by the ledger version), so the board costs a selection of
an already-built ranking. An officer sees the city's first ``CITY_TOP`` places and the full list
of their own bureau only — never another bureau's full list. The city may switch names off
(``RankingSettings.is_board_named``); then every line but the viewer's own shows only its
rank, bureau and score.
"""

from __future__ import annotations

from dataclasses import dataclass

from lianbing.accounts.models import User
from lianbing.activities import kind_label
from lianbing.rankings import rules
from lianbing.rankings.ranking import Ranking, Row, Selection

CITY_TOP = 20
COMPOSITE_LABEL = "综合得分"


@dataclass(frozen=True)
class Place:
    """One line of the board: a rank and who holds it (name empty when names are off)."""

    rank: int
    name: str
    bureau: str
    score: float
    is_me: bool


@dataclass(frozen=True)
class Standing:
    """The viewer's own place in one list and how far the place above is."""

    rank: int
    size: int
    score: float
    #: points (or percentage points) to the place above; None when first
    gap: float | None


@dataclass(frozen=True)
class Board:
    kind: str | None
    label: str
    city_top: list[Place]
    bureau: list[Place]
    city: Standing | None
    own_bureau: Standing | None
    named: bool


def kinds(ranking: Ranking) -> list[tuple[str, str]]:
    """(key, label) of the kinds the composite counts: the board's tabs after 综合."""
    return [(k, kind_label(k)) for k in ranking.kinds]


def board(ranking: Ranking, viewer: User, kind: str | None = None) -> Board:
    """The board a viewer sees, by the composite or by one kind's share (in %)."""
    named = rules.board_named(ranking.campaign_id)
    city = ranking.select(role="officer", kind=kind)
    mine = ranking.select(bureau_id=viewer.bureau_id, role="officer", kind=kind)
    return Board(
        kind,
        kind_label(kind) + "得分率" if kind else COMPOSITE_LABEL,
        _places(city[:CITY_TOP], viewer, kind, named),
        _places(mine[:], viewer, kind, named),
        _standing(ranking, city, viewer, kind),
        _standing(ranking, mine, viewer, kind),
        named,
    )


def _score(row: Row, kind: str | None) -> float:
    return round(row.composite if kind is None else 100 * row.share(kind), 2)


def _places(rows: list[Row], viewer: User, kind: str | None, named: bool) -> list[Place]:
    return [
        Place(
            rank,
            row.name if named or row.user_id == viewer.id else "",
            row.bureau,
            _score(row, kind),
            row.user_id == viewer.id,
        )
        for rank, row in enumerate(rows, start=1)
    ]


def _standing(ranking: Ranking, rows: Selection, viewer: User, kind: str | None):
    """The viewer's rank in a list and the gap to the place above; None when not in it."""
    pos = ranking.by_user.get(viewer.id)
    if pos is None or pos not in rows.positions:
        return None
    index = rows.positions.index(pos)
    me = _score(rows[index], kind)
    gap = round(_score(rows[index - 1], kind) - me, 2) if index else None
    return Standing(index + 1, len(rows), me, gap)
