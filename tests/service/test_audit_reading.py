"""Reading the audit log outside the API: ``run.py audit``, time filters typed by a
person, and retention at start-up."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import REPO

from service.app.context import Context
from service.app.runtime import Runtime
from service.audit import log as audit
from service.audit import read
from service.audit.origin import Origin, Who, acting
from service.common.clock import FrozenClock
from service.common.config import Settings
from service.common.errors import ServiceError

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
HOSTILE = "mallory\x1b]52;c;ZXZpbA==\x07\x1b[2J@example.com"


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-12-01", False, "2026-12-01T00:00:00Z"),
        ("2026-12-01", True, "2026-12-02T00:00:00Z"),
        ("2026-12-01T09:30", False, "2026-12-01T09:30:00Z"),
        ("2026-12-01T09:30:00+03:30", False, "2026-12-01T06:00:00Z"),
        ("24h", False, "2026-12-01T08:00:00Z"),
        ("7d", False, "2026-11-25T08:00:00Z"),
        ("90m", False, "2026-12-02T06:30:00Z"),
        ("2w", False, "2026-11-18T08:00:00Z"),
    ],
)
def test_moments_a_person_types(text: str, end: bool, expected: str) -> None:
    assert read.parse_moment(text, NOW, end=end) == expected


@pytest.mark.parametrize("text", ["yesterday", "7x", "-1d", "2026-02-30", "99999999d", "１d"])
def test_what_is_not_a_moment(text: str) -> None:
    with pytest.raises(ServiceError) as caught:
        read.query_from({"since": text}, NOW)
    assert list(caught.value.fields) == ["since"]


def test_targets() -> None:
    assert read.split_target("order:12") == ("order", "12")
    assert read.split_target("token") == ("token", None)
    assert read.split_target(None) == (None, None)


async def _seed(settings: Settings) -> None:
    clock = FrozenClock(datetime(2026, 11, 1, tzinfo=UTC))
    ctx = await Context.open(settings, clock)
    try:
        who = Who("user", HOSTILE, 7, HOSTILE)
        with acting(Origin("ssh", "198.51.100.4", who)):
            async with ctx.store.transaction() as tx:
                await audit.record(
                    ctx, tx, "order.update", "order", 12, summary={"status": "completed"}
                )
            clock.advance(days=1)
            async with ctx.store.transaction() as tx:
                await audit.record(ctx, tx, "product.create", "product", 3, summary={"n": 1})
    finally:
        await ctx.close()


def run_audit(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), "audit", "--db", settings.db, *args],
        cwd=REPO,
        # On PostgreSQL every process needs the deployment's sealing key.
        env={
            **os.environ,
            **({"SHOPKEEP_SECRET_KEY": settings.secret_key} if settings.secret_key else {}),
        },
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_run_py_audit_table_and_json(settings: Settings) -> None:
    asyncio.run(_seed(settings))
    table = run_audit(settings, "--target", "order:12")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "time", "actor", "face", "address", "action", "target", "outcome", "summary",
    ]  # fmt: skip
    assert len(lines) == 2
    assert "2026-11-01 00:00 UTC" in lines[1] and "order:12" in lines[1]
    assert "status=completed" in lines[1] and "ssh" in lines[1]
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout
    assert "mallory␛]52" in lines[1]
    assert table.stderr.strip() == "1 entry"

    data = run_audit(settings, "--json", "--since", "2026-11-02", "--action", "product.")
    assert data.returncode == 0, data.stderr
    [line] = data.stdout.splitlines()
    assert line.isascii() and "\x1b" not in line
    entry = json.loads(line)
    assert entry["action"] == "product.create" and entry["actor"]["name"] == HOSTILE
    assert entry["face"] == "ssh" and entry["address"] == "198.51.100.4"

    bad = run_audit(settings, "--since", "someday")
    assert bad.returncode == 1 and bad.stdout == ""
    assert "since" in bad.stderr and "Traceback" not in bad.stderr


async def test_retention_runs_at_start_up(settings: Settings) -> None:
    clock = FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))
    ctx = await Context.open(settings, clock)
    async with ctx.store.transaction() as tx:
        await audit.record(ctx, tx, "order.update", "order", 1)
    clock.advance(days=20)
    async with ctx.store.transaction() as tx:
        await audit.record(ctx, tx, "order.update", "order", 2)
    await ctx.close()
    clock.advance(days=15)

    settings.audit_retention_days = 0  # for ever
    runtime = Runtime(settings, clock)
    ctx = await runtime.open()
    assert (await audit.search(ctx, read.AuditQuery()))[0] == 2
    await runtime.close()

    settings.audit_retention_days = 30
    runtime = Runtime(settings, clock)
    ctx = await runtime.open()
    total, [kept] = await audit.search(ctx, read.AuditQuery())
    assert (total, kept.target_id) == (1, "2")
    await runtime.close()


def test_retention_setting_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().audit_retention_days == 365
    monkeypatch.setenv("SHOPKEEP_AUDIT_RETENTION_DAYS", "0")
    assert Settings().audit_retention_days == 0


def test_retention_flag() -> None:
    import run

    args = run.build_parser().parse_args(["serve", "--audit-retention-days", "90"])
    assert run.settings_from(args).audit_retention_days == 90
    with pytest.raises(SystemExit):
        run.build_parser().parse_args(["serve", "--audit-retention-days", "-1"])


def test_no_other_code_deletes_or_updates_audit_rows() -> None:
    sources = [*REPO.glob("store/**/*.py"), *REPO.glob("service/**/*.py")]
    writers = [
        p.relative_to(REPO).as_posix()
        for p in sources
        if any(f"{verb} audit_log" in p.read_text() for verb in ("DELETE FROM", "UPDATE"))
    ]
    assert writers == ["store/audit.py"]
    assert Path(REPO / "store/audit.py").read_text().count("DELETE FROM audit_log") == 1
