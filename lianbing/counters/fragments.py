"""Rendered fragments (HTML or XML text) cached under the versions of what they show.

The key holds the current value of every named version (see services) and whatever else the
fragment depends on (page number, role, scope, today's date). A change bumps a version, so the
next request in any worker on any machine renders afresh and the old entry simply ages out.
Entries live in the app's cache: Redis with REDIS_URL (shared by every worker), else each
worker's own memory. Only text that is the same for everyone with the same key is cached —
never a form (CSRF tokens), never anything of one user.
"""

from __future__ import annotations

from typing import Callable

from lianbing.counters import services as counters
from lianbing.extensions import cache

#: seconds an entry lives (a newer version makes it unreachable long before)
TIMEOUT = 3600


def cached(name: str, versions: list[str], parts: tuple, render: Callable[[], str]) -> str:
    """The fragment from the cache, else ``render()`` stored under the current versions."""
    stamp = ".".join(map(str, counters.values(versions)))
    return kept(f"frag:{name}:{stamp}:" + ":".join(map(str, parts)), render)


def kept(key: str, compute: Callable[[], object], timeout: int = TIMEOUT):
    """The value under ``key`` from the app's cache, else ``compute()`` stored there. The key
    must hold every version the value depends on: nothing here invalidates it."""
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=timeout)
    return found
