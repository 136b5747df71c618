"""The officers' leaderboard page (积分榜), phone first."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from lianbing.auth import OFFICER, require_role
from lianbing.errors import Invalid
from lianbing.rankings import board as boards
from lianbing.rankings.blueprint import bp, current_campaign
from lianbing.rankings.ranking import ranking_of


@bp.route("/board")
@require_role(OFFICER)
def board():
    campaign = current_campaign()
    ranking = ranking_of(campaign, current_user.bureau)
    kind = request.args.get("kind") or None
    if kind and kind not in ranking.kinds:
        raise Invalid("没有这类活动的排行，请从上方选择“综合”或一类活动。")
    return render_template(
        "rankings/board.html",
        campaign=campaign,
        board=boards.board(ranking, current_user, kind),
        kinds=boards.kinds(ranking),
        top=boards.CITY_TOP,
    )
