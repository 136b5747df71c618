"""The walls between host and parts, and between host packages (docs/ARCHITECTURE.md).

Parsed from the source (no imports run): a part imports only ``lianbing.host`` from the host,
never another part; the host never imports a part; no two host packages import each other,
directly or through a longer cycle; the campaign never imports its own operations.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("training", "quizzes", "casestudies")
FACADE = "lianbing.host"
#: the composition root and the facade may import everything; nothing imports them back
ROOTS = {"lianbing", "lianbing.setup", "lianbing.host"}
CAMPAIGN_OPS_PARENT = "lianbing.campaign"


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement in a file, relative ones resolved."""
    found = []
    package = (
        _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    )
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1]
                    + ([base] if base else [])
                )
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _files(top: str) -> list[Path]:
    return sorted((ROOT / top).rglob("*.py"))


def _node(module: str) -> str:
    """The unit the cycle check works on: a host package, or a campaign operation sub-package."""
    parts = module.split(".")
    if module in ROOTS or len(parts) < 2:
        return module
    if (
        parts[1] == "campaign"
        and len(parts) > 2
        and (ROOT / "lianbing" / "campaign" / parts[2]).is_dir()
    ):
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def _is_module(name: str) -> bool:
    path = ROOT / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _host_graph() -> dict[str, dict[str, str]]:
    graph: dict[str, dict[str, str]] = {}
    for path in _files("lianbing"):
        src = _node(_module_name(path))
        for line, target in _imports(path):
            if not target.startswith("lianbing.") or not _is_module(target):
                continue
            dst = _node(target)
            if dst != src and src not in ROOTS:
                graph.setdefault(src, {}).setdefault(dst, f"{path.relative_to(ROOT)}:{line}")
    return graph


@pytest.mark.parametrize("part", PARTS)
def test_parts_import_only_the_facade_and_never_each_other(part):
    bad = []
    for path in _files(part):
        for line, target in _imports(path):
            top = target.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if top == "lianbing" and target != "lianbing" and not target.startswith(FACADE):
                bad.append(where)
            elif top in PARTS and top != part:
                bad.append(where)
    assert not bad, "\n".join(bad)


def test_host_never_imports_a_part():
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in _files("lianbing")
        for line, target in _imports(path)
        if target.split(".")[0] in PARTS
    ]
    assert not bad, "\n".join(bad)


def test_no_cycle_between_host_packages():
    graph = _host_graph()
    cycles = []

    def visit(node, trail):
        for nxt, where in graph.get(node, {}).items():
            if nxt in trail:
                loop = trail[trail.index(nxt) :] + [nxt]
                cycles.append(" -> ".join(loop) + f" (closing import at {where})")
            elif len(trail) < 12:
                visit(nxt, trail + [nxt])

    for start in graph:
        visit(start, [start])
    assert not cycles, "\n".join(sorted(set(cycles))[:20])


def test_campaign_does_not_import_its_operations():
    graph = _host_graph()
    ops = [
        dst
        for dst in graph.get(CAMPAIGN_OPS_PARENT, {})
        if dst.startswith(CAMPAIGN_OPS_PARENT + ".")
    ]
    assert not ops, {dst: graph[CAMPAIGN_OPS_PARENT][dst] for dst in ops}


def test_the_graph_sees_real_imports():
    """Guard against a walker that finds nothing: the host does import its own packages."""
    graph = _host_graph()
    assert sum(len(v) for v in graph.values()) > 10
    assert any(_imports(p) for p in _files("training"))
