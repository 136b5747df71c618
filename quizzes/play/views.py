"""Routes of quizzes, attempts, practice, competitions and statistics (on the quizzes blueprint).

Views follow the house order: load → authorize → validate → call one service → render; the host
commits at the end of the request. Refusals (PlayError, PracticeError) propagate to the host's
handler: the Chinese message page, or ``{"ok": false, "error": …}`` for the fetch() calls. A save
after the deadline (``TimeUp``) is refused, and the auto-submission it caused is still kept.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from lianbing.host import (
    AUTHORS,
    STAFF,
    XLSX,
    Bureau,
    Invalid,
    User,
    any_user,
    can_manage_bureau,
    db,
    download,
    flash_errors,
    form_status,
    local_to_utc,
    may_author,
    rate_limit,
    readable_bureaus,
    require_role,
    rerender,
    scope_to_bureau,
    score_outside_campaign,
    to_local,
    utcnow,
)
from quizzes import authoring, qtypes
from quizzes import services as bank
from quizzes.play import analysis, board, practice, seal, services
from quizzes.play.forms import GradeForm, QuizForm, RegradeForm, SlotForm
from quizzes.play.models import Attempt, AttemptItem, Quiz
from quizzes.play.review import review_items
from quizzes.play.services import PlayError
from quizzes.views import bp

#: who builds quizzes: city authors for the city, county authors for their own bureau
TRAINERS = AUTHORS


def _quiz_or_404(quiz_id: int) -> Quiz:
    return db.session.get(Quiz, quiz_id) or abort(404)


def _authored(quiz_id: int) -> Quiz:
    """The quiz, if the current author may manage it (403 with the reason otherwise)."""
    quiz = _quiz_or_404(quiz_id)
    authoring.require_quiz(current_user, quiz)
    return quiz


# --- officers: quizzes and attempts ------------------------------------------------------------


@bp.route("/play/")
@any_user
def available():
    quizzes = services.available_quizzes(current_user, utcnow())
    mine = {a.quiz_id: a for a in services.history(current_user.id)}
    last = {q.id: services.last_start(q) for q in quizzes}
    return render_template(
        "quizzes/play/available.html", quizzes=quizzes, mine=mine, last=last, now=utcnow()
    )


@bp.route("/q/<int:quiz_id>")
@any_user
def quiz_detail(quiz_id):
    quiz = _quiz_or_404(quiz_id)
    refused = services.start_reasons(quiz, current_user, utcnow())
    if refused and refused[1] != 409:
        raise PlayError(*refused)
    attempts = [a for a in services.history(current_user.id) if a.quiz_id == quiz.id]
    finished = [a for a in attempts if a.status != "open"]
    return render_template(
        "quizzes/play/detail.html",
        quiz=quiz,
        refused=refused,
        attempts=attempts,
        used_up=bool(quiz.attempts_allowed) and len(finished) >= quiz.attempts_allowed,
        summary=services.schedule_summary(quiz),
    )


@bp.route("/q/<int:quiz_id>/start", methods=["POST"])
@require_role("officer")
def start(quiz_id):
    # the quiz's draw plan is kept per version: one read, then the attempt's inserts
    attempt_id = services.start_by_id(quiz_id, current_user)
    return redirect(url_for("quizzes.take", attempt_id=attempt_id))


@bp.route("/attempt/<int:attempt_id>")
@require_role("officer")
def take(attempt_id):
    attempt = services.get_attempt(attempt_id, current_user)
    services.expire_if_due(attempt, utcnow())
    if attempt.status != "open":
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    return render_template(
        "quizzes/play/take.html",
        attempt=attempt,
        quiz=attempt.quiz,
        paper=services.paper(attempt),
        remaining=_remaining(attempt),
    )


def _remaining(attempt: Attempt) -> float | None:
    """Seconds left before the attempt's server-side deadline (None without one)."""
    return (attempt.deadline_at - utcnow()).total_seconds() if attempt.deadline_at else None


#: a generous ceiling per officer on answer saves: people never get near it, scripts do
ANSWERS_PER_MINUTE = 120


def _json_body(key: str) -> dict:
    """The fetch() call's JSON object, which must hold an integer under ``key``."""
    data = request.get_json(silent=True)
    value = data.get(key) if isinstance(data, dict) else None
    # a bool is an int in Python: true must not pass as 1; positions are small non-negative
    if type(value) is not int or not 0 <= value < 2**31:
        raise Invalid("请求格式不正确")
    return data


@bp.route("/attempt/<int:attempt_id>/answer", methods=["POST"])
@require_role("officer")
def answer(attempt_id):
    data = _json_body("position")
    position = services.save_answer(
        attempt_id, current_user, data["position"], data.get("response")
    )
    # counted after the save, inside its write transaction (on SQLite the quiz write gate is
    # then already held); a refusal rolls the save back
    rate_limit(f"quiz-answer:user:{current_user.id}", ANSWERS_PER_MINUTE, 60)
    return jsonify(ok=True, position=position)


@bp.route("/attempt/<int:attempt_id>/state")
@require_role("officer")
def state(attempt_id):
    attempt = services.get_attempt(attempt_id, current_user)
    services.expire_if_due(attempt, utcnow())
    return jsonify(status=attempt.status, remaining=_remaining(attempt))


@bp.route("/attempt/<int:attempt_id>/submit", methods=["POST"])
@require_role("officer")
def submit(attempt_id):
    done = services.submit(services.get_attempt(attempt_id, current_user))
    flash("已交卷。", "success")
    # outside the campaign's dates the result page says so itself; a closed campaign is said here
    if done.not_counted and not score_outside_campaign(done.quiz.campaign_id, done.submitted_at):
        flash(f"答卷已保存，但不计入练兵成绩：{done.not_counted}", "warning")
    return redirect(url_for("quizzes.result", attempt_id=attempt_id))


@bp.route("/attempt/<int:attempt_id>/result")
@any_user
def result(attempt_id):
    attempt = db.session.get(Attempt, attempt_id) or abort(404)
    own = attempt.user_id == current_user.id
    if (
        not own
        and current_user.role != "trainer"
        and not can_manage_bureau(current_user, attempt.bureau_id)
    ):
        abort(403)
    if attempt.status == "open":
        return redirect(url_for("quizzes.take", attempt_id=attempt.id)) if own else abort(409)
    parts = services.review_parts(attempt.quiz, utcnow()) if own else None
    _say_if_outside_campaign(attempt)
    return render_template(
        "quizzes/play/result.html",
        attempt=attempt,
        quiz=attempt.quiz,
        show_score=parts is None or "score" in parts,
        items=review_items(attempt, parts, seal.competition_pool() if own else None)
        if parts is None or parts - {"score"}
        else [],
    )


def _say_if_outside_campaign(attempt: Attempt) -> None:
    """An attempt submitted outside the campaign's dates is kept but does not count: say so."""
    quiz = attempt.quiz
    reason = quiz.counts and score_outside_campaign(quiz.campaign_id, attempt.submitted_at)
    if reason:
        flash(f"本次答卷已保存，但{reason}", "warning")


@bp.route("/history")
@any_user
def history():
    attempts, now = services.history(current_user.id), utcnow()
    shown = {a.id for a in attempts if "score" in services.review_parts(a.quiz, now)}
    return render_template("quizzes/play/history.html", attempts=attempts, shown=shown)


# --- officers: practice ---------------------------------------------------------------------------


@bp.route("/practice/")
@any_user
def practice_home():
    # the city's practice banks and the officer's own bureau's
    rows = bank.list_banks(current_user.bureau_id)
    banks = [(b, bank.categories(b.id)) for b, _ in rows if b.visibility == "practice"]
    return render_template(
        "quizzes/play/practice_home.html", banks=banks, stats=practice.stats(current_user.id)
    )


def _practice_pick(source: str, category_id: int | None, index: int) -> int | None:
    if source == "wrongbook":
        ids = [e.question_id for e in practice.wrong_book(current_user.id)]
        return ids[index % len(ids)] if ids else None
    if source == "daily":
        ids = practice.daily_set(current_user.id, to_local(utcnow()).date())
        return ids[index] if index < len(ids) else None
    return practice.next_question(current_user.id, category_id, source)


def _daily_index(index: int | None) -> int:
    """The daily set resumes at the first question not answered today (unless ``i`` is given)."""
    if index is not None:
        return max(0, index)
    day = to_local(utcnow()).date()
    return practice.daily_resume_index(
        current_user.id, practice.daily_set(current_user.id, day), day
    )


@bp.route("/practice/<source>")
@any_user
def practice_question(source):
    if source not in practice.SOURCES:
        abort(404)
    services.expire_mine(current_user.id)
    if practice.in_graded_attempt(current_user.id):
        flash("你有正在进行的考试或竞赛，交卷后才能练习。", "warning")
        return redirect(url_for("quizzes.available")), 303
    category_id, index = request.args.get("category", type=int), request.args.get("i", type=int)
    index = _daily_index(index) if source == "daily" else max(0, index or 0)
    question_id = _practice_pick(source, category_id, index)
    if question_id is None:
        return render_template(
            "quizzes/play/practice_done.html", source=source, label=practice.SOURCES[source]
        )
    question, version = practice.question_for_practice(question_id, current_user.id)
    return render_template(
        "quizzes/play/practice_question.html",
        source=source,
        label=practice.SOURCES[source],
        question=question,
        item=_practice_item(version, index + 1 if source == "daily" else 1),
        category_id=category_id,
        index=index,
    )


def _practice_item(version, number: int) -> dict:
    view = qtypes.get(version.qtype).public_view(version.content)
    if "options" in view:
        view["options"] = [{"index": i, "text": t} for i, t in enumerate(view["options"])]
    return {
        "position": number,
        "qtype": version.qtype,
        "label": qtypes.LABELS[version.qtype],
        "stem": version.stem,
        "points": None,
        "view": view,
        "response": None,
    }


@bp.route("/practice/answer", methods=["POST"])
@any_user
def practice_answer():
    rate_limit(f"quiz-practice:user:{current_user.id}", ANSWERS_PER_MINUTE, 60)
    data = _json_body("question_id")
    services.expire_mine(current_user.id)
    outcome = practice.answer(
        current_user.id, data["question_id"], data.get("response"), str(data.get("source"))
    )
    return jsonify(ok=True, **outcome)


@bp.route("/wrongbook")
@any_user
def wrongbook():
    return render_template(
        "quizzes/play/wrongbook.html", rows=practice.book_with_questions(current_user.id)
    )


@bp.route("/wrongbook/<int:question_id>")
@any_user
def wrongbook_item(question_id):
    services.expire_mine(current_user.id)
    practice.refuse_during_attempt(current_user.id)
    data = practice.book_entry(current_user.id, question_id)
    return render_template("quizzes/play/wrongbook_item.html", **data)


# --- trainers: building quizzes -------------------------------------------------------------------


def _quiz_data(form: QuizForm) -> services.QuizData:
    """Form → plain data; audience users are given by username."""
    ids = form.audience_bureaus.data if form.audience.data == "bureaus" else []
    if form.audience.data == "users":
        names = [
            n.strip()
            for n in (form.audience_users.data or "").replace("，", ",").split(",")
            if n.strip()
        ]
        ids = services.audience_user_ids(names)
    return services.QuizData(
        title=form.title.data,
        mode=form.mode.data,
        description=form.description.data or "",
        time_limit_minutes=form.time_limit_minutes.data,
        opens_at=local_to_utc(form.opens_at.data) if form.opens_at.data else None,
        closes_at=local_to_utc(form.closes_at.data) if form.closes_at.data else None,
        attempts_allowed=form.attempts_allowed.data,
        grading=form.grading.data,
        shuffle_questions=form.shuffle_questions.data,
        shuffle_options=form.shuffle_options.data,
        partial_credit=form.partial_credit.data,
        review_after=_parts(form.review_after.data, form),
        review_closed=_parts(form.review_closed.data, form),
        audience=form.audience.data,
        audience_ids=ids,
        counts=form.counts.data,
        staggered_start=form.staggered_start.data,
    )


def _parts(ticked: list[str] | None, form: QuizForm) -> str | None:
    """Ticked review options; None (the mode's defaults) for a new quiz with none ticked."""
    if request.form.get("review_set") or form.review_after.data or form.review_closed.data:
        return ",".join(ticked or [])
    return None


def _quiz_form(quiz: Quiz | None) -> QuizForm:
    form = QuizForm(obj=quiz)
    owner = quiz.owner_bureau_id if quiz else authoring.owner_for(current_user)
    bureaus = select(Bureau).order_by(Bureau.code)
    if owner is not None:
        bureaus = bureaus.where(Bureau.id == owner)
    form.audience_bureaus.choices = [(b.id, b.short_name) for b in db.session.scalars(bureaus)]
    if quiz is not None and request.method == "GET":
        form.opens_at.data = to_local(quiz.opens_at).replace(tzinfo=None) if quiz.opens_at else None
        form.closes_at.data = (
            to_local(quiz.closes_at).replace(tzinfo=None) if quiz.closes_at else None
        )
        form.audience_bureaus.data = quiz.audience_ids if quiz.audience == "bureaus" else []
        form.review_after.data = [p for p in quiz.review_after.split(",") if p]
        form.review_closed.data = [p for p in quiz.review_closed.split(",") if p]
        if quiz.audience == "users":
            form.audience_users.data = ",".join(services.usernames(quiz.audience_ids))
    return form


@bp.route("/manage/")
@require_role(*TRAINERS)
def manage():
    stmt = authoring.scope_quizzes(select(Quiz), current_user, Quiz.owner_bureau_id)
    quizzes = db.session.scalars(stmt.order_by(Quiz.id.desc())).all()
    return render_template("quizzes/play/manage.html", quizzes=quizzes)


@bp.route("/overview")
@require_role("bureau_admin", "city_admin")
def overview():
    stmt = select(Quiz).where(Quiz.is_published.is_(True))
    readable = readable_bureaus(current_user)
    if readable is not None:  # the city's quizzes, and those of the bureaus the admin reads
        stmt = stmt.where(or_(Quiz.owner_bureau_id.is_(None), Quiz.owner_bureau_id.in_(readable)))
    quizzes = db.session.scalars(stmt.order_by(Quiz.id.desc())).all()
    return render_template("quizzes/play/overview.html", quizzes=quizzes)


@bp.route("/manage/new", methods=["GET", "POST"])
@bp.route("/manage/<int:quiz_id>/edit", methods=["GET", "POST"])
@require_role(*TRAINERS)
def quiz_form(quiz_id=None):
    quiz = _authored(quiz_id) if quiz_id else None
    form = _quiz_form(quiz)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("quizzes/play/quiz_form.html", form=form, quiz=quiz), form_status(
            form
        )
    try:
        data = _quiz_data(form)
        quiz = (
            services.update_quiz(quiz, data)
            if quiz
            else services.create_quiz(data, current_user.id, authoring.owner_for(current_user))
        )
    except PlayError as err:
        return rerender(err, "quizzes/play/quiz_form.html", form=form, quiz=quiz)
    return redirect(url_for("quizzes.builder", quiz_id=quiz.id))


def _banks() -> list:
    """The banks the author may draw from: all for the city, the city's and its own for a county."""
    return [b for b, _ in bank.list_banks(authoring.owner_for(current_user))]


def _slot_form() -> SlotForm:
    form = SlotForm()
    banks = _banks()
    form.bank_id.choices = [(b.id, b.name) for b in banks]
    form.category_id.choices = [(0, "（不随机抽题）")] + [
        (c.id, f"{b.name} / {c.path}") for b in banks for c in bank.categories(b.id)
    ]
    form.qtype.choices = [("", "任意题型")] + list(qtypes.LABELS.items())
    return form


@bp.route("/manage/<int:quiz_id>")
@require_role(*TRAINERS)
def builder(quiz_id):
    quiz = _authored(quiz_id)
    return render_template("quizzes/play/builder.html", **_builder_context(quiz, _slot_form()))


def _builder_context(quiz: Quiz, form: SlotForm) -> dict:
    """What the builder page shows: content, sample paper on request, the bank browser."""
    sample, sample_error = [], ""
    if request.args.get("preview") and quiz.slots:
        try:
            sample = services.sample_paper(quiz, current_user.id)
        except PlayError as exc:
            sample_error = "；".join(exc.reasons)
    browse = services.BrowseQuery.from_args(request.args)
    return {
        "quiz": quiz,
        "form": form,
        "sample": sample,
        "sample_error": sample_error,
        "reasons": services.content_reasons(quiz),
        "names": services.slot_names(quiz),
        "qtype_labels": qtypes.LABELS,
        "banks": _banks(),
        "browse": browse,
        "found": services.browse(browse, quiz),
    }


@bp.route("/manage/<int:quiz_id>/slots", methods=["POST"])
@require_role(*TRAINERS)
def slot_add(quiz_id):
    quiz = _authored(quiz_id)
    form = _slot_form()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("quizzes/play/builder.html", **_builder_context(quiz, form)), 400
    try:
        services.add_slot(quiz, _slot_data(form))
    except PlayError as err:
        return rerender(err, "quizzes/play/builder.html", **_builder_context(quiz, form))
    return redirect(url_for("quizzes.builder", quiz_id=quiz.id))


@bp.route("/manage/<int:quiz_id>/slots/pick", methods=["POST"])
@require_role(*TRAINERS)
def slot_pick(quiz_id):
    quiz = _authored(quiz_id)
    ids = request.form.getlist("question_id", type=int)
    points = request.form.get("points", 1.0, type=float)
    added = services.add_fixed_questions(quiz, ids, points)
    flash(f"已加入 {added} 道题。", "success")
    return redirect(url_for("quizzes.builder", quiz_id=quiz.id))


def _slot_data(form: SlotForm) -> services.SlotData:
    return services.SlotData(
        points=form.points.data,
        bank_id=form.bank_id.data,
        question_code=form.question_code.data or "",
        category_id=form.category_id.data or None,
        qtype=form.qtype.data or "",
        count=form.count.data,
        min_difficulty=form.min_difficulty.data,
        max_difficulty=form.max_difficulty.data,
    )


@bp.route("/manage/<int:quiz_id>/slots/<int:slot_id>/delete", methods=["POST"])
@require_role(*TRAINERS)
def slot_delete(quiz_id, slot_id):
    services.remove_slot(_authored(quiz_id), slot_id)
    return redirect(url_for("quizzes.builder", quiz_id=quiz_id))


@bp.route("/manage/<int:quiz_id>/publish", methods=["POST"])
@require_role(*TRAINERS)
def publish(quiz_id):
    quiz = _authored(quiz_id)
    services.publish(quiz, request.form.get("published", "1") == "1")
    flash("已发布。" if quiz.is_published else "已撤回发布。", "success")
    return redirect(url_for("quizzes.builder", quiz_id=quiz.id))


# --- staff: attempts, essays, statistics, regrades ------------------------------------------------


@bp.route("/manage/<int:quiz_id>/attempts")
@require_role(*STAFF)
def attempts(quiz_id):
    quiz = _quiz_or_404(quiz_id)
    stmt = (
        select(Attempt, User)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz.id)
    )
    if current_user.role == "bureau_admin":
        stmt = scope_to_bureau(stmt, current_user, Attempt.bureau_id)
    rows = db.session.execute(stmt.order_by(Attempt.score.desc(), Attempt.id)).all()
    return render_template("quizzes/play/attempts.html", quiz=quiz, rows=rows)


@bp.route("/essays")
@require_role(*TRAINERS)
def essays():
    queue = services.essay_queue(
        request.args.get("quiz", type=int), authoring.owner_for(current_user)
    )
    return render_template(
        "quizzes/play/essays.html", queue=queue, items=_essay_views(queue), form=GradeForm()
    )


def _essay_views(queue: list[AttemptItem]) -> dict[int, dict]:
    versions = {i.id: bank.version_by_id(i.version_id) for i in queue}
    return {
        i.id: {
            "stem": versions[i.id].stem,
            "reference": qtypes.get("essay").key_text(versions[i.id].content)
            if versions[i.id].qtype == "essay"
            else "",
            "answer": i.response or "",
        }
        for i in queue
    }


@bp.route("/essays/<int:item_id>", methods=["POST"])
@require_role(*TRAINERS)
def grade(item_id):
    form = GradeForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("quizzes.essays")), 303
    item = services.grade_essay(item_id, form.points.data, form.feedback.data or "", current_user)
    if item.not_counted:
        flash(f"已评分，但成绩未记入练兵成绩：{item.not_counted}", "warning")
    else:
        flash("已评分。", "success")
    return redirect(url_for("quizzes.essays"))


@bp.route("/manage/<int:quiz_id>/stats")
@require_role(*TRAINERS)
def stats(quiz_id):
    quiz = _authored(quiz_id)
    services.expire_quiz(quiz, utcnow())
    result = analysis.analyse(analysis.load(quiz.id))
    return render_template("quizzes/play/stats.html", quiz=quiz, result=result, form=RegradeForm())


@bp.route("/manage/<int:quiz_id>/stats.xlsx")
@require_role(*TRAINERS)
def stats_xlsx(quiz_id):
    quiz = _authored(quiz_id)
    return download(analysis.export(quiz, current_user.id), f"试题分析-{quiz.title}.xlsx", XLSX)


@bp.route("/manage/<int:quiz_id>/regrade/<int:question_id>", methods=["POST"])
@require_role(*TRAINERS)
def regrade(quiz_id, question_id):
    quiz = _authored(quiz_id)
    form = RegradeForm()
    if not form.validate_on_submit():
        abort(400)
    changed = services.regrade_question(quiz, question_id, current_user, form.reason.data or "")
    flash(f"已按当前答案重新评分，{changed} 份答卷的成绩有变化。", "success")
    return redirect(url_for("quizzes.stats", quiz_id=quiz.id))


# --- competitions: leaderboard and projector ------------------------------------------------------


def _visible_quiz(quiz_id: int) -> Quiz:
    quiz = _quiz_or_404(quiz_id)
    if not quiz.is_published and not (
        current_user.role in TRAINERS and may_author(current_user, quiz.owner_bureau_id)
    ):
        abort(404)
    return quiz


@bp.route("/q/<int:quiz_id>/board")
@any_user
def leaderboard(quiz_id):
    quiz = _visible_quiz(quiz_id)
    data = board.board(quiz, utcnow())
    return render_template("quizzes/play/board.html", quiz=quiz, data=data)


@bp.route("/q/<int:quiz_id>/board.json")
@any_user
def board_json(quiz_id):
    quiz = _visible_quiz(quiz_id)
    data = board.board(quiz, utcnow())
    return jsonify(data)


@bp.route("/q/<int:quiz_id>/projector")
@any_user
def projector(quiz_id):
    quiz = _visible_quiz(quiz_id)
    data = board.board(quiz, utcnow())
    return render_template("quizzes/play/projector.html", quiz=quiz, data=data, top=board.top(data))


def dashboard(user) -> list[dict]:
    """Home cards: open quizzes for officers, the essay queue for trainers."""
    if user.role == "officer":
        open_ = [
            q
            for q in services.available_quizzes(user, utcnow())
            if not services.is_closed(q, utcnow())
        ]
        return [
            {
                "title": "测验与竞赛",
                "url": url_for("quizzes.available"),
                "detail": f"{len(open_)} 项可参加",
            }
        ]
    if user.role in TRAINERS:
        return [
            {
                "title": "简答题待批改",
                "url": url_for("quizzes.essays"),
                "detail": f"{len(services.essay_queue(None, authoring.owner_for(user)))} 份",
            }
        ]
    return []
