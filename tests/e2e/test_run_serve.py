"""``python run.py`` as a user runs it: a subprocess on a free port."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request

from support import REPO, start_server


def get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def post(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_serve_becomes_ready_and_stops_cleanly(tmp_path):
    server = start_server(tmp_path / "scratch.db")  # how fast: bench/startup_bench.py
    assert server.stderr_lines == [f"listening on {server.url}"]
    status, index = get(server.url + "/wp-json/")
    assert status == 200 and "routes" in index
    status, _ = get(server.url + "/wp-json/?secret_query=do-not-log")
    assert server.stop(signal.SIGTERM) == 0
    log = (tmp_path / "scratch.log").read_text()
    assert '"GET /wp-json/" 200' in log
    assert "do-not-log" not in log


def test_sigint_also_stops_with_status_0(tmp_path):
    server = start_server(tmp_path / "s.db")
    assert server.stop(signal.SIGINT) == 0


def test_write_before_sigterm_survives_restart(tmp_path):
    db = tmp_path / "durable.db"
    created = run(
        "users",
        "create",
        "ops@example.com",
        "--password",
        "ops-password-1",
        "--role",
        "administrator",
        "--db",
        str(db),
    )
    assert created.returncode == 0, created.stderr
    server = start_server(db)
    status, tokens = post(
        server.url + "/api/v1/auth/login/",
        {"email": "ops@example.com", "password": "ops-password-1"},
    )
    assert status == 200
    auth = {"Authorization": f"Bearer {tokens['access']}"}
    status, generated = post(
        server.url + "/api/v1/integrations/tokens/generate/",
        {"name": "written before SIGTERM"},
        auth,
    )
    assert status == 201, generated
    assert server.stop(signal.SIGTERM) == 0

    again = start_server(db)
    try:
        status, listing = get(again.url + "/api/v1/integrations/tokens/", auth)
        assert status == 200
        assert [t["name"] for t in listing["results"]] == ["written before SIGTERM"]
    finally:
        again.stop()


def test_port_in_use_is_one_line_and_nonzero(tmp_path):
    server = start_server(tmp_path / "a.db")
    try:
        port = server.url.rsplit(":", 1)[1]
        result = run("serve", "--port", port, "--db", str(tmp_path / "b.db"))
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "already in use" in lines[0]
        console = run("console", "--port", port, "--db", str(tmp_path / "b.db"))
        assert console.returncode != 0
        assert "--no-api" in console.stderr and "Traceback" not in console.stderr
    finally:
        server.stop()


def test_bad_flag_and_unwritable_database_are_one_line(tmp_path):
    bad = run("serve", "--port", "not-a-number")
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    missing_dir = run(
        "serve",
        "--port",
        "0",
        "--db",
        str(tmp_path / "no" / "such" / "x.db"),
        "--log-file",
        str(tmp_path / "x.log"),
    )
    assert missing_dir.returncode != 0
    assert len(missing_dir.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing_dir.stderr


def test_users_commands(tmp_path):
    db = str(tmp_path / "u.db")
    assert (
        run(
            "users",
            "create",
            "a@example.com",
            "--password",
            "password-1",
            "--role",
            "customer",
            "--name",
            "سارا",
            "--db",
            db,
        ).returncode
        == 0
    )
    dup = run(
        "users",
        "create",
        "A@example.com",
        "--password",
        "password-1",
        "--role",
        "customer",
        "--db",
        db,
    )
    assert dup.returncode == 1 and "already registered" in dup.stderr
    listing = run("users", "list", "--db", db)
    assert "a@example.com" in listing.stdout and "سارا" in listing.stdout
    app_pw = run("users", "app-password", "a@example.com", "laptop", "--db", db)
    assert app_pw.returncode == 0
    password = app_pw.stdout.strip().splitlines()[-1]
    assert len(password.replace(" ", "")) == 24
    changed = run("users", "set-password", "a@example.com", "--password", "password-2", "--db", db)
    assert changed.returncode == 0
    short = run("users", "set-password", "a@example.com", "--password", "x", "--db", db)
    assert short.returncode == 1 and "at least" in short.stderr


def test_every_subcommand_has_help():
    for args in (
        ["--help"],
        ["serve", "--help"],
        ["console", "--help"],
        ["users", "--help"],
        ["users", "create", "--help"],
        ["routes", "check", "--help"],
    ):
        result = run(*args)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_no_subcommand_without_a_terminal_serves(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "--port", "0", "--db", str(tmp_path / "n.db")],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:")
        status, _ = get(line.split()[-1] + "/wp-json/")
        assert status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
