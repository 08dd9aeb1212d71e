"""The architecture, held: which package may import which, and no Streamlit under `services/`.

Each package's `__init__.py` states its rule in words; this table is the same rule, checked on
every import statement (module level or inside a function) of every module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "services"
ROOT_MODULES = {"errors", "__version__"}  # services/errors.py and services/__init__.py: anyone may
LAYERS: dict[str, set[str]] = {
    "utils": set(),
    "demo": {"utils"},
    "dataset": set(),
    "strategy": {"dataset", "utils"},
    "release": {"dataset", "strategy", "utils"},
    "supabase": {"dataset", "utils"},
    "hub": {"dataset", "strategy", "release", "supabase", "utils"},
    "marketing": {"dataset", "strategy", "release", "utils"},
    "funnel": {"dataset", "strategy", "release", "marketing", "supabase", "hub", "utils"},
    "feedback": {"dataset", "strategy", "supabase", "hub", "utils"},
    "batch": {"dataset", "demo", "feedback", "supabase", "utils"},
    "records": {"hub", "funnel", "feedback", "supabase", "utils"},
    "local_hub": {"utils"},
    "sandbox": {"dataset", "demo", "strategy", "release", "marketing", "hub", "funnel", "feedback", "records",
                "supabase", "local_hub", "utils"},
    "cli": {"dataset", "demo", "strategy", "release", "supabase", "hub", "marketing", "funnel", "feedback", "batch",
            "records", "sandbox", "utils"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of everything a module imports, `from a import b` giving `a.b`."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return out


def _package_of(path: Path) -> str:
    parts = path.relative_to(SERVICES).parts
    return parts[0] if len(parts) > 1 else "(root)"


MODULES = sorted(SERVICES.rglob("*.py"))


def test_every_package_has_a_rule():
    packages = {p.name for p in SERVICES.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)
    for name in packages:
        assert "Layer rule:" in (SERVICES / name / "__init__.py").read_text(), name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path):
    package = _package_of(path)
    allowed = LAYERS.get(package, set()) | {package} | ROOT_MODULES
    wrong = []
    for line, name in _imports(path):
        parts = name.split(".")
        if parts[0] == "streamlit":
            wrong.append(f"line {line}: {name} (services never import Streamlit)")
        elif parts[0] == "services" and len(parts) > 1 and parts[1] not in allowed:
            wrong.append(f"line {line}: {name} ({package} may import {sorted(allowed - ROOT_MODULES)})")
    assert not wrong, wrong


def test_the_rule_would_catch_a_wrong_import(tmp_path):
    """The checker itself: an upward import and a Streamlit import are both found."""
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\n\ndef f():\n    from services.hub.api import client\n")
    assert [name for _, name in _imports(bad)] == ["streamlit", "services.hub.api.client"]


@pytest.mark.parametrize("folder", ["components", "app_pages"])
def test_the_ui_never_reaches_into_pages(folder):
    """Components and pages compose services; nothing imports a page."""
    for path in sorted((ROOT / folder).rglob("*.py")):
        names = [name for _, name in _imports(path)]
        assert not [n for n in names if n.startswith(("app_pages", "pages."))], path
