"""What protects a WooCommerce API key at rest.

- The consumer key (``ck_``) is kept only as WooCommerce's ``wc_api_hash``: HMAC-SHA256
  keyed with the fixed string ``wc-api``. It is a lookup index, not a password hash: a
  key carries 160 random bits, so a secret HMAC key would add nothing against guessing,
  and the fixed one keeps the column identical to WooCommerce's ``woocommerce_api_keys``
  (keys can move between the two) and lets a lookup work even without the sealing key.
- The consumer secret (``cs_``) must be known to check OAuth 1.0a signatures, so it is
  sealed with AES-256-GCM (``cryptography``'s AESGCM), bound to its ``wc_api_hash`` as
  associated data, under a 32-byte key that is never in the database: the environment
  variable ``SHOPKEEP_SECRET_KEY`` (URL-safe base64) or the file beside the database
  (``shopkeep.db.key``, created with mode 0600 on first need). A stolen database alone
  yields no usable secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger("shopkeep.api_keys")

ENV_VAR = "SHOPKEEP_SECRET_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12


class SealingKeyError(Exception):
    """The sealing key is missing, malformed or not the one a secret was sealed with."""


def wc_api_hash(data: str) -> str:
    """WooCommerce's ``wc_api_hash()``: ``hash_hmac('sha256', $data, 'wc-api')``."""
    return hmac.new(b"wc-api", data.encode(), hashlib.sha256).hexdigest()


def _decode_key(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise SealingKeyError(f"{where} must be {KEY_BYTES} bytes in URL-safe base64")
    return raw


def _encode_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def new_key_text() -> str:
    """A fresh sealing key, as SHOPKEEP_SECRET_KEY or the key file hold it."""
    return _encode_key(secrets.token_bytes(KEY_BYTES))


def load_or_create(env_value: str | None, key_file: str | None) -> bytes:
    """The environment variable wins; else the key file, created (0600, exclusively) when
    absent; with neither (an in-memory database) a key for this process only."""
    if env_value:
        return _decode_key(env_value, ENV_VAR)
    if key_file is None:
        return secrets.token_bytes(KEY_BYTES)
    path = Path(key_file)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("%s is readable by other users (mode %o); use chmod 600", path, mode)
        return _decode_key(path.read_text(encoding="ascii"), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(new_key_text() + "\n")
    log.info("created the API key sealing key %s (mode 0600); back it up with the database", path)
    return _decode_key(path.read_text(encoding="ascii"), str(path))


class SecretBox:
    """Seals consumer secrets; the key is read (or created) on first need."""

    def __init__(self, env_value: str | None, key_file: str | None) -> None:
        self._env_value = env_value
        self._key_file = key_file
        self._aead: AESGCM | None = None

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            self._aead = AESGCM(load_or_create(self._env_value, self._key_file))
        return self._aead

    def seal(self, secret: str, bound_to: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._cipher().encrypt(nonce, secret.encode(), bound_to.encode())

    def open(self, box: bytes, bound_to: str) -> str:
        try:
            plain = self._cipher().decrypt(
                bytes(box[:NONCE_BYTES]), bytes(box[NONCE_BYTES:]), bound_to.encode()
            )
        except InvalidTag:
            raise SealingKeyError(
                "a consumer secret cannot be opened: the sealing key "
                f"({ENV_VAR} or the .key file beside the database) is not the one it was "
                "sealed with"
            ) from None
        return plain.decode()
