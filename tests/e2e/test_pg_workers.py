"""``serve --workers N``: N processes on one port over PostgreSQL, and the refusals.

PostgreSQL tests skip without it (failing in CI, see pg_support)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from support import REPO, start_server
from test_console_pty import Terminal, wait_for
from test_run_serve import get

from service.accounts.api_key_crypto import new_key_text


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SHOPKEEP_SECRET_KEY"}
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def test_two_workers_answer_on_one_port_and_stop_cleanly(pg_database, tmp_path):
    key = tmp_path / "shopkeep.key"
    key.write_text(new_key_text() + "\n")
    log = tmp_path / "serve.log"
    server = start_server(
        pg_database, "--workers", "2", "--secret-key-file", str(key), "--log-file", str(log),
        timeout=60,
    )  # fmt: skip
    assert server.stderr_lines == [f"listening on {server.url}"]
    workers = children(server.proc.pid)
    assert len(workers) == 2
    # Each worker answers alone while the other is stopped: both accept on the port.
    for paused in workers:
        os.kill(paused, signal.SIGSTOP)
        try:
            status, index = get(server.url + "/wp-json/")
        finally:
            os.kill(paused, signal.SIGCONT)
        assert status == 200 and "routes" in index
    assert server.stop(signal.SIGTERM, timeout=60) == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers)
    assert log.read_text().count('"GET /wp-json/" 200') == 2


def test_a_dead_worker_stops_the_server(pg_database, tmp_path):
    key = tmp_path / "shopkeep.key"
    key.write_text(new_key_text() + "\n")
    server = start_server(
        pg_database, "--workers", "2", "--secret-key-file", str(key),
        "--log-file", str(tmp_path / "serve.log"), timeout=60,
    )  # fmt: skip
    first, second = children(server.proc.pid)
    os.kill(first, signal.SIGKILL)
    assert server.proc.wait(timeout=60) == 1
    assert server.proc.stderr is not None
    said = server.proc.stderr.read()
    assert f"worker {first} was killed by SIGKILL; stopping the server" in said
    assert not Path(f"/proc/{second}").exists()


def test_workers_are_refused_on_sqlite(tmp_path):
    done = run("serve", "--workers", "2", "--db", str(tmp_path / "shop.db"))
    assert done.returncode == 2
    assert done.stderr == (
        "shopkeep: --workers needs PostgreSQL (--db postgresql://…): a SQLite file has one "
        "writer and keeps its caches and throttles in one process; run a single process\n"
    )
    assert not (tmp_path / "shop.db").exists()


def test_postgresql_needs_the_sealing_key_from_outside(pg_database, tmp_path):
    log = str(tmp_path / "serve.log")
    done = run("serve", "--db", pg_database, "--log-file", log)
    assert done.returncode == 1
    assert done.stderr.startswith(
        "shopkeep: on PostgreSQL every process needs the same API-key sealing key: set "
        "SHOPKEEP_SECRET_KEY or give --secret-key-file (make one with python3 -c "
    )
    assert done.stderr.count("\n") == 1
    missing = tmp_path / "absent.key"
    done = run("serve", "--db", pg_database, "--log-file", log, "--secret-key-file", str(missing))
    assert done.returncode == 1
    assert done.stderr.startswith(f"shopkeep: --secret-key-file {missing} does not exist")


def test_an_admin_console_attaches_to_a_running_deployment(pg_database, tmp_path):
    key = tmp_path / "shopkeep.key"
    key.write_text(new_key_text() + "\n")
    server = start_server(
        pg_database, "--workers", "2", "--secret-key-file", str(key),
        "--log-file", str(tmp_path / "serve.log"), timeout=60,
    )  # fmt: skip
    terminal = Terminal()
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "console", "--no-api", "--db", pg_database,
         "--secret-key-file", str(key), "--log-file", str(tmp_path / "console.log")],
        cwd=REPO, stdin=terminal.slave, stdout=terminal.slave, stderr=terminal.slave,
        env=env, start_new_session=True,
    )  # fmt: skip
    os.close(terminal.slave)
    terminal.reader.start()
    try:
        wait_for(lambda: b"not served here" in terminal.seen() or proc.poll() is not None, "it")
        assert proc.poll() is None, terminal.seen()[-2000:]
        os.write(terminal.master, b"q")
        wait_for(lambda: proc.poll() is not None, "the console to quit")
        assert proc.returncode == 0
        assert get(server.url + "/wp-json/")[0] == 200  # the deployment goes on
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        terminal.close()
    assert server.stop(signal.SIGTERM, timeout=60) == 0
