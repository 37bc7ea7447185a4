"""Integration tokens: generate, list, change, rotate, revoke, and authenticate with one.

A secret is made from ``secrets``, returned once (by ``generate`` and ``regenerate``)
and then forgotten: the store keeps its SHA-256 digest, looked up on every request,
and a preview (first 5 characters, ``...``, last 6). Every function takes the acting
user and scopes by owner: administrators see and manage everyone's tokens, anyone
else only their own, and someone else's token is "not found" rather than forbidden.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.accounts import passwords
from service.audit import log as audit
from service.common.clock import iso
from service.common.errors import ServiceError, invalid
from service.common.paging import Page, check_page
from service.integrations import messages as lang
from service.integrations.token_auth import (
    TokenAuth,
    authenticate,
    authenticate_cached,
    invalid_token,
    require_type,
)
from service.integrations.token_rules import (
    DEFAULT_TYPE,
    INTEGRATION_TYPES,
    check_allowed_ips,
    check_bool,
    check_expires_at,
    check_name,
    check_type,
    make_secret,
    preview,
    reject_unknown,
)
from store import tokens as token_sql
from store import users as user_sql

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context

MAX_TOKENS_PER_USER = 100

__all__ = [
    "INTEGRATION_TYPES",
    "IssuedToken",
    "TokenAuth",
    "TokenFilters",
    "TokenInfo",
    "authenticate",
    "authenticate_cached",
    "generate",
    "get_token",
    "invalid_token",
    "list_tokens",
    "regenerate",
    "require_type",
    "revoke",
    "update",
]
GENERATE_FIELDS = frozenset({"integration_type", "name", "expires_at", "allowed_ips", "user_id"})
UPDATE_FIELDS = frozenset({"name", "is_active", "expires_at", "allowed_ips"})


@dataclass(frozen=True)
class TokenInfo:
    id: str
    user_id: int
    user_email: str
    name: str
    integration_type: str
    token_preview: str
    is_active: bool
    status: str  # active, inactive, expired, revoked
    usage_count: int
    last_used_at: str | None
    created_at: str
    updated_at: str
    expires_at: str | None
    rotated_at: str | None
    revoked_at: str | None
    allowed_ips: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "integration_type": self.integration_type,
            "token_preview": self.token_preview,
            "is_active": self.is_active,
            "status": self.status,
            "usage_count": self.usage_count,
            "last_used_at": self.last_used_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "expires_at": self.expires_at,
            "rotated_at": self.rotated_at,
            "revoked_at": self.revoked_at,
            "allowed_ips": list(self.allowed_ips),
            "user": {"id": self.user_id, "email": self.user_email},
        }


@dataclass(frozen=True)
class IssuedToken:
    """A token together with its secret, which exists only in this object."""

    token: str
    info: TokenInfo

    def to_dict(self, language: str = lang.DEFAULT) -> dict[str, Any]:
        info = self.info
        return {
            "id": info.id,
            "token": self.token,
            "token_preview": info.token_preview,
            "integration_type": info.integration_type,
            "name": info.name,
            "user": {"id": info.user_id, "email": info.user_email},
            "created_at": info.created_at,
            "expires_at": info.expires_at,
            "allowed_ips": list(info.allowed_ips),
            "message": lang.message("token_shown_once", language),
        }


@dataclass(frozen=True)
class TokenFilters:
    user_id: int | None = None  # administrators only (anyone may name themselves)
    integration_type: str | None = None
    is_active: bool | None = None
    include_revoked: bool = False
    search: str | None = None


def _status(row: Any, now: str) -> str:
    if row["revoked_at"]:
        return "revoked"
    if not row["is_active"]:
        return "inactive"
    if row["expires_at"] and row["expires_at"] <= now:
        return "expired"
    return "active"


def _info(ctx: Context, row: Any) -> TokenInfo:
    count, last = ctx.usage.adjust(row["id"], row["usage_count"], row["last_used_at"])
    return TokenInfo(
        id=row["id"],
        user_id=row["user_id"],
        user_email=row["user_email"],
        name=row["name"],
        integration_type=row["integration_type"],
        token_preview=row["token_preview"],
        is_active=bool(row["is_active"]),
        status=_status(row, iso(ctx.clock.now()) or ""),
        usage_count=count,
        last_used_at=last or None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        expires_at=row["expires_at"],
        rotated_at=row["rotated_at"],
        revoked_at=row["revoked_at"],
        allowed_ips=tuple(json.loads(row["allowed_ips"])),
    )


def _not_found() -> ServiceError:
    return ServiceError("token_not_found", "No integration token matches the given query.", 404)


async def _read(ctx: Context, token_id: str) -> Any:
    return await ctx.usage.consistent(lambda: token_sql.by_id(ctx.store, token_id))


async def _owned_row(ctx: Context, actor: Actor, token_id: str) -> Any:
    if not isinstance(token_id, str) or not _is_uuid(token_id):
        raise _not_found()
    row = await _read(ctx, token_id)
    if row is None or (row["user_id"] != actor.id and not actor.is_admin):
        raise _not_found()
    return row


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


# -- the lifecycle -----------------------------------------------------------------


async def generate(
    ctx: Context,
    actor: Actor,
    *,
    name: object,
    integration_type: object = DEFAULT_TYPE,
    expires_at: object = None,
    allowed_ips: object = None,
    user_id: object = None,
) -> IssuedToken:
    """Create a token (for another user: administrators only). The secret is in the
    result and nowhere else."""
    fields = {
        "name": lambda: check_name(name),
        "integration_type": lambda: check_type(
            DEFAULT_TYPE if integration_type is None else integration_type
        ),
        "expires_at": lambda: check_expires_at(ctx, expires_at),
        "allowed_ips": lambda: check_allowed_ips(allowed_ips),
    }
    values: dict[str, Any] = {}  # each field's checked value, by field
    errors: dict[str, list[str]] = {}
    for field, check in fields.items():
        try:
            values[field] = check()
        except ServiceError as err:
            errors.update(err.fields)
    if errors:
        raise ServiceError("invalid", "Invalid input.", 400, fields=errors)
    owner_id = await _owner_for(ctx, actor, user_id)
    secret = make_secret(values["integration_type"])
    token_id = str(uuid.uuid4())
    now = iso(ctx.clock.now())
    async with ctx.store.transaction() as tx:
        if await token_sql.count_live_for_owner(tx, owner_id) >= MAX_TOKENS_PER_USER:
            raise ServiceError(
                "token_limit",
                f"A user can have at most {MAX_TOKENS_PER_USER} tokens; revoke unused ones first.",
                400,
            )
        await token_sql.insert(
            tx,
            id=token_id,
            user_id=owner_id,
            name=values["name"],
            integration_type=values["integration_type"],
            digest=passwords.digest(secret),
            token_preview=preview(secret),
            allowed_ips=json.dumps(values["allowed_ips"]),
            created_at=now,
            updated_at=now,
            expires_at=values["expires_at"],
        )
        await audit.record(
            ctx,
            tx,
            "token.create",
            "token",
            token_id,
            actor=actor,
            summary={
                "name": values["name"],
                "owner_user_id": owner_id,
                "integration_type": values["integration_type"],
                "token_preview": preview(secret),
            },
        )
    return IssuedToken(secret, _info(ctx, await _read(ctx, token_id)))


async def _owner_for(ctx: Context, actor: Actor, user_id: object) -> int:
    if user_id is None and actor.id is None:
        raise invalid({"user_id": "Choose the token's owner: the local operator has no account."})
    owner_id = actor.id if user_id is None else user_id
    if isinstance(owner_id, bool) or not isinstance(owner_id, int):
        raise invalid({"user_id": "A valid integer is required."})
    if owner_id != actor.id and not actor.is_admin:
        raise ServiceError(
            "permission_denied", "Only administrators can create tokens for other users.", 403
        )
    row = await user_sql.by_id(ctx.store, owner_id)
    if row is None:
        raise invalid({"user_id": "User not found."})
    if not row["is_active"]:
        raise invalid({"user_id": "This user is inactive."})
    return owner_id


async def list_tokens(
    ctx: Context,
    actor: Actor,
    filters: TokenFilters | None = None,
    *,
    page: int = 1,
    page_size: int = 10,
) -> Page[TokenInfo]:
    """Newest first; revoked tokens only with ``include_revoked``."""
    filters = filters or TokenFilters()
    limit, offset = check_page(page, page_size)
    if filters.integration_type is not None:
        check_type(filters.integration_type)
    owner = filters.user_id
    if not actor.is_admin:
        if owner is not None and owner != actor.id:
            raise ServiceError(
                "permission_denied", "Only administrators can list other users' tokens.", 403
            )
        owner = actor.id
    query = token_sql.TokenQuery(
        user_id=owner,
        integration_type=filters.integration_type,
        is_active=filters.is_active,
        include_revoked=filters.include_revoked,
        search=(filters.search or "").strip() or None,
    )

    async def fetch() -> tuple[int, list[Any]]:
        total = await token_sql.count(ctx.store, query)
        return total, await token_sql.search(ctx.store, query, limit, offset)

    total, rows = await ctx.usage.consistent(fetch)
    return Page([_info(ctx, row) for row in rows], total, page, page_size)


async def get_token(ctx: Context, actor: Actor, token_id: str) -> TokenInfo:
    return _info(ctx, await _owned_row(ctx, actor, token_id))


async def update(ctx: Context, actor: Actor, token_id: str, **changes: object) -> TokenInfo:
    """Change name, is_active, expires_at or allowed_ips. The type cannot change, and a
    revoked token cannot be changed at all."""
    if "integration_type" in changes:
        raise invalid({"integration_type": "The integration type cannot be changed."})
    reject_unknown(changes, UPDATE_FIELDS)
    row = await _owned_row(ctx, actor, token_id)
    if row["revoked_at"]:
        raise _not_found()
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    checks = {
        "name": lambda v: check_name(v),
        "is_active": lambda v: int(check_bool("is_active", v)),
        "expires_at": lambda v: check_expires_at(ctx, v),
        "allowed_ips": lambda v: json.dumps(check_allowed_ips([] if v is None else v)),
    }
    for field, value in changes.items():
        try:
            values[field] = checks[field](value)
        except ServiceError as err:
            errors.update(err.fields)
    if errors:
        raise ServiceError("invalid", "Invalid input.", 400, fields=errors)
    if values:
        async with ctx.store.transaction() as tx:
            if not await token_sql.update(tx, token_id, **values, updated_at=iso(ctx.clock.now())):
                raise _not_found()
            await audit.record(
                ctx, tx, "token.update", "token", token_id, actor=actor, summary=changes
            )
        ctx.token_cache.forget(token_id)
    return _info(ctx, await _read(ctx, token_id))


async def regenerate(ctx: Context, actor: Actor, token_id: str) -> IssuedToken:
    """A new secret for the same token; the old one stops working at once."""
    row = await _owned_row(ctx, actor, token_id)
    if row["revoked_at"]:
        raise _not_found()
    secret = make_secret(row["integration_type"])
    async with ctx.store.transaction() as tx:
        changed = await token_sql.replace_secret(
            tx, token_id, passwords.digest(secret), preview(secret), iso(ctx.clock.now())
        )
        if not changed:
            raise _not_found()
        await audit.record(
            ctx,
            tx,
            "token.regenerate",
            "token",
            token_id,
            actor=actor,
            summary={"name": row["name"], "token_preview": preview(secret)},
        )
    ctx.token_cache.forget(token_id)
    return IssuedToken(secret, _info(ctx, await _read(ctx, token_id)))


async def revoke(ctx: Context, actor: Actor, token_id: str) -> TokenInfo:
    """Revoke at once and for good; a revoked token is 404 to every later change."""
    row = await _owned_row(ctx, actor, token_id)
    if row["revoked_at"]:
        raise _not_found()
    async with ctx.store.transaction() as tx:
        if not await token_sql.revoke(tx, token_id, iso(ctx.clock.now())):
            raise _not_found()
        await audit.record(
            ctx, tx, "token.revoke", "token", token_id, actor=actor, summary={"name": row["name"]}
        )
    ctx.token_cache.forget(token_id)
    return _info(ctx, await _read(ctx, token_id))
