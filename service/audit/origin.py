"""Who is acting, through which face and from where, for the task that acts.

A face sets the origin once (an HTTP request as it arrives, with its caller added
when it authenticates; a console session when it starts; a CLI command) and every
audit entry written in that task, and in the tasks it starts, carries it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Literal, Protocol

Face = Literal["api", "wp", "token", "console", "ssh", "cli", "system"]
ActorKind = Literal["user", "token", "operator", "system", "anonymous"]


@dataclass(frozen=True, slots=True)
class Who:
    """An actor as it was at the time of the action."""

    kind: ActorKind
    name: str  # how a reader recognises them: an email, a token's name, "root (local)"
    user_id: int | None = None
    email: str | None = None
    token_id: str | None = None


SYSTEM = Who("system", "system")
ANONYMOUS = Who("anonymous", "anonymous")


class Actor(Protocol):
    """What the service layer's actors (users, the local operator) offer the log."""

    def audit_identity(self) -> Who: ...


@dataclass(frozen=True, slots=True)
class Origin:
    face: Face
    address: str | None = None  # the client's IP (an SSH client's too), never a port
    who: Who | None = None  # None until the face knows its caller


class Pending:
    """A request's origin before anything is recorded: the address and the caller are
    worked out only if an entry is written (most requests write none, and the API's
    hot paths should not pay for it). One per request, changed only by its own task."""

    __slots__ = ("address_of", "face", "who_of")

    def __init__(self, face: Face, address_of: Callable[[], str | None]) -> None:
        self.face: Face = face
        self.address_of = address_of
        self.who_of: Callable[[], Who] | None = None

    def resolve(self) -> Origin:
        return Origin(self.face, self.address_of(), self.who_of() if self.who_of else None)


# Origin is frozen, so one shared default is safe.
_current: ContextVar[Origin | Pending] = ContextVar(
    "audit_origin",
    default=Origin("system", who=SYSTEM),  # noqa: B039
)


def current() -> Origin:
    origin = _current.get()
    return origin.resolve() if isinstance(origin, Pending) else origin


def begin_request(face: Face, address_of: Callable[[], str | None]) -> Pending:
    """Start a request's origin; its address is read only if an entry is written."""
    pending = Pending(face, address_of)
    _current.set(pending)
    return pending


@contextmanager
def acting(origin: Origin) -> Iterator[Origin]:
    """Run a block (and the tasks it starts) as ``origin``."""
    token = _current.set(origin)
    try:
        yield origin
    finally:
        _current.reset(token)


def signed_in(who: Who | Actor) -> None:
    """The face has authenticated its caller: the rest of this task acts as ``who``
    (an actor's identity is taken only if an entry is written)."""
    origin = _current.get()
    if isinstance(origin, Pending):
        origin.who_of = (lambda: who) if isinstance(who, Who) else who.audit_identity
    else:
        _current.set(replace(origin, who=who if isinstance(who, Who) else who.audit_identity()))


def acting_as_token(who_of: Callable[[], Who]) -> None:
    """An integration-token call: the face is ``token`` and the caller the token."""
    origin = _current.get()
    if isinstance(origin, Pending):
        origin.face, origin.who_of = "token", who_of
    else:
        _current.set(replace(origin, face="token", who=who_of()))
