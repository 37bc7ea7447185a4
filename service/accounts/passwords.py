"""Password and secret hashing.

Passwords people choose get scrypt (slow on purpose; call from a thread). The cost
is a setting (``Settings.password_hash_cost``, scrypt N = 2**cost); every stored hash
carries its own parameters, so hashes made at any cost verify after the setting changes.
Machine-generated secrets (application passwords, integration tokens, activation
tokens) carry 140+ bits of entropy, so a single SHA-256 is enough and lets us look
them up by digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

from service.common.config import DEFAULT_PASSWORD_HASH_COST as DEFAULT_COST

_R, _P = 8, 1
_ALPHANUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def hash_password(password: str, cost: int = DEFAULT_COST) -> str:
    n = 2**cost
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, dklen=32)
    salt_text, digest_text = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"scrypt${n}${_R}${_P}${salt_text}${digest_text}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(expected),
    )
    return hmac.compare_digest(actual, expected)


@cache
def dummy_hash(cost: int = DEFAULT_COST) -> str:
    """A real hash at the current cost, to spend the same time on when the user does not exist."""
    return hash_password(secrets.token_hex(8), cost)


dummy_hash()  # made at import, as before, so the first failed login is not slower


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def random_string(length: int, alphabet: str = _ALPHANUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))
