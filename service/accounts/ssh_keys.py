"""SSH public keys registered to users: what opens the admin console over SSH.

A key is added from one OpenSSH public-key line (a ``.pub`` file, as in
``authorized_keys``), known by its SHA256 fingerprint exactly as ``ssh-keygen -l``
prints it, and removed by that fingerprint. The SSH server (``service.ssh``) asks
:func:`console_user` whether a login name (the account's email) and a key may open a
console: only an active administrator or shop manager holding that key may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncssh

from service.accounts.permissions import require_self_or_admin
from service.accounts.users import User
from service.audit import log as audit
from service.common.clock import iso
from service.common.errors import ServiceError, invalid, not_found
from store import ssh_keys as key_sql
from store import users as user_sql
from store.db import Conflict

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context

CONSOLE_ROLES = ("administrator", "shop_manager")
MAX_KEY_TEXT = 16 * 1024  # an RSA 16384-bit key line is under 3 KB
MAX_COMMENT = 200
MIN_RSA_BITS = 2048
CANNOT_MANAGE = ("rest_cannot_edit", "Sorry, you may manage only your own SSH keys.")
REFUSED_ALGORITHMS = ("ssh-dss",)  # OpenSSH turned DSA off long ago


@dataclass(frozen=True)
class SshKey:
    id: int
    user_id: int
    fingerprint: str
    key_type: str
    public_key: str
    comment: str
    created_at: str
    last_used_at: str | None

    @classmethod
    def from_row(cls, row: Any) -> SshKey:
        return cls(
            id=row["id"],
            user_id=row["user_id"],
            fingerprint=row["fingerprint"],
            key_type=row["key_type"],
            public_key=row["public_key"],
            comment=row["comment"],
            created_at=row["created_at"],
            last_used_at=row["last_used_at"],
        )


@dataclass(frozen=True)
class ParsedKey:
    fingerprint: str
    key_type: str
    public_key: str
    comment: str


def may_open_console(user: User) -> bool:
    return user.is_active and user.role in CONSOLE_ROLES


def fingerprint_of(key: asyncssh.SSHKey) -> str:
    """``SHA256:`` and unpadded base64, as OpenSSH prints it."""
    return key.get_fingerprint("sha256")


def _bad_key(message: str) -> ServiceError:
    return invalid({"public_key": message})


def parse_public_key(text: str) -> ParsedKey:
    """One public key from the text of a ``.pub`` file (surrounding blank lines allowed)."""
    text = (text if isinstance(text, str) else "").strip()
    if not text:
        raise _bad_key("Paste one public key, e.g. the line in ~/.ssh/id_ed25519.pub.")
    if len(text) > MAX_KEY_TEXT:
        raise _bad_key("That is too long for one public key.")
    if "PRIVATE KEY" in text:
        raise _bad_key("That is a private key: never share it. Paste the .pub file instead.")
    if len(text.splitlines()) > 1 and not text.startswith("---- BEGIN SSH2"):
        raise _bad_key("Paste one key at a time.")
    try:
        key = asyncssh.import_public_key(text)
    except (asyncssh.KeyImportError, ValueError):
        raise _bad_key(
            "That is not an SSH public key (expected e.g. 'ssh-ed25519 AAAA... you@host')."
        ) from None
    algorithm = key.get_algorithm()
    if algorithm in REFUSED_ALGORITHMS:
        raise _bad_key(f"{algorithm} keys are refused; use ssh-ed25519.")
    bits = getattr(getattr(key, "pyca_key", None), "key_size", None)
    if algorithm == "ssh-rsa" and isinstance(bits, int) and bits < MIN_RSA_BITS:
        raise _bad_key(f"RSA keys need at least {MIN_RSA_BITS} bits; use ssh-ed25519.")
    comment = (key.get_comment() or "").strip()[:MAX_COMMENT]
    key.set_comment(None)
    line = key.export_public_key("openssh").decode("ascii").strip()
    return ParsedKey(fingerprint_of(key), algorithm, line, comment)


async def add(ctx: Context, user_id: int, text: str, *, actor: Actor | None = None) -> SshKey:
    """Register a key to a user (one's own, or anyone's for an administrator); the same
    key twice for one user is refused."""
    require_self_or_admin(actor, user_id, *CANNOT_MANAGE)
    parsed = parse_public_key(text)
    try:
        async with ctx.store.transaction() as tx:
            if await user_sql.by_id(tx, user_id) is None:
                raise not_found("user_not_found", "No such user.")
            key_id = await key_sql.insert(
                tx,
                user_id=user_id,
                fingerprint=parsed.fingerprint,
                key_type=parsed.key_type,
                public_key=parsed.public_key,
                comment=parsed.comment,
                created_at=iso(ctx.clock.now()),
            )
            row = await key_sql.find(tx, user_id, parsed.fingerprint)
            await audit.record(
                ctx,
                tx,
                "ssh_key.add",
                "ssh_key",
                parsed.fingerprint,
                actor=actor,
                summary={
                    "user_id": user_id,
                    "key_type": parsed.key_type,
                    "comment": parsed.comment,
                },
            )
    except Conflict:
        raise _bad_key(f"This user already has the key {parsed.fingerprint}.") from None
    assert row is not None and row["id"] == key_id
    return SshKey.from_row(row)


async def list_for_user(ctx: Context, user_id: int, *, actor: Actor | None = None) -> list[SshKey]:
    require_self_or_admin(actor, user_id, *CANNOT_MANAGE)
    return [SshKey.from_row(r) for r in await key_sql.for_user(ctx.store, user_id)]


async def remove(
    ctx: Context, user_id: int, fingerprint: str, *, actor: Actor | None = None
) -> None:
    require_self_or_admin(actor, user_id, *CANNOT_MANAGE)
    fingerprint = (fingerprint or "").strip()
    if fingerprint and not fingerprint.startswith("SHA256:"):
        fingerprint = "SHA256:" + fingerprint
    async with ctx.store.transaction() as tx:
        if not await key_sql.delete(tx, user_id, fingerprint):
            raise not_found("ssh_key_not_found", f"This user has no key {fingerprint}.")
        await audit.record(
            ctx,
            tx,
            "ssh_key.remove",
            "ssh_key",
            fingerprint,
            actor=actor,
            summary={"user_id": user_id},
        )


async def console_user_now(ctx: Context, user: User) -> tuple[User | None, str]:
    """``user`` as stored now, while they may still hold a console (a new role or name
    takes effect); else None and why not: deleted, deactivated, or now in a role that
    opens no console."""
    row = await user_sql.by_id(ctx.store, user.id)
    if row is None:
        return None, f"the account {user.email} was deleted"
    now = User.from_row(row)
    if not now.is_active:
        return None, f"the account {now.email} was deactivated"
    if now.role not in CONSOLE_ROLES:
        role = now.role.replace("_", " ")
        return None, (
            f"{now.email} is now a {role}; only administrators and shop managers "
            "may open the console"
        )
    return now, ""


async def console_user(ctx: Context, login: str, fingerprint: str) -> User | None:
    """The user ``login`` (an email) names, when they may open the console with the key
    of ``fingerprint``; None otherwise (unknown user, key, customer or inactive alike)."""
    row = await user_sql.by_email(ctx.store, login)
    if row is None:
        return None
    user = User.from_row(row)
    if not may_open_console(user):
        return None
    if await key_sql.find(ctx.store, user.id, fingerprint) is None:
        return None
    return user


async def mark_used(ctx: Context, user_id: int, fingerprint: str) -> None:
    async with ctx.store.transaction() as tx:
        await key_sql.touch(tx, user_id, fingerprint, iso(ctx.clock.now()))
