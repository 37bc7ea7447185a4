"""Users, roles and capabilities, login, JWTs and application passwords."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.accounts import passwords
from service.accounts.jwt import Claims, invalid_token
from service.accounts.permissions import require_admin, require_self_or_admin
from service.audit import log as audit
from service.audit.origin import Who
from service.common import throttle
from service.common.clock import iso
from service.common.errors import ServiceError, invalid, not_found
from service.common.validation import EMAIL_RE
from store import users as user_sql

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context
    from store.db import Tx

ROLES = ("administrator", "shop_manager", "customer")
CAPABILITIES: dict[str, frozenset[str]] = {
    "administrator": frozenset({"manage_woocommerce", "manage_options", "list_users", "read"}),
    "shop_manager": frozenset({"manage_woocommerce", "read"}),
    "customer": frozenset({"read"}),
}
MIN_PASSWORD = 8
APP_PASSWORD_LENGTH = 24


@dataclass(frozen=True)
class User:
    id: int
    email: str
    display_name: str
    role: str
    is_active: bool
    token_version: int
    created_at: str

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.role, frozenset())

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    def audit_identity(self) -> Who:
        return Who("user", self.email, user_id=self.id, email=self.email)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "display_name": self.display_name,
            "role": self.role,
        }

    @classmethod
    def from_row(cls, row: Any) -> User:
        return cls(
            id=row["id"],
            email=row["email"],
            display_name=row["display_name"],
            role=row["role"],
            is_active=bool(row["is_active"]),
            token_version=row["token_version"],
            created_at=row["created_at"],
        )


def invalid_credentials() -> ServiceError:
    return ServiceError(
        "invalid_credentials", "No active account found with the given credentials.", 401
    )


def check_email(email: str) -> str:
    email = (email or "").strip()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise invalid({"email": "Enter a valid email address."})
    return email


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise invalid({"password": f"Use at least {MIN_PASSWORD} characters."})
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise invalid({"role": f"Choose one of: {', '.join(ROLES)}."})
    return role


@dataclass(frozen=True)
class NewUser:
    """A new account's checked fields, its password already hashed."""

    email: str
    display_name: str
    role: str
    password_hash: str


async def new_user(
    ctx: Context,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    *,
    password_hash: str | None = None,
) -> NewUser:
    """Check a new account and hash its password (slow, off the event loop): do this
    before the transaction that inserts it, so no write waits for the hash.
    ``password_hash``: ``password`` already hashed (the demo hashes many in parallel)."""
    email = check_email(email)
    check_password(password)
    check_role(role)
    name = (display_name or email.split("@")[0]).strip()[:100]
    hashed = password_hash
    if hashed is None:
        hashed = await asyncio.to_thread(
            passwords.hash_password, password, ctx.settings.password_hash_cost
        )
    return NewUser(email, name, role, hashed)


async def insert_user(tx: Tx, ctx: Context, new: NewUser) -> User:
    """Store a new account inside the caller's transaction."""
    if await user_sql.by_email(tx, new.email):
        raise ServiceError(
            "email_exists",
            "An account is already registered with that email.",
            400,
            fields={"email": ["An account is already registered with that email."]},
        )
    user_id = await user_sql.insert_user(
        tx,
        email=new.email,
        display_name=new.display_name,
        role=new.role,
        password_hash=new.password_hash,
        created_at=iso(ctx.clock.now()),
    )
    return User.from_row(await user_sql.by_id(tx, user_id))


# What the rules below answer someone who may not do a thing (WordPress's words).
CANNOT_CREATE = ("rest_cannot_create_user", "Sorry, you are not allowed to create new users.")
CANNOT_EDIT_ROLES = (
    "rest_cannot_edit_roles",
    "Sorry, you are not allowed to edit roles of this user.",
)
CANNOT_EDIT = ("rest_cannot_edit", "Sorry, you are not allowed to edit this user.")
CANNOT_APP_PASSWORD = (
    "rest_cannot_create_application_passwords",
    "Sorry, you are not allowed to create application passwords for this user.",
)
CANNOT_LIST_APP_PASSWORDS = (
    "rest_cannot_list_application_passwords",
    "Sorry, you are not allowed to list application passwords for this user.",
)
CANNOT_DELETE_APP_PASSWORD = (
    "rest_cannot_delete_application_password",
    "Sorry, you are not allowed to delete this application password.",
)


async def create_user(
    ctx: Context,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    *,
    actor: Actor | None = None,
) -> User:
    """A new account (administrators only). ``actor`` None: a trusted caller in the
    process (the demo seed, a test's setup), recorded as the current origin."""
    require_admin(actor, *CANNOT_CREATE)
    new = await new_user(ctx, email, password, role, display_name)
    async with ctx.store.transaction() as tx:
        user = await insert_user(tx, ctx, new)
        await audit.record(
            ctx,
            tx,
            "user.create",
            "user",
            user.id,
            actor=actor,
            summary={"email": user.email, "role": user.role, "display_name": user.display_name},
        )
        return user


async def get_user(ctx: Context, user_id: int) -> User:
    row = await user_sql.by_id(ctx.store, user_id)
    if row is None:
        raise not_found("user_not_found", "No such user.")
    return User.from_row(row)


async def find_user(ctx: Context, email: str) -> User | None:
    row = await user_sql.by_email(ctx.store, email)
    return User.from_row(row) if row else None


async def list_users(
    ctx: Context, role: str | None = None, *, actor: Actor | None = None
) -> list[User]:
    """Every account; someone who may not list users (a shop manager) sees only their own."""
    found = [User.from_row(r) for r in await user_sql.list_users(ctx.store, role=role)]
    if actor is not None and not actor.can("list_users"):
        found = [user for user in found if user.id == actor.id]
    return found


async def authenticate(ctx: Context, email: str, password: str, ip: str | None = None) -> User:
    """Wrong email, wrong password and inactive user all fail the same way, and are
    throttled alike per account and client IP (429 even for the right password)."""
    email = email if isinstance(email, str) else ""
    limiter = ctx.guesses
    attempt = await limiter.begin(throttle.PASSWORD, email, ip)
    row = await user_sql.by_email(ctx.store, email)
    encoded = row["password_hash"] if row else passwords.dummy_hash(ctx.settings.password_hash_cost)
    ok = await asyncio.to_thread(passwords.verify_password, str(password or ""), encoded)
    if not (row and ok and row["is_active"]):
        raise invalid_credentials()
    await limiter.succeeded(attempt)
    return User.from_row(row)


async def login(ctx: Context, email: str, password: str, ip: str | None = None) -> dict[str, Any]:
    user = await authenticate(ctx, email, password, ip)
    return {
        "access": ctx.jwt.issue(user.id, "access", user.token_version),
        "refresh": ctx.jwt.issue(user.id, "refresh", user.token_version),
        "user": user.public(),
    }


class UserCache:
    """Users read for authentication, kept briefly so a request with a JWT costs no
    database round trip. Writes in this process drop the entry at once; a write from
    another process is seen within ``ttl`` seconds on SQLite (``console --no-api``), at
    once on PostgreSQL (a notification from the users table, service/app/shared.py)."""

    def __init__(self, ttl: float = 2.0) -> None:
        self.ttl = ttl
        self._users: dict[int, tuple[float, User | None]] = {}
        # told when a user changed, e.g. so cached integration tokens drop at once
        self.on_forget: list[Callable[[int], object]] = []

    def get(self, user_id: int) -> tuple[bool, User | None]:
        hit = self._users.get(user_id)
        if hit is None or hit[0] < time.monotonic():
            return False, None
        return True, hit[1]

    def put(self, user_id: int, user: User | None) -> None:
        if len(self._users) > 10_000:
            self._users.clear()
        self._users[user_id] = (time.monotonic() + self.ttl, user)

    def forget(self, user_id: int) -> None:
        self._users.pop(user_id, None)
        for listener in self.on_forget:
            listener(user_id)

    def clear(self) -> None:
        """Forget everyone (changes may have been missed)."""
        self._users.clear()


def forget_user(ctx: Context, user_id: int) -> None:
    """Drop what is cached about a user (after a write to their row outside this module),
    so a new password, a role change or a deletion counts at once."""
    ctx.users.forget(user_id)


def on_user_change(ctx: Context, listener: Callable[[int], object]) -> None:
    """Call ``listener(user_id)`` whenever a user's cached entry is dropped."""
    ctx.users.on_forget.append(listener)


async def user_for_token(ctx: Context, token: str, token_type: str = "access") -> User:
    claims = ctx.jwt.decode(token, token_type)
    cache = ctx.users
    found, user = cache.get(claims.user_id)
    if not found:
        row = await user_sql.by_id(ctx.store, claims.user_id)
        user = User.from_row(row) if row else None
        cache.put(claims.user_id, user)
    return _token_user(user, claims)


def user_for_token_cached(ctx: Context, token: str, token_type: str = "access") -> User | None:
    """``user_for_token`` without an await when the user is cached (the request path's
    common case); None when the user must be read."""
    claims = ctx.jwt.decode(token, token_type)
    found, user = ctx.users.get(claims.user_id)
    return _token_user(user, claims) if found else None


def _token_user(user: User | None, claims: Claims) -> User:
    if user is None or not user.is_active or user.token_version != claims.version:
        raise invalid_token("User is inactive or the token was revoked")
    return user


async def refresh(ctx: Context, refresh_token: str) -> dict[str, str]:
    user = await user_for_token(ctx, refresh_token, "refresh")
    return {"access": ctx.jwt.issue(user.id, "access", user.token_version)}


async def set_password(
    ctx: Context, user_id: int, password: str, *, actor: Actor | None = None
) -> None:
    """Sets a new password and revokes every JWT issued before (one's own, or anyone's
    for an administrator)."""
    require_self_or_admin(actor, user_id, *CANNOT_EDIT)
    check_password(password)
    hashed = await asyncio.to_thread(
        passwords.hash_password, password, ctx.settings.password_hash_cost
    )
    async with ctx.store.transaction() as tx:
        if not await user_sql.update_user(tx, user_id, password_hash=hashed):
            raise not_found("user_not_found", "No such user.")
        await user_sql.bump_token_version(tx, user_id)
        row = await user_sql.by_id(tx, user_id)
        await audit.record(
            ctx,
            tx,
            "user.password",
            "user",
            user_id,
            actor=actor,
            summary={"email": row["email"] if row else None, "sessions_ended": True},
        )
    ctx.users.forget(user_id)


async def update_user(
    ctx: Context,
    user_id: int,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    display_name: str | None = None,
    actor: Actor | None = None,
) -> User:
    """Change role, active state (administrators only) or display name (also one's own)."""
    if role is not None:
        require_admin(actor, *CANNOT_EDIT_ROLES)
    if is_active is not None:
        require_admin(actor, *CANNOT_EDIT)
    require_self_or_admin(actor, user_id, *CANNOT_EDIT)
    fields: dict[str, Any] = {}
    if role is not None:
        fields["role"] = check_role(role)
    if is_active is not None:
        fields["is_active"] = int(bool(is_active))
    if display_name is not None:
        name = display_name.strip()
        if not name or len(name) > 100:
            raise invalid({"display_name": "Use 1 to 100 characters."})
        fields["display_name"] = name
    async with ctx.store.transaction() as tx:
        before = await user_sql.by_id(tx, user_id)
        await _keep_an_administrator(tx, user_id, fields)
        if fields and not await user_sql.update_user(tx, user_id, **fields):
            raise not_found("user_not_found", "No such user.")
        if is_active is False:
            await user_sql.bump_token_version(tx, user_id)
        row = await user_sql.by_id(tx, user_id)
        if before is not None and row is not None:
            await _record_update(ctx, tx, User.from_row(before), User.from_row(row), actor)
    ctx.users.forget(user_id)
    if row is None:
        raise not_found("user_not_found", "No such user.")
    return User.from_row(row)


async def _record_update(
    ctx: Context, tx: Tx, before: User, after: User, actor: Actor | None
) -> None:
    """One entry per kind of change (a role change reads apart from a rename)."""
    who: dict[str, object] = {"email": after.email}
    if after.role != before.role:
        summary: dict[str, object] = {**who, "from": before.role, "to": after.role}
        await audit.record(ctx, tx, "user.role", "user", after.id, actor=actor, summary=summary)
    if after.is_active != before.is_active:
        action = "user.activate" if after.is_active else "user.deactivate"
        summary = {**who, "sessions_ended": not after.is_active}
        await audit.record(ctx, tx, action, "user", after.id, actor=actor, summary=summary)
    if after.display_name != before.display_name:
        summary = {**who, "display_name": after.display_name}
        await audit.record(ctx, tx, "user.update", "user", after.id, actor=actor, summary=summary)


async def unlock_sign_in(ctx: Context, user: User, *, actor: Actor | None = None) -> None:
    """Forget the failed sign-ins counted against ``user`` (administrators only); an
    address locked for guessing many accounts stays locked."""
    require_admin(actor, *CANNOT_EDIT)
    for name in (user.email, user.display_name):
        await ctx.guesses.unlock(name)
    async with ctx.store.transaction() as tx:
        summary = {"email": user.email}
        await audit.record(ctx, tx, "user.unlock", "user", user.id, actor=actor, summary=summary)


def last_administrator(user: User) -> ServiceError:
    return ServiceError(
        "last_administrator",
        f"{user.email} is the last active administrator: promote or reactivate another "
        "administrator first.",
        409,
    )


async def _keep_an_administrator(tx: Tx, user_id: int, fields: dict[str, Any]) -> None:
    """Refuse to demote or deactivate the last active administrator. Checked inside the
    write transaction (SQLite: one writer at a time; PostgreSQL: the administrators'
    rows are locked first), so two concurrent demotions of the last two administrators
    cannot both pass."""
    row = await user_sql.by_id(tx, user_id)
    if row is None or row["role"] != "administrator" or not row["is_active"]:
        return
    demoted = fields.get("role", "administrator") != "administrator"
    deactivated = fields.get("is_active", 1) == 0
    if (demoted or deactivated) and not await user_sql.active_admins_except(tx, user_id):
        raise last_administrator(User.from_row(row))


def format_app_password(raw: str) -> str:
    """WordPress shows application passwords in groups of four."""
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_app_password(text: str) -> str:
    """WordPress strips everything but letters and digits before comparing."""
    return re.sub(r"[^A-Za-z0-9]", "", text or "")


async def create_app_password(
    ctx: Context, user_id: int, label: str, *, actor: Actor | None = None
) -> tuple[str, str]:
    """Returns (uuid, password). The password is shown once and only its digest is kept."""
    require_self_or_admin(actor, user_id, *CANNOT_APP_PASSWORD)
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise invalid({"label": "Use 1 to 100 characters."})
    raw = passwords.random_string(APP_PASSWORD_LENGTH)
    new_id = str(uuid.uuid4())
    async with ctx.store.transaction() as tx:
        if await user_sql.by_id(tx, user_id) is None:
            raise not_found("user_not_found", "No such user.")
        await user_sql.insert_app_password(
            tx,
            uuid=new_id,
            user_id=user_id,
            label=label,
            digest=passwords.digest(raw),
            created_at=iso(ctx.clock.now()),
        )
        await audit.record(
            ctx,
            tx,
            "app_password.create",
            "app_password",
            new_id,
            actor=actor,
            summary={"user_id": user_id, "label": label},
        )
    return new_id, format_app_password(raw)


@dataclass(frozen=True)
class AppPasswordInfo:
    """An application password as WordPress lists it: never the password (only its
    digest is kept) nor the digest."""

    uuid: str
    user_id: int
    label: str
    created_at: str
    last_used_at: str | None

    @classmethod
    def from_row(cls, row: Any) -> AppPasswordInfo:
        return cls(
            uuid=row["uuid"],
            user_id=row["user_id"],
            label=row["label"],
            created_at=row["created_at"],
            last_used_at=row["last_used_at"],
        )


async def list_app_passwords(
    ctx: Context, user_id: int, *, actor: Actor | None = None
) -> list[AppPasswordInfo]:
    """A user's application passwords, oldest first (their own, or anyone's for an
    administrator)."""
    require_self_or_admin(actor, user_id, *CANNOT_LIST_APP_PASSWORDS)
    rows = await user_sql.app_passwords_for_user(ctx.store, user_id)
    return [AppPasswordInfo.from_row(row) for row in rows]


async def revoke_app_password(
    ctx: Context, user_id: int, uuid: str, *, actor: Actor | None = None
) -> AppPasswordInfo:
    """Delete one of a user's application passwords for good (WordPress's DELETE
    /users/{id}/application-passwords/{uuid}): the next request signed with it is
    refused. Recorded in the audit log with its label, never the password."""
    require_self_or_admin(actor, user_id, *CANNOT_DELETE_APP_PASSWORD)
    async with ctx.store.transaction() as tx:
        row = await user_sql.app_password(tx, user_id, uuid)
        if row is None or not await user_sql.delete_app_password(tx, user_id, uuid):
            raise not_found(
                "rest_application_password_not_found", "Application password not found."
            )
        await audit.record(
            ctx,
            tx,
            "app_password.revoke",
            "app_password",
            uuid,
            actor=actor,
            summary={"user_id": user_id, "label": row["label"]},
        )
    return AppPasswordInfo.from_row(row)


async def authenticate_app_password(
    ctx: Context, login: str, password: str, ip: str | None = None
) -> User:
    """Throttled per user name given and client IP, like the login password but
    counted apart (it is another secret)."""
    limiter = ctx.guesses
    attempt = await limiter.begin(throttle.APP_PASSWORD, login or "", ip)
    row = await user_sql.by_login(ctx.store, login or "")
    if row is None:
        raise ServiceError("invalid_username", "Unknown username or email address.", 401)
    match = await user_sql.app_password_owner(
        ctx.store, row["id"], passwords.digest(normalise_app_password(password))
    )
    if match is None or not row["is_active"]:
        raise ServiceError(
            "incorrect_password", "The provided password is an invalid application password.", 401
        )
    await limiter.succeeded(attempt)
    async with ctx.store.transaction() as tx:
        await user_sql.touch_app_password(tx, match["uuid"], iso(ctx.clock.now()))
    return User.from_row(row)
