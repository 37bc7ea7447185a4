"""Settings: flags > SHOPKEEP_* environment > defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PASSWORD_HASH_COST = 14  # scrypt N = 2**14: about 50 ms per hash

DEFAULT_CORS_ORIGINS = (
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://localhost:8080",
)


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    db: str = "shopkeep.db"
    log_file: str | None = None
    demo: bool = False
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    trusted_proxies: tuple[str, ...] = ()
    access_ttl_s: int = 15 * 60
    refresh_ttl_s: int = 7 * 24 * 3600
    client_max_size: int = 1024 * 1024
    shutdown_timeout_s: float = 5.0
    # A request body that has not fully arrived after this long is answered 408.
    body_read_timeout_s: float = 30.0
    site_url: str = field(default="")
    # Password guessing (service.common.throttle.GuessThrottle): failures within the window
    # lock one address out of one account, then the account for everyone, and one
    # address out of every account.
    throttle_account_ip: int = 5
    throttle_account: int = 20
    throttle_ip: int = 50
    throttle_window_s: float = 15 * 60.0
    throttle_max_keys: int = 50_000
    # scrypt N = 2**cost for new password hashes; tests lower it, stored hashes keep theirs.
    password_hash_cost: int = DEFAULT_PASSWORD_HASH_COST
    # TLS for local development (--tls-cert/--tls-key): HTTPS is what lets WooCommerce API
    # keys be sent as Basic credentials or in the query string.
    tls_cert: str | None = None
    tls_key: str | None = None
    # The key sealing API key secrets (URL-safe base64 of 32 bytes); when unset, the
    # file beside the database (``secret_key_file``) holds it.
    secret_key: str | None = field(default_factory=lambda: os.environ.get("SHOPKEEP_SECRET_KEY"))
    # --secret-key-file: the key's file, instead of the one beside a SQLite database (on
    # PostgreSQL there is no such place: this or SHOPKEEP_SECRET_KEY is required).
    secret_key_path: str | None = None
    # The console over SSH (service.ssh): off unless a port is given; the host defaults to
    # the API's. At most ``ssh_max_sessions`` consoles at once; a console without a key
    # press for ``ssh_idle_timeout_s`` seconds is closed (0: never).
    ssh_port: int | None = None
    ssh_host: str | None = None
    # --ssh-host-key: the host key's file, instead of the default (``ssh_host_key_file``).
    ssh_host_key_path: str | None = None
    ssh_max_sessions: int = 8
    ssh_idle_timeout_s: float = 30 * 60.0
    # The audit log keeps entries this many days (0: for ever); serve and console prune
    # older ones at start-up and once a day.
    audit_retention_days: int = field(default_factory=lambda: _env_int(RETENTION_ENV, 365))
    # One line per request in the log file (--no-access-log, SHOPKEEP_ACCESS_LOG=0: off,
    # e.g. behind a proxy that keeps its own; the Dashboard still counts every request).
    access_log: bool = field(default_factory=lambda: _env_switch(ACCESS_LOG_ENV, True))

    @property
    def log_path(self) -> str:
        if self.log_file:
            return self.log_file
        if self.db == ":memory:" or self.on_postgres:
            return "shopkeep.log"  # no file to sit beside (a URL is not a path)
        db = Path(self.db)
        return str(db.with_name(db.stem + ".log"))

    @property
    def on_postgres(self) -> bool:
        return self.db.startswith(("postgresql://", "postgres://"))

    @property
    def secret_key_file(self) -> str | None:
        """``--secret-key-file``, else ``shopkeep.db.key`` beside a SQLite database; none
        for an in-memory database or PostgreSQL."""
        if self.secret_key_path:
            return self.secret_key_path
        return None if self.db == ":memory:" or self.on_postgres else self.db + ".key"

    @property
    def ssh_host_key_file(self) -> str | None:
        """``--ssh-host-key``, else ``shopkeep.db.ssh_host_ed25519_key`` beside a SQLite
        database, ``./shopkeep.ssh_host_ed25519_key`` in the working directory on
        PostgreSQL (a URL is not a place); none for an in-memory database (the host key
        then lives as long as the process)."""
        if self.ssh_host_key_path:
            return self.ssh_host_key_path
        if self.on_postgres:
            return POSTGRES_SSH_HOST_KEY
        return None if self.db == ":memory:" else self.db + ".ssh_host_ed25519_key"

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls_cert else "http"
        return self.site_url or f"{scheme}://{self.host}:{self.port}"


RETENTION_ENV = "SHOPKEEP_AUDIT_RETENTION_DAYS"
ACCESS_LOG_ENV = "SHOPKEEP_ACCESS_LOG"


def _env_switch(name: str, default: bool) -> bool:
    """An on/off environment variable: 0, off, false and no turn it off, anything else
    set turns it on."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value not in ("0", "off", "false", "no")


POSTGRES_SSH_HOST_KEY = "shopkeep.ssh_host_ed25519_key"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else default


def env_defaults() -> dict[str, object]:
    """Defaults taken from the environment, for argparse."""
    port = os.environ.get("SHOPKEEP_PORT")
    return {
        "host": os.environ.get("SHOPKEEP_HOST", "127.0.0.1"),
        "port": int(port) if port and port.isascii() and port.isdigit() else 8000,
        "db": os.environ.get("SHOPKEEP_DB", "shopkeep.db"),
    }
