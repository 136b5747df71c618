"""Job fixtures: kinds made for the tests (one that fails until told not to), Redis settings."""

from __future__ import annotations

import secrets
import time

import pytest

from lianbing.auth import ADMINS, CITY_ADMIN
from lianbing.errors import Invalid
from lianbing.jobs.kinds import REGISTRY_KEY, JobKind, Output

REDIS_URL = "redis://127.0.0.1:6379/2"


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


class Flaky:
    """A job that fails with a reason while ``broken``, and writes a small file otherwise."""

    def __init__(self):
        self.broken = True

    def __call__(self, ctx):
        ctx.progress(1, 2, "第一步")
        if ctx.params.get("sleep"):
            time.sleep(ctx.params["sleep"])
        if self.broken:
            raise Invalid("第 3 行：单位“火星区”不存在。")
        ctx.progress(2, 2, "完成")
        return Output("结果.txt", f"ok {ctx.params.get('n')}".encode())


@pytest.fixture
def test_kinds(app):
    """Two kinds for the duration of a test: ``test.flaky`` (admins) and ``test.city``."""
    flaky = Flaky()
    kinds = app.extensions.setdefault(REGISTRY_KEY, {})
    added = {
        "test.flaky": JobKind("test.flaky", "测试任务", ADMINS, flaky),
        "test.city": JobKind("test.city", "市局测试任务", (CITY_ADMIN,), lambda ctx: "完成"),
    }
    kinds.update(added)
    yield flaky
    for key in added:
        kinds.pop(key, None)


@pytest.fixture
def redis_settings():
    if not redis_up():
        pytest.skip(f"Redis does not answer at {REDIS_URL}: the RQ tests need it")
    token = secrets.token_hex(6)
    settings = {
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": f"test-{token}:",
        "JOBS_QUEUE": f"test-jobs-{token}",
    }
    yield settings
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for pattern in (f"test-{token}:*", f"rq:*test-jobs-{token}*"):
        for key in client.scan_iter(pattern):
            client.delete(key)
