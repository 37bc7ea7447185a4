"""The audit log never holds a token or a password: every credential the shop hands out
or accepts, driven through a real server and the CLI, is looked for in every column of
every audit entry, and in the log file."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
from support import REPO, start_server

WP = "/wp-json/woonoow/v1"
SECRET_NAMES = {
    "access",
    "refresh",
    "token",
    "consumer_key",
    "consumer_secret",
    "license_key",
    "activation_token",
    "password",
    "current_password",
    "new_password",
}
ADMIN = "admin@example.com"
ADMIN_PASSWORD = "Admin-pw-7f3c9e21"


def harvest(value: Any, found: set[str]) -> None:
    """Every credential in an answer (by the names the API gives them)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECRET_NAMES and isinstance(item, str) and len(item) >= 8:
                found.add(item)
            harvest(item, found)
    elif isinstance(value, list):
        for item in value:
            harvest(item, found)


def cli(db: Path, log: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args, "--db", str(db), "--log-file", str(log)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Api:
    def __init__(self, session: aiohttp.ClientSession, url: str, found: set[str]) -> None:
        self.session, self.url, self.found = session, url, found

    async def call(
        self, method: str, path: str, expect: int, auth: str | None = None, **body: Any
    ) -> Any:
        headers = {"Authorization": auth} if auth else {}
        harvest(body, self.found)  # the passwords and keys we send
        async with self.session.request(
            method, self.url + path, json=body or None, headers=headers
        ) as resp:
            data = await resp.json(content_type=None) if resp.status != 204 else None
            assert resp.status == expect, (method, path, resp.status, data)
        harvest(data, self.found)
        return data


async def test_no_token_or_password_reaches_the_audit_log(tmp_path: Path) -> None:
    db, log = tmp_path / "shop.db", tmp_path / "shop.log"
    secrets: set[str] = {ADMIN_PASSWORD}
    cli(db, log, "users", "create", ADMIN, "--password", ADMIN_PASSWORD, "--role", "administrator")
    server = start_server(db, "--log-file", str(log))
    async with aiohttp.ClientSession() as session:
        api = Api(session, server.url, secrets)
        # sign-ins: a wrong password, the right one, a refresh
        await api.call("POST", "/api/v1/auth/login/", 401, email=ADMIN, password="Wrong-pw-1234")
        tokens = await api.call(
            "POST", "/api/v1/auth/login/", 200, email=ADMIN, password=ADMIN_PASSWORD
        )
        admin = f"Bearer {tokens['access']}"
        await api.call("POST", "/api/v1/auth/refresh/", 200, refresh=tokens["refresh"])

        # a customer with a password, the password changed by the admin and by the customer
        customer = await api.call(
            "POST",
            f"{WP}/customers",
            201,
            admin,
            email="c@example.com",
            password="Cust-pw-1a2b3c4d",
        )
        await api.call(
            "PUT", f"{WP}/customers/{customer['id']}", 200, admin, password="Cust-pw-5e6f7a8b"
        )
        signed = await api.call(
            "POST", "/api/v1/auth/login/", 200, email="c@example.com", password="Cust-pw-5e6f7a8b"
        )
        await api.call(
            "POST",
            f"{WP}/account/password",
            200,
            f"Bearer {signed['access']}",
            current_password="Cust-pw-5e6f7a8b",
            new_password="Cust-pw-9c0d1e2f",
        )

        # WooCommerce API keys: created (secret shown once) and revoked
        key = await api.call(
            "POST",
            "/api/v1/auth/api-keys/",
            201,
            admin,
            description="shop",
            permissions="read_write",
        )
        await api.call("DELETE", f"/api/v1/auth/api-keys/{key['id']}/", 204, admin)

        # an integration token: generated, used, renamed, regenerated, revoked
        issued = await api.call(
            "POST", "/api/v1/integrations/tokens/generate/", 201, admin, name="plugin"
        )
        token_url = f"/api/v1/integrations/tokens/{issued['id']}/"
        await api.call(
            "GET", "/api/integrations/woocommerce/health/", 200, f"Bearer {issued['token']}"
        )
        await api.call("PATCH", token_url, 200, admin, name="plugin 2")
        await api.call("POST", f"{token_url}regenerate/", 200, admin)
        await api.call("DELETE", token_url, 200, admin)

        # license keys: issued (generated and given), activated on a site, deactivated
        product = await api.call(
            "POST",
            f"{WP}/products",
            201,
            admin,
            name="Pro Plugin",
            regular_price="49",
            virtual=True,
            licensing_enabled=True,
            license_activation_method="simple",
            license_activation_limit=2,
            license_validity_days=365,
        )
        generated = await api.call("POST", f"{WP}/licenses", 201, admin, product_id=product["id"])
        await api.call(
            "POST",
            f"{WP}/licenses",
            201,
            admin,
            product_id=product["id"],
            license_key="GIVEN-KEY-8f7e6d5c4b3a",
        )
        license_key = generated["license_key"]
        activated = await api.call(
            "POST", f"{WP}/licenses/activate", 201, license_key=license_key, domain="shop.example"
        )
        await api.call(
            "POST", f"{WP}/licenses/deactivate", 200, license_key=license_key, domain="shop.example"
        )
        harvest(activated, secrets)

    # the CLI's credentials, beside the running server
    app_password = cli(db, log, "users", "app-password", ADMIN, "laptop").splitlines()[-1].strip()
    cli(db, log, "users", "set-password", ADMIN, "--password", "Admin-pw-new-4d5e6f")
    printed = cli(
        db, log, "users", "api-key", ADMIN, "--description", "cli", "--permission", "read"
    )
    secrets |= {app_password, "Admin-pw-new-4d5e6f"}
    secrets |= {
        line.split(":", 1)[1].strip() for line in printed.splitlines() if "consumer" in line
    }
    assert server.stop(signal.SIGTERM) == 0

    assert len(secrets) >= 15, secrets
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(audit_log)")]
        rows = conn.execute("SELECT * FROM audit_log").fetchall()
    conn.close()
    assert rows, "nothing was recorded"
    assert {"token.create", "token.regenerate", "token.revoke"} <= {
        row[columns.index("action")] for row in rows
    }
    for row in rows:
        for name, value in zip(columns, row, strict=True):
            text = str(value)
            leaked = [secret for secret in secrets if secret in text]
            assert not leaked, (name, text)
    log_text = log.read_text(encoding="utf-8")
    assert not [secret for secret in secrets if secret in log_text]
