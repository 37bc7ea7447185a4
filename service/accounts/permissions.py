"""Who may call an endpoint. The 401/403 rule is WordPress's: 401 when nobody is
logged in, 403 when someone is but lacks the capability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.common.errors import ServiceError

if TYPE_CHECKING:
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
