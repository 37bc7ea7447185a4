"""Package boundaries: rules without aiohttp or Textual, SQL only in store/.

The domain modules (service/*.py, service/pricing, service/routecheck) are shared by
the HTTP handlers and the console, so neither framework may leak into them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SQL = re.compile(
    r"^\s*(SELECT\s[\s\S]*\bFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s"
    r"|CREATE\s+TABLE\s)",
    re.IGNORECASE,
)
# The runtime wires the web runner and the console together; it is the one exception.
RUNTIME = {"service/runtime.py"}


def modules(*globs: str) -> list[Path]:
    return sorted(p for g in globs for p in REPO.glob(g) if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_domain_modules_import_neither_aiohttp_nor_textual():
    offenders = {
        rel(p): sorted(imported(p) & {"aiohttp", "textual", "tui"})
        for p in modules("service/*.py", "service/pricing/*.py", "service/routecheck/*.py")
        if rel(p) not in RUNTIME
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_store_imports_no_framework_and_no_service():
    offenders = {
        rel(p): sorted(imported(p) & {"aiohttp", "textual", "tui", "service"})
        for p in modules("store/**/*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_http_layer_and_store_never_import_textual():
    offenders = {
        rel(p): sorted(imported(p) & {"textual", "tui"})
        for p in modules("service/http/*.py", "service/api/*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_sql_lives_only_in_store():
    offenders = []
    for path in modules("service/**/*.py", "tui/**/*.py", "run.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and SQL.match(node.value):
                offenders.append(f"{rel(path)}:{node.lineno}")
    assert offenders == []
