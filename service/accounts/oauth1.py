"""One-legged OAuth 1.0a as WooCommerce's ``WC_REST_Authentication`` checks it.

The signature base string is oauthlib's (``signature_base_string``, RFC 5849 3.4.1) and
the HMAC is oauthlib's (``sign_hmac_sha1`` / ``sign_hmac_sha256``). What oauthlib cannot
do for us is WooCommerce's *parameter* rules, which differ from RFC 5849 in three ways
the official clients rely on, so the normalised parameter string is built here:

- parameters are read as PHP reads ``$_GET``/``$_POST``: one value per name, the last
  one winning (the PyPI client sends its query parameters twice), and ``a[b]=1`` /
  ``a[]=1`` become nested arrays;
- names are sorted as raw byte strings (``uksort`` with ``strcmp``), top level only,
  not by their encoded form and value;
- a nested name is ``encoded(top) + '%5B' + sub + '%5D'``, its sub-key left as is
  (``join_with_equals_sign``).

Replayed nonces are refused by :class:`NonceRegistry`, kept in memory (see there), or on
PostgreSQL by :class:`SharedNonceRegistry`, kept in the database for every process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, unquote_plus

from oauthlib.oauth1.rfc5849 import signature as rfc5849  # type: ignore[import-untyped]
from oauthlib.oauth1.rfc5849.utils import escape  # type: ignore[import-untyped]

from store import throttle as counts_sql
from store.base import Store

REQUIRED = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
SIGNERS = {
    "HMAC-SHA1": rfc5849.sign_hmac_sha1_with_client,
    "HMAC-SHA256": rfc5849.sign_hmac_sha256_with_client,
}
WINDOW_S = 15 * 60
_NESTED = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])+)$")
_SUBKEY = re.compile(r"\[([^\[\]]*)\]")
_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')

Params = dict[str, Any]  # str values, or nested Params as PHP arrays


@dataclass(frozen=True)
class _Secrets:
    """What oauthlib's signers read: one-legged, so no resource owner secret."""

    client_secret: str
    resource_owner_secret: str = ""


def php_params(pairs: Iterable[tuple[str, str]]) -> Params:
    """Name/value pairs as PHP parses a query string into ``$_GET``."""
    params: Params = {}
    for name, value in pairs:
        nested = _NESTED.match(name)
        if nested is None:
            params[name] = value
            continue
        path = [nested.group(1), *_SUBKEY.findall(nested.group(2))]
        target = params
        for depth, key in enumerate(path):
            last = depth == len(path) - 1
            if key == "" and depth:
                key = str(1 + max((int(k) for k in target if k.lstrip("-").isdigit()), default=-1))
            if last:
                target[key] = value
            else:
                if not isinstance(target.get(key), dict):
                    target[key] = {}
                target = target[key]
    return params


def header_params(authorization: str) -> dict[str, str]:
    """``parse_header``: the oauth_* parameters of an ``Authorization: OAuth ...`` header."""
    header = authorization.strip()
    if not header.startswith("OAuth "):
        return {}
    return {
        m.group(1): unquote_plus(m.group(3) or m.group(4) or "")
        for m in _HEADER_PARAM.finditer(header)
    }


def missing(params: Params) -> list[str] | None:
    """None when no OAuth parameter is given at all (not an OAuth request), else the
    names of the required ones that are absent or empty (PHP's ``empty``)."""
    absent = [n for n in REQUIRED if not isinstance(params.get(n), str) or params[n] in ("", "0")]
    return None if len(absent) == len(REQUIRED) else absent


def _entries(params: Params, prefix: str = "") -> list[str]:
    out = []
    for key, value in params.items():
        name = f"{prefix}%5B{key}%5D" if prefix else escape(key)
        if isinstance(value, dict):
            out.extend(_entries(value, name))
        else:
            out.append(f"{name}={escape(value)}")
    return out


def normalized_parameters(params: Params) -> str:
    """WooCommerce's parameter string, before the base string encodes it once more."""
    ordered = {k: params[k] for k in sorted(params, key=lambda k: k.encode())}
    ordered.pop("oauth_signature", None)
    return "&".join(_entries(ordered))


def signature_matches(
    method: str, base_uris: Iterable[str], params: Params, consumer_secret: str
) -> bool:
    """``check_oauth_signature``: the signature given for any of ``base_uris`` (the URL
    the client asked for, and the site URL as WooCommerce's ``home_url`` has it)."""
    given = unquote(str(params["oauth_signature"]).replace(" ", "+"))
    sign = SIGNERS[params["oauth_signature_method"]]
    normalized = normalized_parameters(params)
    found = False
    for uri in dict.fromkeys(base_uris):
        base = rfc5849.signature_base_string(method, uri, normalized)
        found |= rfc5849.safe_string_equals(sign(base, _Secrets(consumer_secret)), given)
    return found


def timestamp_ok(timestamp: str, now: float) -> bool:
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    return now - WINDOW_S <= int(timestamp) <= now + WINDOW_S


class Nonces(Protocol):
    """Where used nonces are remembered for the timestamp window."""

    def above_floor(self, key_id: int, timestamp: int) -> bool: ...

    async def use(self, key_id: int, nonce: str, timestamp: int, now: float) -> bool: ...

    def forget(self, key_id: int) -> None: ...


class NonceRegistry:
    """Nonces seen per key within the timestamp window, in memory (one process: SQLite).

    Memory is bounded: at most ``per_key`` nonces per key. When a key passes that,
    expired nonces go first; if that is not enough, the older half is dropped and
    everything at or before the newest dropped timestamp is refused from then on
    (``floor``), so a dropped nonce can never be replayed. A restart forgets the
    nonces: a request captured in the 15 minutes before a restart could be replayed
    once after it (use HTTPS where that matters; WooCommerce keeps them in its table).
    """

    def __init__(self, per_key: int = 20_000) -> None:
        self.per_key = per_key
        self._seen: dict[int, dict[str, int]] = {}
        self._floor: dict[int, int] = {}

    def above_floor(self, key_id: int, timestamp: int) -> bool:
        return timestamp > self._floor.get(key_id, -1)

    async def use(self, key_id: int, nonce: str, timestamp: int, now: float) -> bool:
        """Record ``nonce``; False if it was already used with this key."""
        seen = self._seen.setdefault(key_id, {})
        if nonce in seen:
            return False
        seen[nonce] = timestamp
        if len(seen) > self.per_key:
            self._shrink(key_id, seen, now)
        return True

    def _shrink(self, key_id: int, seen: dict[str, int], now: float) -> None:
        horizon = now - WINDOW_S
        live = {n: t for n, t in seen.items() if t >= horizon}
        if len(live) > self.per_key:
            by_time = sorted(live.items(), key=lambda item: item[1])
            cut = len(by_time) // 2
            self._floor[key_id] = max(self._floor.get(key_id, -1), by_time[cut - 1][1])
            live = dict(by_time[cut:])
        self._seen[key_id] = live

    def forget(self, key_id: int) -> None:
        self._seen.pop(key_id, None)
        self._floor.pop(key_id, None)


NONCE_SCOPE = "oauth.nonce"
PRUNE_EVERY_S = 60.0


class SharedNonceRegistry:
    """Nonces in the database (``throttle_counts``), for every process of a PostgreSQL
    deployment: a request captured on the wire cannot be replayed to another worker.

    A nonce is claimed with one ``INSERT … ON CONFLICT DO NOTHING`` (committed on its
    own, like the throttle counts): only the first claim in any process inserts. It is
    kept until its timestamp leaves the window (``expires_at``); expired rows are pruned
    once a minute by whichever process checks. Nothing is dropped early, so no floor.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._next_prune = 0.0

    def above_floor(self, key_id: int, timestamp: int) -> bool:
        return True

    async def use(self, key_id: int, nonce: str, timestamp: int, now: float) -> bool:
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY_S
            await counts_sql.prune(self.store, int(now))
        expires = max(timestamp, int(now)) + WINDOW_S + 1
        return await counts_sql.claim(self.store, NONCE_SCOPE, f"{key_id} {nonce}", expires)

    def forget(self, key_id: int) -> None:
        """Nothing: key ids are never reused, and the rows expire with the window."""
