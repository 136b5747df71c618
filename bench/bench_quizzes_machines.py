"""Two app machines against one: the start storm and answer saving of bench_quizzes_storm with
two gunicorn masters of WORKERS/2 workers each on one database, every request going to the
other master than the one before (an officer's next request too), beside one master with all
WORKERS workers. Goal: the two within 10% of the one. Each setup starts its own competition
with the same 1,000 officers, then saves ANSWERS answers each; every answer is then checked
stored exactly once. Versions and caches in Redis when BENCH_REDIS_URL is set (both setups),
else in the database.

The setups run one after the other on one database, so the second meets the first's rows. Both
start on a past competition every officer has taken, and the planner's statistics of attempts
and items are brought up to date before each storm (as autovacuum would; the test server runs
none): without that the second setup's starts were planned on grown tables never analyzed,
and PostgreSQL's default estimates read every answer row of the database per start (0033).
Each setup keeps its own Redis keys, and every officer's session is due its once-a-minute
``last_seen`` write at each start storm.
"""

from __future__ import annotations

import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from time import perf_counter

from sqlalchemy import insert, select, update

from bench import bench_quizzes_storm as storm
from bench.common import bench_app, line
from lianbing.accounts import sessions
from lianbing.accounts.models import User, UserSession
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from quizzes.models import QuestionVersion
from quizzes.play.models import Attempt, AttemptItem

TARGET = "bench.bench_quizzes_storm:storm_app()"


def _setups(url: str) -> dict[str, list[int]]:
    """One master of WORKERS workers, and two of half as many; the ports of each setup."""
    one = [storm._serve(TARGET, url, storm.WORKERS, _environment())]
    extra = _environment()  # the two masters share their Redis keys, as one deployment
    two = [storm._serve(TARGET, url, storm.WORKERS // 2, extra) for _ in range(2)]
    return {"one": one, "two": two}


def _environment() -> dict[str, str]:
    """A setup's environment: its own Redis key prefix (versions and caches), so neither setup
    finds the keys the other has made (each creates every officer's version key, once)."""
    extra = {"LOG_LEVEL": "WARNING"}
    if os.environ.get("BENCH_REDIS_URL"):
        extra |= {
            "REDIS_URL": os.environ["BENCH_REDIS_URL"],
            "REDIS_PREFIX": f"bench-{secrets.token_hex(4)}:",
        }
    return extra


def _seed_history(quiz_id: int, officers: list[tuple[int, int]]) -> None:
    """Every officer (id, bureau) took ``quiz_id`` before (a submitted attempt of PAPER
    questions): the tables a start reads hold history before the first setup as before the
    second."""
    versions = db.session.execute(select(QuestionVersion.question_id, QuestionVersion.id)).all()
    now = utcnow()
    db.session.execute(
        insert(Attempt),
        [
            {"quiz_id": quiz_id, "user_id": u, "bureau_id": b, "status": "submitted"}
            | {"started_at": now, "submitted_at": now, "max_score": storm.PAPER}
            for u, b in officers
        ],
    )
    attempts = db.session.scalars(select(Attempt.id).where(Attempt.quiz_id == quiz_id)).all()
    db.session.execute(
        insert(AttemptItem),
        [
            {"attempt_id": a, "position": p + 1, "slot_no": p + 1, "points": 1}
            | dict(zip(("question_id", "version_id"), versions[(a + p) % len(versions)]))
            for a in attempts
            for p in range(storm.PAPER)
        ],
    )
    db.session.execute(update(QuestionVersion).values(is_frozen=True))  # they were answered
    db.session.commit()


def _analyze() -> None:
    """The planner's statistics of the attempts and their items brought up to date, as
    autovacuum does as they grow. Only these: they hold history, and a table analyzed while
    empty (the counters without Redis) is then planned as empty while it fills."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (Attempt.__tablename__, AttemptItem.__tablename__):
            conn.exec_driver_sql(f"ANALYZE {table}")


def _age_sessions() -> None:
    """Every session last seen long enough ago that its next request writes ``last_seen`` (an
    officer's who logged in minutes before the storm), whichever setup serves it."""
    db.session.execute(update(UserSession).values(last_seen=utcnow() - 2 * sessions.TOUCH_EVERY))
    db.session.commit()


def _fire(jobs: list[tuple]) -> tuple[list, float, float]:
    """The requests (each naming its port) from CLIENT_THREADS threads: (results, wall seconds,
    server CPU ms per request summed over every master that served them)."""
    ports = sorted({job[0] for job in jobs})
    cpu = sum(storm._server_cpu(p) for p in ports)
    started = perf_counter()
    with ThreadPoolExecutor(storm.CLIENT_THREADS) as pool:
        results = list(pool.map(lambda job: storm._request(*job), jobs))
    wall = perf_counter() - started
    used = (sum(storm._server_cpu(p) for p in ports) - cpu) / len(jobs) * 1000
    return results, wall, used


def _run(ports: list[int], quiz_id: int, cookies: dict) -> dict[str, float]:
    """Start storm then answer saves on ``ports`` (alternating when two); the figures."""
    order = list(cookies.items())
    starts = [
        (ports[n % len(ports)], f"/quizzes/q/{quiz_id}/start", c, t)
        for n, (_, (c, t)) in enumerate(order)
    ]
    _age_sessions()
    _analyze()
    results, start_wall, start_cpu = _fire(starts)
    assert all(r[0] == 302 for r in results), sorted({r[0] for r in results})
    attempts = dict(
        db.session.execute(
            select(Attempt.user_id, Attempt.id).where(Attempt.quiz_id == quiz_id)
        ).all()
    )
    saves = [
        (
            ports[(n + p) % len(ports)],
            f"/quizzes/attempt/{attempts[u]}/answer",
            c,
            t,
            {"position": p, "response": (u + p) % 4},
        )
        for p in range(1, storm.ANSWERS + 1)
        for n, (u, (c, t)) in enumerate(order)
    ]
    _analyze()
    results, save_wall, save_cpu = _fire(saves)
    assert all(r[0] == 200 for r in results), sorted({r[0] for r in results})
    _verify(attempts)
    return {
        "start_wall": start_wall,
        "start_cpu": start_cpu,
        "save_rate": len(saves) / save_wall,
        "save_cpu": save_cpu,
    }


def _verify(attempts: dict[int, int]) -> None:
    """Every answer sent to this competition stored exactly once, with the value sent."""
    db.session.expire_all()
    rows = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.position, AttemptItem.response).where(
            AttemptItem.attempt_id.in_(list(attempts.values())),
            AttemptItem.response.is_not(None),
        )
    ).all()
    expected = {
        (a, p, (u + p) % 4) for u, a in attempts.items() for p in range(1, storm.ANSWERS + 1)
    }
    assert len(rows) == len(expected) and set(rows) == expected, "answers lost or duplicated"


def _officers() -> list[tuple[int, int]]:
    return db.session.execute(select(User.id, User.bureau_id).where(User.username.like("s%"))).all()


def _lines(one: dict, two: dict, backend: str) -> None:
    half = storm.WORKERS // 2
    what = f"{storm.WORKERS} workers on one master"
    line(
        f"quizzes.two_machines_start_storm_wall_{backend}",
        two["start_wall"],
        "s",
        one["start_wall"],
        f"s {what}",
    )
    line(
        f"quizzes.two_machines_answer_save_throughput_{backend}",
        two["save_rate"],
        "req/s",
        one["save_rate"],
        f"req/s {what}",
    )
    for key, name in (("start_cpu", "start"), ("save_cpu", "answer_save")):
        line(
            f"quizzes.two_machines_{name}_server_cpu_{backend}",
            two[key],
            "ms/request",
            one[key],
            f"ms/request {what}",
        )
    print(f"# two masters of {half} workers each, every request to the other one")


def main() -> None:
    with bench_app() as app:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        backend = url.split(":")[0].split("+")[0]
        app.config["SECRET_KEY"] = storm.SECRET
        quizzes = [storm._seed(), storm._seed_competition().id]
        db.session.commit()
        _seed_history(storm._seed_competition().id, _officers())
        cookies = storm._cookies(app)
        setups = _setups(url)
        try:
            figures = {
                name: _run([port for _, port in servers], quiz_id, cookies)
                for (name, servers), quiz_id in zip(setups.items(), quizzes)
            }
        finally:
            for servers in setups.values():
                for proc, _ in servers:
                    storm._stop(proc)
        _lines(figures["one"], figures["two"], backend)
        print(f"# verified: every answer stored exactly once ({backend})")
        storm.BARE.drop(db.engine)


if __name__ == "__main__":
    main()
