"""Start storm and answer saving under gunicorn, beside a bare endpoint that inserts one row.

1,000 officers start one competition at once (a pool of client threads on loopback fires all
starts as fast as the server takes them): every start must succeed; p50/p99 and wall time
beside the same number of requests to a bare Flask endpoint inserting one row into the same
database. Then the same 1,000 officers save answers (ANSWERS each, interleaved): throughput and
p99 beside the bare endpoint; afterwards every answer sent must be stored exactly once.
Runs on the default SQLite, or on BENCH_DATABASE_URL (PostgreSQL). Real sessions and CSRF.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, insert, select

from bench.common import bench_app, line, percentile
from lianbing import Config, create_app
from lianbing.accounts import sessions
from lianbing.accounts.models import Bureau, User
from lianbing.auth import any_user
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from quizzes import services as bank_services
from quizzes.models import Category
from quizzes.play import services
from quizzes.play.models import Attempt, AttemptItem
from quizzes.services import QuestionData

OFFICERS, QUESTIONS, PAPER, ANSWERS = 1000, 40, 10, 5
CLIENT_THREADS, WORKERS = 100, 4
SECRET = "bench-" + secrets.token_hex(8)
ROOT = Path(__file__).resolve().parent.parent
OPTIONS = [{"text": t, "weight": w} for t, w in (("甲", 1.0), ("乙", 0), ("丙", 0), ("丁", 0))]
BARE = Table(
    "bench_bare_rows",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("who", String(40)),
)


def storm_app():
    """The real application for gunicorn (DATABASE_URL and SECRET_KEY from the environment),
    plus one bench-only route: a logged-in, CSRF-checked POST inserting one row
    (the app's floor)."""
    app = create_app(Config())
    app.add_url_rule("/bench/floor", "bench_floor", _floor, methods=["POST"])
    return app


@any_user
def _floor():
    db.session.execute(insert(BARE).values(who="x"))
    db.session.commit()
    return {"ok": True}


def bare_app():
    """A tiny Flask app whose one endpoint inserts one row: the floor for a write request."""
    app = Flask("bare")
    engine = create_engine(os.environ["DATABASE_URL"])

    @app.post("/bare")
    def bare():
        with engine.begin() as conn:
            conn.execute(insert(BARE).values(who="x"))
        return {"ok": True}

    return app


# --- data and sessions ----------------------------------------------------------------------------


def _seed() -> int:
    bureau = Bureau(name="基准单位", short_name="基准", code="999999", level="county")
    db.session.add(bureau)
    db.session.flush()
    _seed_officers(bureau.id)
    _seed_bank()
    quiz = _seed_competition()
    db.session.commit()
    BARE.drop(db.engine, checkfirst=True)  # left by a run that stopped half-way
    BARE.create(db.engine)
    return quiz.id


def _seed_officers(bureau_id: int) -> None:
    db.session.execute(
        insert(User),
        [
            {
                "username": f"s{i}",
                "display_name": f"s{i}",
                "password_hash": "x",
                "role": "officer",
                "bureau_id": bureau_id,
            }
            for i in range(OFFICERS)
        ],
    )


def _seed_bank() -> None:
    bank = bank_services.create_bank("基准题库")
    for j in range(QUESTIONS):
        bank_services.create_question(
            bank,
            QuestionData(
                qtype="single", stem=f"题 {j}", content={"options": OPTIONS}, category="竞赛"
            ),
        )


def _seed_competition():
    """A published, open competition drawing PAPER questions from the bank's one category."""
    category = db.session.scalar(select(Category))
    quiz = services.create_quiz(
        services.QuizData(
            title="基准竞赛",
            mode="competition",
            time_limit_minutes=60,
            opens_at=utcnow() - timedelta(minutes=1),
            closes_at=utcnow() + timedelta(hours=2),
            staggered_start=True,
            shuffle_questions=True,
            shuffle_options=True,
        ),
        None,
    )
    services.add_slot(
        quiz, services.SlotData(points=1, category_id=category.id, qtype="single", count=PAPER)
    )
    services.publish(quiz)
    return quiz


def _cookies(app) -> dict[int, tuple[str, str]]:
    """A signed session cookie (with a live server-side session) and CSRF header per officer,
    as a login would leave them."""
    serializer = app.session_interface.get_signing_serializer(app)
    csrf = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    # Flask-Login's session identifier (the address's and the User-Agent's bytes, formatted as
    # it does): a cookie whose identifier differs is marked not fresh and re-signed on every
    # request, which a browser's real login cookie never is
    ident = hashlib.sha512(f"{b'127.0.0.1'}|{b'bench'}".encode()).hexdigest()
    out = {}
    for user in db.session.scalars(select(User).where(User.username.like("s%"))):
        raw, sid = secrets.token_hex(20), sessions.start(user, "127.0.0.1", "bench")
        cookie = serializer.dumps(
            {
                "_user_id": str(user.id),
                "_fresh": True,
                "_id": ident,
                "csrf_token": raw,
                sessions.COOKIE_KEY: sid,
            }
        )
        out[user.id] = (f"session={cookie}", csrf.dumps(raw))
    db.session.commit()
    return out


# --- servers and client ---------------------------------------------------------------------------


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(
    target: str, url: str, workers: int = WORKERS, extra: dict | None = None
) -> tuple[subprocess.Popen, int]:
    """A gunicorn master with ``workers`` sync workers on a free port, booted and warm;
    ``extra`` environment on top of the database URL and the shared secret key."""
    port = _port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "LIANBING_INSTANCE": tempfile.mkdtemp(),
        **(extra or {}),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "--no-control-socket",
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                _warm(port, workers)
                SERVERS[port] = proc
                return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start: {target}")


def _warm(port: int, workers: int = WORKERS) -> None:
    """Wait until every worker has booted (the port opens before the workers have built the app):
    rounds of concurrent GETs until a whole round answers quickly, so no figure includes a boot."""
    for _ in range(60):
        started = time.perf_counter()
        with ThreadPoolExecutor(4 * workers) as pool:
            list(pool.map(lambda _: _get(port, "/bench/warm"), range(4 * workers)))
        if time.perf_counter() - started < 0.3:
            return


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def _request(
    port: int, path: str, cookie: str = "", token: str = "", body: dict | None = None
) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {
        "User-Agent": "bench",
        "Cookie": cookie,
        "X-CSRFToken": token,
        "Content-Type": "application/json",
    }
    conn.request("POST", path, body=json.dumps(body or {}), headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, time.perf_counter() - started, data


#: the gunicorn master serving each port (for its workers' CPU time)
SERVERS: dict[int, subprocess.Popen] = {}
#: server CPU seconds of the last _fire, by port
CPU: dict[int, float] = {}


def _server_cpu(port: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master on ``port`` and its
    workers: a figure the load other processes put on the machine does not inflate much."""
    master = SERVERS[port].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in [master, *map(int, children)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _fire(jobs: list[tuple]) -> tuple[list[tuple[int, float, bytes]], float]:
    port = jobs[0][0]
    cpu = _server_cpu(port)
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        results = list(pool.map(lambda job: _request(*job), jobs))
    wall = time.perf_counter() - started
    CPU[port] = (_server_cpu(port) - cpu) / len(jobs) * 1000
    return results, wall


def _latencies(results) -> list[float]:
    return [r[1] * 1000 for r in results]


# --- the two figures ------------------------------------------------------------------------------


def _start_storm(port, bare_port, quiz_id, cookies, backend) -> None:
    results, wall = _fire(
        [(port, f"/quizzes/q/{quiz_id}/start", c, t) for c, t in cookies.values()]
    )
    start_cpu = CPU[port]
    bare, bare_wall = _fire([(bare_port, "/bare")] * OFFICERS)
    ok = sum(1 for status, _, _ in results if status == 302)
    assert ok == OFFICERS, (
        f"only {ok} of {OFFICERS} starts succeeded: {sorted({r[0] for r in results})}"
    )
    lat, base = _latencies(results), _latencies(bare)
    line(
        f"quizzes.start_storm_p50_{backend}",
        percentile(lat, 50),
        "ms",
        percentile(base, 50),
        "ms bare insert",
    )
    line(
        f"quizzes.start_storm_p99_{backend}",
        percentile(lat, 99),
        "ms",
        percentile(base, 99),
        "ms bare insert",
    )
    line(f"quizzes.start_storm_wall_{backend}", wall, "s", bare_wall, "s bare insert")
    line(
        f"quizzes.start_storm_server_cpu_{backend}",
        start_cpu,
        "ms/request",
        CPU[bare_port],
        "ms/request bare insert",
    )


def _answer_storm(port, bare_port, cookies, backend) -> None:
    attempts = dict(db.session.execute(select(Attempt.user_id, Attempt.id)).all())
    jobs = _answer_jobs(port, attempts, cookies)
    results, wall = _fire(jobs)
    save_cpu = CPU[port]
    bare, bare_wall = _fire([(bare_port, "/bare")] * len(jobs))
    floor, floor_wall = _fire([(port, "/bench/floor", c, t) for _, _, c, t, _ in jobs])
    _cpu_lines(save_cpu, CPU[port], CPU[bare_port], backend)
    assert all(r[0] == 200 for r in results + floor), sorted({r[0] for r in results + floor})
    _answer_lines(len(jobs), (results, wall), (bare, bare_wall), floor_wall, backend)
    _verify(attempts)


def _answer_jobs(port, attempts: dict[int, int], cookies) -> list[tuple]:
    """ANSWERS saves per officer, interleaved (every officer's first answer, then the second…)."""
    return [
        (
            port,
            f"/quizzes/attempt/{attempts[u]}/answer",
            c,
            t,
            {"position": p, "response": (u + p) % 4},
        )
        for p in range(1, ANSWERS + 1)
        for u, (c, t) in cookies.items()
    ]


def _answer_lines(count: int, saved, bare, floor_wall: float, backend: str) -> None:
    """Answer-save throughput and p99 beside the bare insert, throughput beside the app floor;
    ``saved`` and ``bare`` are (results, wall) of the ``count`` requests each."""
    (results, wall), (bare_results, bare_wall) = saved, bare
    line(
        f"quizzes.answer_save_throughput_{backend}",
        count / wall,
        "req/s",
        count / bare_wall,
        "req/s bare insert",
    )
    line(
        f"quizzes.answer_save_vs_app_floor_{backend}",
        count / wall,
        "req/s",
        count / floor_wall,
        "req/s same app, logged in, CSRF, one-row insert",
    )
    line(
        f"quizzes.answer_save_p99_{backend}",
        percentile(_latencies(results), 99),
        "ms",
        percentile(_latencies(bare_results), 99),
        "ms bare insert",
    )


def _cpu_lines(save: float, floor: float, bare: float, backend: str) -> None:
    line(
        f"quizzes.answer_save_server_cpu_{backend}",
        save,
        "ms/request",
        bare,
        "ms/request bare insert",
    )
    line(
        f"quizzes.app_floor_server_cpu_{backend}",
        floor,
        "ms/request",
        bare,
        "ms/request bare insert",
    )


def _verify(attempts: dict[int, int]) -> None:
    """Every answer sent is stored exactly once, with the value sent."""
    db.session.expire_all()
    rows = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.position, AttemptItem.response).where(
            AttemptItem.response.is_not(None)
        )
    ).all()
    by_attempt = {a: u for u, a in attempts.items()}
    expected = {(a, p, (by_attempt[a] + p) % 4) for a in by_attempt for p in range(1, ANSWERS + 1)}
    assert len(rows) == len(expected) and set(rows) == expected, (
        "answers lost, duplicated or changed"
    )
    print(f"# verified: {len(rows)} answers stored exactly once")


def main() -> None:
    with bench_app() as app:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        backend = url.split(":")[0].split("+")[0]
        app.config["SECRET_KEY"] = SECRET
        quiz_id = _seed()
        cookies = _cookies(app)
        real, port = _serve("bench.bench_quizzes_storm:storm_app()", url)
        bare, bare_port = _serve("bench.bench_quizzes_storm:bare_app()", url)
        try:
            _start_storm(port, bare_port, quiz_id, cookies, backend)
            _answer_storm(port, bare_port, cookies, backend)
        finally:
            _stop(real)
            _stop(bare)
        count = db.session.scalar(select(func.count()).select_from(Attempt))
        print(
            f"# {backend}: {count} attempts, {WORKERS} gunicorn sync workers,"
            f" {CLIENT_THREADS} client threads"
        )
        BARE.drop(db.engine)


if __name__ == "__main__":
    main()
