"""WooCommerce API keys: shown once, stored as a hash and a sealed secret, Basic and
query-string authentication over HTTPS, revocation, the platform route and the CLI."""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from support import REPO, basic_auth
from wc_key_support import BASE, make_key, wc_error

from service.accounts import api_keys
from service.app.runtime import Runtime

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def behind_proxy(ctx):
    ctx.settings.trusted_proxies = ("127.0.0.1",)


async def test_the_secret_is_kept_only_sealed_and_the_key_only_hashed(ctx, manager, settings):
    key = await make_key(ctx, manager.user)
    assert key.consumer_key.startswith("ck_") and len(key.consumer_key) == 43
    assert key.consumer_secret.startswith("cs_") and len(key.consumer_secret) == 43
    int(key.consumer_key[3:], 16), int(key.consumer_secret[3:], 16)
    await ctx.store.close()
    raw = _database_bytes(settings.db)
    for secret in (key.consumer_key, key.consumer_secret):
        assert secret.encode() not in raw and secret[3:].encode() not in raw
    assert os.stat(settings.db + ".key").st_mode & 0o777 == 0o600


def _database_bytes(db: str) -> bytes:
    files = [Path(db), Path(db + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


async def test_a_listing_never_shows_the_secret(ctx, manager):
    key = await make_key(ctx, manager.user, "read", "Dashboard")
    [listed] = await api_keys.list_for_user(ctx, manager.user, manager.user.id)
    assert listed.public() == {
        **key.info.public(),
        "truncated_key": key.consumer_key[-7:],
        "description": "Dashboard",
        "permissions": "read",
    }
    assert "consumer_secret" not in listed.public()


async def test_basic_over_https_from_a_trusted_proxy(client, ctx, manager, behind_proxy):
    key = await make_key(ctx, manager.user)
    auth = basic_auth(key.consumer_key, key.consumer_secret)
    resp = await client.get(f"{BASE}/products", headers={**auth, **HTTPS})
    assert resp.status == 200
    resp = await client.get(
        f"{BASE}/products", headers={**basic_auth(key.consumer_key, "cs_wrong"), **HTTPS}
    )
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"].startswith('Basic realm="WooCommerce API.')
    wc_error(await resp.json(), "Consumer secret is invalid.")


async def test_query_string_keys_over_https(client, ctx, manager, behind_proxy):
    key = await make_key(ctx, manager.user)
    query = f"consumer_key={key.consumer_key}&consumer_secret={key.consumer_secret}"
    resp = await client.post(f"{BASE}/products?{query}", json={"name": "Q"}, headers=HTTPS)
    assert resp.status == 201
    resp = await client.get(f"{BASE}/shop/products?consumer_key=ck_{'1' * 40}&consumer_secret=x")
    assert resp.status == 401  # plain HTTP: refused, not silently ignored


async def test_an_unknown_key_is_a_401_on_a_public_route(client, behind_proxy):
    resp = await client.get(
        f"{BASE}/shop/products", headers={**basic_auth("ck_" + "0" * 40, "cs_x"), **HTTPS}
    )
    assert resp.status == 401
    wc_error(await resp.json(), "Consumer key is invalid.")


async def test_forwarded_proto_from_an_untrusted_peer_is_not_https(client, ctx, manager):
    key = await make_key(ctx, manager.user)
    headers = {**basic_auth(key.consumer_key, key.consumer_secret), **HTTPS}
    resp = await client.get(f"{BASE}/products", headers=headers)
    assert resp.status == 401
    body = await resp.json()
    assert body["code"] == "woocommerce_rest_authentication_error"
    assert "only over HTTPS" in body["message"]


async def test_a_revoked_key_stops_working(client, ctx, manager, behind_proxy):
    key = await make_key(ctx, manager.user)
    headers = {**basic_auth(key.consumer_key, key.consumer_secret), **HTTPS}
    assert (await client.get(f"{BASE}/products", headers=headers)).status == 200
    await api_keys.revoke(ctx, manager.user, key.info.id)
    resp = await client.get(f"{BASE}/products", headers=headers)
    wc_error(await resp.json(), "Consumer key is invalid.")


async def test_app_passwords_still_work_over_basic(client, ctx, manager, behind_proxy):
    from service.accounts import users

    _, password = await users.create_app_password(ctx, manager.user.id, "wp")
    headers = {**basic_auth(manager.user.email, password), **HTTPS}
    assert (await client.get(f"{BASE}/products", headers=headers)).status == 200


async def test_wrong_secrets_are_throttled(client, ctx, manager, behind_proxy):
    key = await make_key(ctx, manager.user)
    headers = {**basic_auth(key.consumer_key, "cs_guess"), **HTTPS}
    statuses = [(await client.get(f"{BASE}/products", headers=headers)).status for _ in range(6)]
    assert statuses == [401] * 5 + [429]


async def test_last_access_is_recorded_without_a_write_per_request(
    client, ctx, manager, behind_proxy
):
    key = await make_key(ctx, manager.user)
    headers = {**basic_auth(key.consumer_key, key.consumer_secret), **HTTPS}
    await client.get(f"{BASE}/products", headers=headers)
    [listed] = await api_keys.list_for_user(ctx, manager.user, manager.user.id)
    assert listed.last_access is not None
    await ctx.api_key_access.flush()
    row = await ctx.store.fetchone("SELECT last_access FROM api_keys WHERE id = ?", (key.info.id,))
    assert row["last_access"] == listed.last_access


# -- the platform route ------------------------------------------------------------------
async def test_platform_route_is_owner_scoped(client, admin, customer, other_customer):
    resp = await client.post(
        "/api/v1/auth/api-keys/",
        json={"description": "mine", "permissions": "read"},
        headers=customer.auth,
    )
    assert resp.status == 201
    created = await resp.json()
    assert created["consumer_secret"].startswith("cs_") and created["user_id"] == customer.user.id
    listed = await (await client.get("/api/v1/auth/api-keys/", headers=customer.auth)).json()
    assert [k["id"] for k in listed] == [created["id"]] and "consumer_secret" not in listed[0]

    other = await client.get(
        f"/api/v1/auth/api-keys/?user_id={customer.user.id}", headers=other_customer.auth
    )
    assert other.status == 403
    resp = await client.post(
        "/api/v1/auth/api-keys/",
        json={"description": "x", "permissions": "read", "user_id": customer.user.id},
        headers=other_customer.auth,
    )
    assert resp.status == 403
    gone = await client.delete(
        f"/api/v1/auth/api-keys/{created['id']}/", headers=other_customer.auth
    )
    assert gone.status == 404

    by_admin = await client.get(
        f"/api/v1/auth/api-keys/?user_id={customer.user.id}", headers=admin.auth
    )
    assert [k["id"] for k in await by_admin.json()] == [created["id"]]
    resp = await client.delete(f"/api/v1/auth/api-keys/{created['id']}/", headers=customer.auth)
    assert resp.status == 204
    assert await (await client.get("/api/v1/auth/api-keys/", headers=customer.auth)).json() == []


async def test_platform_route_validates(client, customer):
    resp = await client.post(
        "/api/v1/auth/api-keys/",
        json={"description": "", "permissions": "all"},
        headers=customer.auth,
    )
    assert resp.status == 400
    assert (await resp.json())["errors"] == {"description": ["Use 1 to 200 characters."]}


# -- a real TLS listener -----------------------------------------------------------------
def _self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


async def test_basic_over_a_tls_listener(settings, tmp_path):
    settings.port = 0
    settings.tls_cert, settings.tls_key = _self_signed(tmp_path)
    runtime = Runtime(settings)
    ctx = await runtime.open()
    try:
        url = await runtime.start_api()
        assert url.startswith("https://")
        from support import make_account

        manager = await make_account(ctx, "m@example.com", "shop_manager")
        key = await make_key(ctx, manager.user)
        tls = ssl.create_default_context(cafile=settings.tls_cert)
        async with aiohttp.ClientSession() as http:
            auth = basic_auth(key.consumer_key, key.consumer_secret)
            async with http.get(f"{url}{BASE}/products", headers=auth, ssl=tls) as resp:
                assert resp.status == 200
    finally:
        await runtime.close()


# -- the CLI ------------------------------------------------------------------------------
def _run(db, *args):
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), "--db", str(db), "users", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_creates_lists_and_revokes(tmp_path):
    db = tmp_path / "cli.db"
    assert (
        _run(
            db, "create", "a@example.com", "--password", "long enough", "--role", "administrator"
        ).returncode
        == 0
    )
    made = _run(db, "api-key", "a@example.com", "--description", "Sync", "--permission", "read")
    assert made.returncode == 0, made.stderr
    words = made.stdout.split()
    ck = next(w for w in words if w.startswith("ck_"))
    assert any(w.startswith("cs_") for w in words)
    listed = _run(db, "api-keys", "a@example.com")
    assert (
        f"...{ck[-7:]}" in listed.stdout and "read" in listed.stdout and "cs_" not in listed.stdout
    )
    assert _run(db, "revoke-api-key", "1").returncode == 0
    assert _run(db, "api-keys", "a@example.com").stdout == ""
    bad = _run(db, "api-key", "a@example.com", "--description", "x", "--permission", "all")
    assert bad.returncode == 2
