"""The services record: everything a service function needs, built once per process.

``Context.open`` builds every in-memory service in one place, in the order they
depend on each other (the token cache follows the usage tracker's flushes and the
user cache's changes), so nothing is created lazily on first use.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.accounts.api_key_crypto import SecretBox
from service.accounts.api_keys import AccessTracker
from service.accounts.jwt import JwtCodec
from service.accounts.oauth1 import NonceRegistry, Nonces
from service.accounts.users import UserCache
from service.app import shared
from service.catalog.cache import RenderCache
from service.common.changes import Changes
from service.common.clock import Clock
from service.common.config import Settings
from service.common.stats import RequestStats
from service.common.throttle import (
    FailureLimiter,
    FailureThrottle,
    GuessLimiter,
    GuessLimits,
    GuessThrottle,
)
from service.integrations import sync
from service.integrations.sync_batcher import Batcher
from service.integrations.token_cache import TokenCache
from service.integrations.usage import UsageTracker
from service.licensing import order_listener
from service.licensing.throttle import LicenseLimiter, LicenseRateLimits
from service.storefront.hooks import Extension
from store import meta
from store.base import Listening, is_postgres_url
from store.db import Store

if TYPE_CHECKING:
    from service.http.registry import RouteRegistry


class StartupError(Exception):
    """An expected failure to start, reported as one line."""


KEY_HINT = "python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"


def secret_key_problem(settings: Settings) -> str | None:
    """Why the API-key sealing key is unusable, or None. On SQLite it may be created
    beside the database; on PostgreSQL every process (every worker, every machine)
    must use the same one, so it is never made up: SHOPKEEP_SECRET_KEY or an existing
    --secret-key-file."""
    if settings.secret_key or not is_postgres_url(settings.db):
        return None
    path = settings.secret_key_path
    if path is None:
        return (
            "on PostgreSQL every process needs the same API-key sealing key: set "
            f"SHOPKEEP_SECRET_KEY or give --secret-key-file (make one with {KEY_HINT})"
        )
    if not os.path.isfile(path):
        return f"--secret-key-file {path} does not exist (make one with {KEY_HINT} > {path})"
    return None


@dataclass
class Context:
    store: Store
    settings: Settings
    clock: Clock
    jwt: JwtCodec
    stats: RequestStats
    cart_secret: str
    # Coroutines run at shutdown before the store closes (e.g. flushing usage counters).
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    registry: RouteRegistry | None = None
    # One signal that stored data changed (this process's commits, others' by polling).
    changes: Changes = field(default_factory=Changes)
    users: UserCache = field(default_factory=UserCache)
    token_cache: TokenCache = field(default_factory=TokenCache)
    token_failures: FailureLimiter = field(default_factory=FailureThrottle)
    license_limits: LicenseLimiter = field(default_factory=LicenseRateLimits)
    hook_extensions: list[Extension] = field(default_factory=list)
    api_key_nonces: Nonces = field(default_factory=NonceRegistry)
    # Rendered products until they change (the catalog read path).
    catalog_cache: RenderCache = field(default_factory=RenderCache)
    api_key_box: SecretBox = field(init=False)
    api_key_access: AccessTracker = field(init=False)
    guesses: GuessLimiter = field(init=False)
    usage: UsageTracker = field(init=False)
    sync_batcher: Batcher = field(init=False)
    # Other processes' changes (PostgreSQL); None on SQLite.
    listening: Listening | None = None

    @classmethod
    async def open(cls, settings: Settings, clock: Clock | None = None) -> Context:
        clock = clock or Clock()
        problem = secret_key_problem(settings)
        if problem:
            raise StartupError(problem)
        order_listener.register()
        store = await Store.open(settings.db)
        secret = await meta.get_or_create(store, "jwt_secret", lambda: secrets.token_urlsafe(48))
        cart_secret = await meta.get_or_create(
            store, "cart_secret", lambda: secrets.token_urlsafe(48)
        )
        codec = JwtCodec(secret, clock, settings.access_ttl_s, settings.refresh_ttl_s)
        ctx = cls(
            store=store,
            settings=settings,
            clock=clock,
            jwt=codec,
            stats=RequestStats(),
            cart_secret=cart_secret,
        )
        ctx.changes = Changes(store.data_version)
        store.on_commit.append(ctx.changes.bump)
        await ctx.changes.poll()  # the starting point: later writes elsewhere are changes
        ctx.guesses = GuessThrottle(GuessLimits.from_settings(settings))
        if shared.shared(ctx):
            shared.use_shared_counts(ctx)
        ctx.usage = UsageTracker(ctx)
        ctx.closers.append(ctx.usage.close)
        ctx.usage.listeners.append(ctx.token_cache.flushed)
        ctx.users.on_forget.append(ctx.token_cache.forget_user)
        ctx.sync_batcher = sync.new_batcher(ctx)
        ctx.api_key_box = SecretBox(settings.secret_key, settings.secret_key_file)
        ctx.api_key_access = AccessTracker(ctx)
        ctx.closers.append(ctx.api_key_access.close)
        ctx.closers.append(ctx.sync_batcher.close)
        await shared.listen(ctx)
        return ctx

    @property
    def routes(self) -> RouteRegistry:
        """The route registry; the composition point sets ``registry`` before serving."""
        if self.registry is None:
            raise RuntimeError("no route registry: build_registry() has not run")
        return self.registry

    async def close(self) -> None:
        for closer in reversed(self.closers):
            await closer()
        self.closers.clear()
        await self.store.close()
