"""Who may call an endpoint. The 401/403 rule is WordPress's: 401 when nobody is
logged in, 403 when someone is but lacks the capability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.common.errors import ServiceError

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.accounts.users import User


@dataclass(frozen=True)
class Permission:
    label: str
    capability: str | None = None
    login_required: bool = False
    code: str = "rest_forbidden"
    message: str = "Sorry, you are not allowed to do that."

    def allows(self, user: User | None) -> bool:
        if self.capability:
            return user is not None and user.can(self.capability)
        if self.login_required:
            return user is not None
        return True

    def check(self, user: User | None) -> None:
        if not self.allows(user):
            raise ServiceError(self.code, self.message, 401 if user is None else 403)


PUBLIC = Permission("public")
LOGGED_IN = Permission(
    "logged_in",
    login_required=True,
    code="rest_not_logged_in",
    message="You are not currently logged in.",
)
MANAGE_WOOCOMMERCE = Permission(
    "manage_woocommerce",
    capability="manage_woocommerce",
    code="woocommerce_rest_cannot_view",
    message="Sorry, you are not allowed to do that.",
)
# Routes authenticated by something other than a user (the platform's integration
# tokens, a license key): the handler checks the credential itself.
INTEGRATION_TOKEN = Permission("integration_token")


# -- what an actor may do to accounts (the console and the CLI call the same rules) --


def forbidden(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 403)


def may_manage(actor: Actor, user_id: int) -> bool:
    """Administrators manage every account; anyone else only their own."""
    return actor.is_admin or actor.id == user_id


def require_admin(actor: Actor | None, code: str, message: str) -> None:
    """``actor`` None is a trusted caller inside the process (the demo seed, a test's
    setup): there is nobody to check."""
    if actor is not None and not actor.is_admin:
        raise forbidden(code, message)


def require_self_or_admin(actor: Actor | None, user_id: int, code: str, message: str) -> None:
    if actor is not None and not may_manage(actor, user_id):
        raise forbidden(code, message)
