"""Real third-party clients against ``python run.py serve``: the session's shop and tools.

One shop per session: an administrator made with ``run.py users create``, an application
password and a WooCommerce API key made with the CLI, served over plain HTTP and, by a second
process on the same database, over HTTPS (``--tls-cert/--tls-key`` on a certificate made here).
The npm clients are installed once per session with ``npm ci``; a check whose tool is missing
skips, saying which.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from clients_support import (
    ADMIN,
    ADMIN_PASSWORD,
    CLIENT_TIMEOUT,
    HERE,
    ApiKey,
    QuietHandler,
    Shop,
    cli,
    serve,
    tool,
)


@pytest.fixture(scope="session")
def node_clients() -> str:
    """The node binary, with tests/clients/node_modules installed from package-lock.json."""
    node = tool("node")
    npm = tool("npm")
    installed = HERE / "node_modules" / ".package-lock.json"
    lock = HERE / "package-lock.json"
    # .ci/run has just run `npm ci`; a missing or older install is redone.
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        assert done.returncode == 0, f"npm ci failed: {done.stdout}{done.stderr}"
    return node


@pytest.fixture(scope="session")
def chromium() -> str:
    return tool("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate, private key), PEM."""
    openssl = tool("openssl")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=CLIENT_TIMEOUT,
    )
    return cert, key


@pytest.fixture(scope="session")
def page_server() -> Iterator[str]:
    """A second origin serving tests/clients (the CORS page): its origin."""
    handler = functools.partial(QuietHandler, directory=str(HERE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def shop(tmp_path_factory, page_server: str) -> Iterator[Shop]:
    """An administrator with an application password, served over http; the CORS page's
    origin is allowed on /api."""
    db = tmp_path_factory.mktemp("shop") / "shop.db"
    cli(
        "users",
        "create",
        ADMIN,
        "--password",
        ADMIN_PASSWORD,
        "--role",
        "administrator",
        "--db",
        str(db),
    )
    printed = cli("users", "app-password", ADMIN, "client checks", "--db", str(db))
    app_password = printed.strip().splitlines()[-1].strip()
    for server in serve(db, "--cors-origin", page_server):
        yield Shop(db, server.url, app_password, page_server)


@pytest.fixture(scope="session")
def api_key(shop: Shop) -> ApiKey:
    """A read_write WooCommerce key for the administrator, made by the CLI."""
    options = ("--description", "client checks", "--permission", "read_write")
    printed = cli("users", "api-key", ADMIN, *options, "--db", str(shop.db))
    consumer_key = re.search(r"\bck_[0-9a-f]{40}\b", printed)
    consumer_secret = re.search(r"\bcs_[0-9a-f]{40}\b", printed)
    assert consumer_key and consumer_secret, f"no ck_/cs_ pair in: {printed}"
    return ApiKey(consumer_key.group(), consumer_secret.group())


@pytest.fixture(scope="session")
def https_url(shop: Shop, tls_certificate: tuple[Path, Path]) -> Iterator[str]:
    """The same shop served over HTTPS by a second process on the same database."""
    cert, key = tls_certificate
    for server in serve(shop.db, "--tls-cert", str(cert), "--tls-key", str(key)):
        assert server.url.startswith("https://"), server.url
        yield server.url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist the client checks share one worker: one npm ci, one pair of servers."""
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.xdist_group("clients"))
