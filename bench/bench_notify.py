"""Notifications: ``flask notify run`` for 10,000 officers × 5 due events.

Scale: 10,000 active officers with e-mail addresses in the 8 demo counties, three competitions
opening and two study plans falling due (5 events each, 50,000 notices), one 企业微信 robot per
county. The figure is one ``notify run`` (the same steps as ``run_once``, timed in two halves):
collect and enqueue, then send every e-mail to a local SMTP server (aiosmtpd, in its own process
as a mail server would be) and every robot message to a local HTTP receiver. The 50,000
e-mails are 5 distinct messages, so they go out as SMTP transactions of up to 1,000
envelope recipients each (Postfix's default limit), the envelope of each pipelined in one
write (the server offers PIPELINING, as production mail servers do). Baseline in the same
run: the same number of bare SMTP sends (smtplib, one connection, one transaction per
message, in a loop) to the same server.
Goal: under 10 s.

The SMTP server is aiosmtpd with two costs a C relay (Postfix) does not pay taken out (see
``_Relay``): it answered each pipelined command with its own write, and parsed every address
with the email package's RFC 5322 parser, 4.7 of its 5.8 s CPU for 50,000 recipients.

Measured (decision 0017's addendum has the history), 2 cores shared with other work: on
SQLite 7.9 s at load 8-16 (100 recipients per transaction; CPU 2.0 s in the run, 0.6 s in
the server) against 133 s of bare sends, 16.2 s at load 17-19 (1,000 per transaction; CPU
1.6 s and 0.6 s) against 97 s; on PostgreSQL 16.9 s at load 15-17 (CPU 0.8 s and 0.65 s)
against 87 s. The wall is that CPU stretched by the machine's load.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import smtplib
import socket
import threading
import time
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from bench.common import bench_app, line
from lianbing.accounts import demo as accounts_demo
from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.cli import load_campaign_demo
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.notify import outbox
from lianbing.notify.cli import run_once
from lianbing.notify.models import Delivery, Robot
from quizzes.play.models import Quiz
from training.modules.models import Module
from training.plans.models import StudyPlan

OFFICERS = int(os.environ.get("BENCH_NOTIFY_OFFICERS", "10000"))


class _Counter:
    """Counts the recipients of accepted messages in a value shared with the bench process.

    Offers PIPELINING (RFC 2920) in its EHLO answer, as Postfix, Exim and Exchange do.
    """

    def __init__(self, value) -> None:
        self.value = value

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.value.get_lock():
            self.value.value += len(envelope.rcpt_tos)
        return "250 OK"


#: an envelope address that needs no parser: ``<local@domain>`` of plain characters
_PLAIN = re.compile(r"<([^\s<>()\[\]\\,;:\"@]+@[^\s<>()\[\]\\,;:\"@]+)>(.*)")


class _Relay(SMTP):
    """aiosmtpd without two costs a C mail relay such as Postfix does not pay.

    - Replies to pipelined commands are written together once the input holds no further
      command (Postfix's smtpd flushes before it would wait for input), not one write each.
    - A plain ``<local@domain>`` address is checked by a pattern; anything else still goes
      through the email package's full RFC 5322 parser (aiosmtpd parses every address so,
      and declares a typing Protocol class on every call).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.replies: list[bytes] = []

    async def push(self, status) -> None:
        data = status.encode("ascii") if isinstance(status, str) else status
        self.replies.append(data + b"\r\n")
        if b"\n" not in self._reader._buffer:  # no pipelined command left to answer
            self._writer.write(b"".join(self.replies))
            self.replies = []
            await self._writer.drain()

    def _getaddr(self, arg: str):
        plain = _PLAIN.fullmatch(arg.strip())
        if plain is None:
            return super()._getaddr(arg)
        return plain.group(1), plain.group(2).strip()


class _RelayController(Controller):
    def factory(self) -> SMTP:
        return _Relay(self.handler, **self.SMTP_kwargs)


def _smtp_server(port: int, value, stop) -> None:
    """A real SMTP server in its own process (as a mail server is), until ``stop`` is set."""
    controller = _RelayController(_Counter(value), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)


def _receiver() -> tuple[ThreadingHTTPServer, list]:
    posts: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            posts.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, posts


def _data(now, robot_url: str) -> None:
    accounts_demo.load()
    load_campaign_demo()
    counties = accounts.county_bureaus()
    digest = generate_password_hash("x", method="pbkdf2:sha256:1000")
    rows = [
        {
            "username": f"bench{n:05d}",
            "display_name": f"执法{n}",
            "password_hash": digest,
            "role": "officer",
            "bureau_id": counties[n % len(counties)].id,
            "email": f"bench{n:05d}@county.example",
            "is_active_": True,
            "created_at": now,
        }
        for n in range(OFFICERS)
    ]
    db.session.execute(insert(User), rows)
    for n in range(3):
        db.session.add(
            Quiz(
                title=f"知识竞赛第{n + 1}场",
                mode="competition",
                is_published=True,
                opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=2),
            )
        )
    for n in range(2):
        module = Module(title=f"必修模块{n + 1}", is_published=True)
        db.session.add(module)
        db.session.flush()
        db.session.add(StudyPlan(module_id=module.id, role="officer", due_on=date(2017, 7, 20)))
    for county in counties:
        db.session.add(Robot(bureau_id=county.id, kind="wecom", url=f"{robot_url}/{county.code}"))
    db.session.commit()


def _bare_sends(port: int, count: int) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = "a@x", f"b{n}@x", "提醒"
            msg.set_content("正文")
            smtp.send_message(msg)
    return time.perf_counter() - start


def _server_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) the SMTP server process has used, where /proc tells."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _first_run(app, now: datetime, smtpd_pid: int) -> tuple[dict, float]:
    """Collect and enqueue, then send everything due; returns the counts and the total seconds.

    Also prints the CPU time of this process and of the SMTP server: on a loaded machine the
    wall time says little, the split says where the work is.
    """
    start, cpu, server = time.perf_counter(), time.process_time(), _server_cpu(smtpd_pid)
    counts = run_once(now, send=False)
    queued = time.perf_counter() - start
    counts.update(outbox.send_due(now, app.config, outbox.Retry(), checkpoint=db.session.commit))
    db.session.commit()
    elapsed = time.perf_counter() - start
    print(f"collect and enqueue {queued:.2f} s, send {elapsed - queued:.2f} s", flush=True)
    after = _server_cpu(smtpd_pid)
    served = f"{after - server:.2f} s" if after is not None and server is not None else "n/a"
    print(f"CPU: notify run {time.process_time() - cpu:.2f} s, SMTP server {served}", flush=True)
    return counts, elapsed


def _report_first(counts: dict, mails: int, robots: int) -> int:
    """Print what the first run delivered; returns the number of e-mails received."""
    sent = db.session.scalar(select(func.count(Delivery.id)).where(Delivery.status == "sent"))
    print(
        f"notify run: {counts['notices']} notices, {mails} e-mails, {robots} robot posts, "
        f"{sent} deliveries sent, {counts['failed']} failed",
        flush=True,
    )
    return mails


def _second_run(now: datetime) -> None:
    """Run again ten minutes later and print what that run found and sent."""
    again = time.perf_counter()
    second = run_once(now + timedelta(minutes=10))
    print(
        f"second run: {second['notices']} new, {second['sent']} sent in "
        f"{time.perf_counter() - again:.2f} s",
        flush=True,
    )


def main() -> None:
    port, received, stop = _free_port(), multiprocessing.Value("l", 0), multiprocessing.Event()
    smtpd = multiprocessing.Process(target=_smtp_server, args=(port, received, stop), daemon=True)
    smtpd.start()
    _wait_for(port)
    server, posts = _receiver()
    now = local_to_utc(datetime(2017, 7, 17, 9, 0))
    try:
        with bench_app() as app:
            app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
            _data(now, f"http://127.0.0.1:{server.server_port}")
            counts, elapsed = _first_run(app, now, smtpd.pid)
            mails = _report_first(counts, received.value, len(posts))
            baseline = _bare_sends(port, mails)
            line(
                "notify.run_10k_officers_x5",
                elapsed,
                "s",
                baseline,
                f"s ({mails} bare smtplib sends)",
            )
            _second_run(now)
    finally:
        stop.set()
        smtpd.join(10)
        server.shutdown()


if __name__ == "__main__":
    main()
