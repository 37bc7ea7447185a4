"""Everything a service function needs, opened once per process."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from service.accounts.jwt import JwtCodec
from service.common.clock import Clock
from service.common.config import Settings
from service.common.stats import RequestStats
from service.licensing import order_listener
from store import meta
from store.db import Store


@dataclass
class Context:
    store: Store
    settings: Settings
    clock: Clock
    jwt: JwtCodec
    stats: RequestStats
    registry: Any = None
    # Coroutines run at shutdown before the store closes (e.g. flushing usage counters).
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    async def open(cls, settings: Settings, clock: Clock | None = None) -> Context:
        clock = clock or Clock()
        order_listener.register()
        store = await Store.open(settings.db)
        secret = await meta.get_or_create(store, "jwt_secret", lambda: secrets.token_urlsafe(48))
        codec = JwtCodec(secret, clock, settings.access_ttl_s, settings.refresh_ttl_s)
        return cls(store=store, settings=settings, clock=clock, jwt=codec, stats=RequestStats())

    async def close(self) -> None:
        for closer in reversed(self.closers):
            await closer()
        self.closers.clear()
        await self.store.close()
