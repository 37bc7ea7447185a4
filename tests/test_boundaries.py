"""Package boundaries: rules without aiohttp or Textual, SQL only in store/.

The domain packages (everything under service/ but app/, http/ and api/) are shared
by the HTTP handlers and the console, so neither framework may leak into them. The
import contracts in pyproject.toml (``lint-imports``) check the layers; this file
keeps the checks a contract cannot express (SQL text) and runs without import-linter.
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
FACES = ("service/app/", "service/http/", "service/api/")


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
        for p in modules("service/**/*.py")
        if not rel(p).startswith(FACES)
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
        for p in modules("service/http/**/*.py", "service/api/**/*.py")
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
