"""What a deployment of several processes on PostgreSQL shares, set up by Context.open.

- Throttles and rate limits are counted in the database (service.common.shared_throttle,
  service.licensing.throttle), so a limit is a limit for the whole deployment.
- Used OAuth 1.0a nonces are kept in the database too (service.accounts.oauth1), so a
  captured request cannot be replayed to another process.
- Cached users and integration tokens are dropped in every process the moment a change
  commits: triggers on their tables send a notification (migration 0015), one
  connection per process listens (store/notify.py). If that connection is lost, every
  cache is dropped, since notifications may have been missed.
- The console's change signal moves on other processes' commits too: each process
  tells the others it committed (coalesced, ``shopkeep_changes``).

On SQLite none of this applies: one process owns the file, its writers tell its caches
directly, and ``data_version`` shows the commits of a console beside it.

The rendered-product cache and the settings snapshot need nothing here: each request
reads their versions from the database with its page query (service/catalog/cache.py).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from service.accounts.oauth1 import SharedNonceRegistry
from service.common.shared_throttle import SharedFailureThrottle, SharedGuessThrottle
from service.common.throttle import FAILURE_LIMIT, WINDOW_S, GuessLimits
from service.licensing.throttle import SharedLicenseRateLimits
from store.notify import CHANGES

if TYPE_CHECKING:
    from service.app.context import Context

log = logging.getLogger("shopkeep.shared")

USERS = "shopkeep_users"
TOKENS = "shopkeep_tokens"
THROTTLE = "shopkeep_throttle"


def shared(ctx: Context) -> bool:
    return ctx.store.dialect == "postgresql"


def use_shared_counts(ctx: Context) -> None:
    """Throttles and rate limits counted in the database."""
    ctx.guesses = SharedGuessThrottle(ctx.store, GuessLimits.from_settings(ctx.settings))
    ctx.token_failures = SharedFailureThrottle(ctx.store, FAILURE_LIMIT, WINDOW_S)
    ctx.license_limits = SharedLicenseRateLimits(ctx.store)
    ctx.api_key_nonces = SharedNonceRegistry(ctx.store)


def drop_caches(ctx: Context) -> None:
    ctx.users.clear()
    ctx.token_cache.clear()
    ctx.changes.bump()


def _user_changed(ctx: Context, payload: str) -> None:
    if payload.isdigit():
        ctx.users.forget(int(payload))  # and, through on_forget, the user's tokens


def _address_locked(ctx: Context, payload: str) -> None:
    if isinstance(ctx.token_failures, SharedFailureThrottle):
        ctx.token_failures.told(payload)


async def listen(ctx: Context) -> None:
    """Follow the other processes' changes (PostgreSQL; nothing on SQLite)."""
    listening = await ctx.store.listen(
        {
            USERS: lambda payload: _user_changed(ctx, payload),
            TOKENS: ctx.token_cache.forget,
            CHANGES: lambda _payload: ctx.changes.bump(),
            THROTTLE: lambda payload: _address_locked(ctx, payload),
        },
        on_lost=lambda: drop_caches(ctx),
    )
    if listening is None:
        return
    ctx.listening = listening
    ctx.store.on_commit.append(listening.changed)
    ctx.closers.insert(0, listening.close)  # closers run last first: this one last
    if not listening.listening:
        log.warning("not yet listening for other processes' changes; caches expire in 2 s")

    failures = ctx.token_failures
    if isinstance(failures, SharedFailureThrottle):

        async def announce(address: str, retry: int) -> None:
            await listening.notify(THROTTLE, json.dumps([address, retry]))

        failures.announce = announce
