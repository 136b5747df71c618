"""Two app machines for tests: two gunicorn masters on one PostgreSQL and one Redis, and a
browser whose every request goes to the other machine than the one before.

Each machine is a real ``wsgi``-style app built from the environment (``Config``, CSRF on),
sharing the database, the Redis server (``REDIS_URL``, under a key prefix of its own) and
the secret key, as machines behind one load balancer do. Nothing of the test process's own
app is shared with them: what one machine changes, the other must learn from PostgreSQL or
Redis.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Redis for these tests (its own key prefix per run, so any database number will do)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WORKERS = 2
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def redis_reason() -> str | None:
    """Why no Redis can be used here, or None when it answers."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception as exc:  # noqa: BLE001  (any failure means: skip with its reason)
        return f"no Redis answers at {REDIS_URL} ({type(exc).__name__})"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Machine:
    """One gunicorn master and its workers on a loopback port."""

    name: str
    port: int
    process: subprocess.Popen

    def stop(self) -> None:
        """Switched off: nothing is in flight when a test ends, and a graceful stop of a
        master and its workers takes seconds (each interpreter tears down the app's modules)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def start_machines(names: str, env: dict[str, str], target: str = "wsgi:app") -> list[Machine]:
    """One gunicorn master per name, each on a free port serving ``target`` (the app is built
    once in the master, then forked), all booting at once; returned when all answer."""
    machines = []
    try:
        for name in names:
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "--preload"]
                + ["--no-control-socket"]  # one per user by default: two masters would share it
                + ["-b", f"127.0.0.1:{port}", "--log-level", "warning", target],
                cwd=ROOT,
                env={**os.environ, "LIANBING_INSTANCE": tempfile.mkdtemp(), **env},
                start_new_session=True,
            )
            machines.append(Machine(name, port, process))
        for machine in machines:
            _wait_until_serving(machine)
    except BaseException:
        for machine in machines:
            machine.stop()
        raise
    return machines


def _wait_until_serving(machine: Machine, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if machine.process.poll() is not None:
            raise RuntimeError(f"machine {machine.name} exited ({machine.process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{machine.port}/login", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"machine {machine.name} did not answer within {seconds} s")


@dataclass
class Page:
    status: int
    text: str
    location: str
    machine: str
    #: the body as sent (a download)
    data: bytes = b""

    def csrf(self) -> str:
        found = _CSRF.search(self.text)
        assert found, f"no CSRF token on the page ({self.status})"
        return found.group(1)

    def json(self):
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is returned to the test as it is


class Browser:
    """One cookie jar; each request goes to the next machine in turn (A, B, A, B…).

    ``on=`` states which machine the test expects a request to reach (checked, not chosen), so a
    test reads as "… on B" and fails loudly if its sequence of requests is miscounted.
    """

    def __init__(self, machines: list[Machine]):
        self.machines, self.sent = machines, 0
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def copy(self) -> "Browser":
        """Another browser holding a copy of this one's cookies (a stolen or kept cookie)."""
        other = Browser(self.machines)
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        other.sent = self.sent
        return other

    def get(self, path: str, on: str | None = None) -> Page:
        return self._send(urllib.request.Request(self._url(path, on)))

    def post(self, path: str, form: dict, on: str | None = None) -> Page:
        body = urllib.parse.urlencode(form).encode()
        return self._send(urllib.request.Request(self._url(path, on), data=body, method="POST"))

    def post_json(self, path: str, data: dict, token: str, on: str | None = None) -> Page:
        request = urllib.request.Request(
            self._url(path, on),
            data=json.dumps(data).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        return self._send(request)

    def _url(self, path: str, on: str | None) -> str:
        machine = self.machines[self.sent % len(self.machines)]
        self.sent += 1
        assert on is None or machine.name == on, f"{path} would go to {machine.name}, not {on}"
        self.last = machine.name
        return f"http://127.0.0.1:{machine.port}{path}"

    def _send(self, request: urllib.request.Request) -> Page:
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as refused:  # 3xx (not followed), 4xx, 5xx
            response = refused
        with response:
            data = response.read()
            location = response.headers.get("Location", "")
            return Page(response.status, data.decode("utf-8", "replace"), location, self.last, data)

    def login(self, username: str, password: str) -> Page:
        """The login page on one machine, the form posted to the other."""
        token = self.get("/login").csrf()
        return self.post(
            "/login", {"username": username, "password": password, "csrf_token": token}
        )
