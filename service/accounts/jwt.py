"""Access and refresh JWTs: HS256 pinned, exp/iat/sub/typ required."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt

from service.common.clock import Clock
from service.common.errors import ServiceError

ALGORITHM = "HS256"
_VERIFIED_MAX = 10_000


def invalid_token(message: str = "Given token not valid for any token type") -> ServiceError:
    return ServiceError(
        "token_not_valid", message, 401, headers={"WWW-Authenticate": 'Bearer realm="api"'}
    )


@dataclass(frozen=True)
class Claims:
    user_id: int
    token_type: str
    version: int
    exp: int


class JwtCodec:
    def __init__(self, secret: str, clock: Clock, access_ttl_s: int, refresh_ttl_s: int):
        self._secret = secret
        self._clock = clock
        self._ttl = {"access": access_ttl_s, "refresh": refresh_ttl_s}
        self._verified: dict[str, Claims] = {}

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
        """Verify a token; a verified token is remembered, its expiry checked every time."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            if len(self._verified) >= _VERIFIED_MAX:
                self._verified.clear()
            self._verified[token] = claims
        if claims.token_type != token_type:
            raise invalid_token(f"Token is not an {token_type} token")
        if claims.exp <= self._clock.now().timestamp():
            raise invalid_token("Token is expired")
        return claims

    def _verify(self, token: str) -> Claims:
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
        exp, token_type = claims.get("exp"), claims.get("typ")
        if not isinstance(exp, int) or token_type not in self._ttl:
            raise invalid_token()
        try:
            return Claims(int(claims["sub"]), token_type, int(claims.get("ver", 0)), exp)
        except (TypeError, ValueError) as exc:
            raise invalid_token() from exc
