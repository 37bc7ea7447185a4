"""Who the service layer acts for: a signed-in ``User`` (the API, the console over SSH)
or the ``LocalOperator`` (the console on this machine's terminal, the CLI).

The local operator has no account. Whoever can run the console or the CLI can open
the database itself, so the operator has an administrator's authority; but nothing
that records a user id (a note's ``added_by``, a token's owner, a license's
``created_by``) gets one from them: ``id`` is None, and a token made by the operator
names its owner explicitly.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from typing import Literal, TypeAlias

from service.accounts.users import CAPABILITIES, User
from service.audit.origin import Who

OperatorFace = Literal["console", "cli"]


@dataclass(frozen=True)
class LocalOperator:
    """The person at this machine's terminal, named by OS user and host."""

    login: str
    host: str
    face: OperatorFace = "console"
    id: None = None  # no account, so no user id to record
    email: None = None
    role: str = "administrator"
    is_active: bool = True

    @property
    def display_name(self) -> str:
        return f"{self.login}@{self.host} (local {self.face})"

    @property
    def is_admin(self) -> bool:
        return True

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES["administrator"]

    def audit_identity(self) -> Who:
        return Who("operator", self.display_name)


Actor: TypeAlias = User | LocalOperator
"""Who a service function acts for: a person's account, or the local operator."""


def local_operator(face: OperatorFace) -> LocalOperator:
    """The operator of this process: the OS user running it, on this host."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a bare container)
        login = "unknown"
    return LocalOperator(login=login, host=socket.gethostname() or "localhost", face=face)
