"""Host test fixtures: extra apps, people by role, the demo campaign, spreadsheets, ledger rows,
and real local servers for notifications: an SMTP server (aiosmtpd) and an HTTP receiver standing
in for the 企业微信 / 钉钉 robot endpoints. Nothing is mocked."""

from __future__ import annotations

import email
import io
import json
import socket
import threading
import uuid
from datetime import datetime, timedelta, timezone
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, UUIDConverter
from werkzeug.serving import make_server

from lianbing import TestingConfig, create_app
from lianbing.accounts import services as accounts
from lianbing.accounts import sessions
from lianbing.accounts.models import Bureau, User
from lianbing.audit.models import AuditLog
from lianbing.campaign import demo as campaign_demo
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.cli import CAMPAIGN_OPERATIONS
from lianbing.extensions import db
from lianbing.ledger.services import record
from tests import snapshots

#: ten days ago at 08:00 UTC: inside the campaign fixture, which spans today
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=8, minute=0, second=0, microsecond=0
)


@pytest.fixture
def other_app():
    """A second application on the same database, standing in for another worker process."""
    created = []

    def make(config=None, **kw):
        app = create_app(config or TestingConfig(), **kw)
        created.append(app)
        return app

    yield make
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def ops_demo(demo_people):
    """The demo's 2017 campaign with every operation's paperwork (calendar, bulletins, drills,
    column, evaluation), made the active one: the operations' pages read against the 2017 plan's
    own dates. (The demo's live campaign of this year is checked in test_demo_alive.py.)"""

    def build():
        campaign = campaign_demo.load_past()
        for operation in CAMPAIGN_OPERATIONS:
            operation.load(campaign)
        campaigns.activate_campaign(campaign)

    snapshots.load("ops_demo", build)
    return db.session.scalar(select(Campaign).where(Campaign.name == campaign_demo.PAST_NAME))


@pytest.fixture
def user_named(app):
    """Factory: user_named(username) -> User (fresh from the database)."""

    def get(username: str) -> User:
        db.session.expire_all()
        return db.session.scalar(select(User).where(User.username == username))

    return get


@pytest.fixture
def xlsx():
    """Factory: xlsx(rows, columns=None) -> bytes of a one-sheet workbook."""

    def make(rows, columns=("姓名", "用户名", "所属单位", "角色", "执法证号", "手机")) -> bytes:
        buffer = io.BytesIO()
        pd.DataFrame(rows, columns=list(columns)).to_excel(buffer, index=False, engine="openpyxl")
        return buffer.getvalue()

    return make


def login_as(client, username: str) -> None:
    """Log a test client in without a form post (used where CSRF is on)."""
    user = db.session.scalar(select(User).where(User.username == username))
    raw = sessions.start(user, "127.0.0.1", "test")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[sessions.COOKIE_KEY] = raw


@pytest.fixture
def session_login():
    return login_as


def _placeholder(converter):
    """A value the converter accepts (the row it names need not exist)."""
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    return "x"


def url_values(rule, known: dict | None = None) -> tuple[dict, list[str]]:
    """Values for a rule's URL parameters: known ids first, placeholders for the rest (listed)."""
    known = known or {}
    values = {name: known.get(name, _placeholder(conv)) for name, conv in rule._converters.items()}
    return values, [name for name in rule._converters if name not in known]


@pytest.fixture
def rule_values():
    """url_values(rule, known) as a fixture, for the tests that walk the url_map."""
    return url_values


# --- the ledger, rankings and the API ---------------------------------------


@pytest.fixture
def people(demo_people, campaign):
    """Username -> User for the demo people."""
    return {u.username: u for u in db.session.scalars(select(User))}


@pytest.fixture
def rec(campaign):
    """rec(user, kind, ref, points, max_points=100, minutes=0) writes one ledger row and commits."""

    def write(user, kind, ref, points, max_points=100.0, minutes=0):
        row = record(
            user.id, campaign.id, kind, ref, points, max_points, T0 + timedelta(minutes=minutes)
        )
        db.session.commit()
        return row

    return write


@pytest.fixture
def audits():
    """audits(prefix="") -> number of audit rows whose action starts with prefix."""

    def count(action_prefix: str = "") -> int:
        stmt = select(func.count()).select_from(AuditLog)
        if action_prefix:
            stmt = stmt.where(AuditLog.action.startswith(action_prefix))
        return db.session.scalar(stmt)

    return count


# --- a bureau tree of more than one city ------------------------------------------------


def _tree_bureau(code: str, level: str, parent: Bureau | None = None) -> Bureau:
    return accounts.ensure_bureau(f"单位{code}", f"单位{code}", code, level, parent and parent.id)


@pytest.fixture
def tree(app):
    """Two provinces: 440000 ("gd") with the cities 441400 ("mz": counties 441402, 441403) and
    440300 ("sz": county 440303); 430000 ("hn") with the city 430100 ("cs": county 430102).
    Keys: gd, mz, sz, hn, cs and the county codes."""
    g = _tree_bureau("440000", "province")
    mz, sz = _tree_bureau("441400", "city", g), _tree_bureau("440300", "city", g)
    hn = _tree_bureau("430000", "province")
    cs = _tree_bureau("430100", "city", hn)
    out = {"gd": g, "mz": mz, "sz": sz, "hn": hn, "cs": cs}
    for city, codes in ((mz, ("441402", "441403")), (sz, ("440303",)), (cs, ("430102",))):
        for code in codes:
            out[code] = _tree_bureau(code, "county", city)
    db.session.commit()
    return out


@pytest.fixture
def tree_user(app):
    """Factory: tree_user(username, role, bureau) -> User, password "x" * 12."""

    def make(name: str, role: str, bureau: Bureau) -> User:
        data = accounts.UserData(name, name, role, bureau.id, password="x" * 12)
        user = accounts.create_user(data)
        db.session.commit()
        return user

    return make


class ProductionLikeConfig(TestingConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def csrf_site(other_app, flask_demo):
    """(app, base URL): demo data loaded with `flask demo`, served by a CSRF-protected app on a
    free port."""
    app = other_app(ProductionLikeConfig())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{port}"
    server.shutdown()


# --- a local SMTP server and robot receiver ----------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailBox:
    """An aiosmtpd handler that keeps every message with its envelope recipients.

    ``refuse`` makes it answer 550 to every message; addresses in ``unknown`` are refused at
    RCPT (as a server does for a mailbox that does not exist), and recipients beyond
    ``limit`` in one transaction with 452 (too many recipients). It offers PIPELINING, as
    Postfix and Exchange do, unless ``pipelining`` is turned off.
    """

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse = False
        self.unknown: set[str] = set()
        self.pipelining = True
        self.limit = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        if not self.pipelining:
            return responses
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 no such user"
        if self.limit and len(envelope.rcpt_tos) >= self.limit:
            return "452 4.5.3 too many recipients"
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
