"""Run every benchmark module in bench/ (files named bench_*.py), one after another."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench
from bench.common import line  # noqa: F401  (re-exported for modules)


def main(names: list[str]) -> int:
    modules = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    for name in modules:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
