"""Who is acting, through which face and from where, for the task that acts.

A face sets the origin once (an HTTP request when it has authenticated its caller,
a console session when it starts, a CLI command) and every audit entry written in
that task, and in the tasks it starts, carries it.
"""

from __future__ import annotations

from collections.abc import Iterator
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


# Origin is frozen, so one shared default is safe.
_current: ContextVar[Origin] = ContextVar(
    "audit_origin",
    default=Origin("system", who=SYSTEM),  # noqa: B039
)


def current() -> Origin:
    return _current.get()


@contextmanager
def acting(origin: Origin) -> Iterator[Origin]:
    """Run a block (and the tasks it starts) as ``origin``."""
    token = _current.set(origin)
    try:
        yield origin
    finally:
        _current.reset(token)


def begin(origin: Origin) -> None:
    """Set the origin for the rest of the running task (a request's handler task,
    a console session's task); tasks started afterwards inherit it."""
    _current.set(origin)


def signed_in(who: Who) -> None:
    """The face has authenticated its caller: the rest of this task acts as ``who``."""
    _current.set(replace(_current.get(), who=who))
