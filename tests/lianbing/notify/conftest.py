"""Real local servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP
receiver standing in for the 企业微信 / 钉钉 robot endpoints. Nothing is mocked."""

from __future__ import annotations

import email
import json
import socket
import threading
from datetime import datetime, timedelta
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from quizzes.play.models import Quiz


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailBox:
    """An aiosmtpd handler that keeps every message with its envelope recipients.

    ``refuse`` makes it answer 550 to every message; addresses in ``unknown`` are refused at
    RCPT (as a server does for a mailbox that does not exist). It offers PIPELINING, as
    Postfix and Exchange do, unless ``pipelining`` is turned off.
    """

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse = False
        self.unknown: set[str] = set()
        self.pipelining = True

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        if not self.pipelining:
            return responses
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse:
            return "550 mailbox unavailable"
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        msg.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list:
        """The messages delivered to an address."""
        return [m for m in self.messages if address in m.envelope_to]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a free loopback port; the app's SMTP settings point at it."""
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    yield box
    app.config.update(saved)
    controller.stop()


class RobotReceiver:
    """What the robot endpoint received (path and JSON body), and the status it answers."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict]] = []
        self.status = 200
        self.url = ""


@pytest.fixture
def robot_receiver():
    """A local HTTP server recording JSON POSTs; yields the receiver (``.url`` is its base)."""
    receiver = RobotReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if receiver.status == 200:
                receiver.posts.append((self.path, json.loads(body)))
            self.send_response(receiver.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}"
    yield receiver
    server.shutdown()
    server.server_close()


#: 2017-07-17 09:00 in Shanghai: the July bulletin (due on the 20th) is three days away
THREE_DAYS_BEFORE = local_to_utc(datetime(2017, 7, 17, 9, 0))


@pytest.fixture
def three_days_before():
    return THREE_DAYS_BEFORE


@pytest.fixture
def make_competition(app):
    """Factory: make_competition(now, **fields) -> a published competition opened an hour ago."""

    def make(now: datetime, **kw) -> Quiz:
        quiz = Quiz(
            title=kw.pop("title", "生态环境法律知识竞赛"),
            mode="competition",
            is_published=True,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=3),
            audience=kw.pop("audience", "all"),
            audience_ids=kw.pop("audience_ids", []),
            **kw,
        )
        db.session.add(quiz)
        db.session.commit()
        return quiz

    return make
