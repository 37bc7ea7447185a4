"""Access and refresh JWTs: HS256 pinned, exp/iat/sub/typ required."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt

from service.clock import Clock
from service.errors import ServiceError

ALGORITHM = "HS256"


def invalid_token(message: str = "Given token not valid for any token type") -> ServiceError:
    return ServiceError(
        "token_not_valid", message, 401, headers={"WWW-Authenticate": 'Bearer realm="api"'}
    )


@dataclass
class Claims:
    user_id: int
    token_type: str
    version: int


class JwtCodec:
    def __init__(self, secret: str, clock: Clock, access_ttl_s: int, refresh_ttl_s: int):
        self._secret = secret
        self._clock = clock
        self._ttl = {"access": access_ttl_s, "refresh": refresh_ttl_s}

    def issue(self, user_id: int, token_type: str, version: int) -> str:
        now = self._clock.now()
        claims = {
            "sub": str(user_id),
            "typ": token_type,
            "ver": version,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self._ttl[token_type])).timestamp()),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str, token_type: str) -> Claims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                # exp is checked against our clock below, so tests can move time.
                options={"require": ["exp", "iat", "sub", "typ"], "verify_exp": False},
            )
        except jwt.PyJWTError as exc:
            raise invalid_token() from exc
        if claims.get("typ") != token_type:
            raise invalid_token(f"Token is not an {token_type} token")
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= self._clock.now().timestamp():
            raise invalid_token("Token is expired")
        try:
            return Claims(int(claims["sub"]), token_type, int(claims.get("ver", 0)))
        except (TypeError, ValueError) as exc:
            raise invalid_token() from exc
