"""Rules for integration-token input and secrets, shared by the API and the console."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from service.accounts import passwords
from service.common import client_ip
from service.common.clock import iso, parse_iso
from service.common.errors import invalid

if TYPE_CHECKING:
    from service.app.context import Context

INTEGRATION_TYPES = ("woocommerce", "shopify", "custom")
DEFAULT_TYPE = "woocommerce"
# prefix and number of random characters from [a-z0-9]
FORMATS = {
    "woocommerce": ("wc_sk_live_", 40),
    "shopify": ("shpat_", 32),
    "custom": ("sk_live_", 40),
}
SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_SECRET_RE = re.compile(
    "|".join(f"{re.escape(prefix)}[a-z0-9]{{{length}}}" for prefix, length in FORMATS.values())
)
MAX_NAME = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- secrets -----------------------------------------------------------------------


def make_secret(integration_type: str) -> str:
    prefix, length = FORMATS[integration_type]
    return prefix + passwords.random_string(length, SECRET_ALPHABET)


def preview(secret: str) -> str:
    return f"{secret[:5]}...{secret[-6:]}"


def looks_like_token(secret: str) -> bool:
    return _SECRET_RE.fullmatch(secret) is not None


# -- validation --------------------------------------------------------------------


def check_name(value: object) -> str:
    if value is None:
        raise invalid({"name": "This field is required."})
    if not isinstance(value, str):
        raise invalid({"name": "A valid string is required."})
    name = value.strip()
    if not name:
        raise invalid({"name": "This field may not be blank."})
    if len(name) > MAX_NAME:
        raise invalid({"name": f"Ensure this field has no more than {MAX_NAME} characters."})
    if _CONTROL.search(name):
        raise invalid({"name": "Control characters are not allowed."})
    return name


def check_type(value: object) -> str:
    if value not in INTEGRATION_TYPES:
        choices = ", ".join(INTEGRATION_TYPES)
        raise invalid({"integration_type": f'"{value}" is not a valid choice ({choices}).'})
    return value


def check_expires_at(ctx: Context, value: object) -> str | None:
    if value is None or value == "":
        return None
    moment: datetime | None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, str):
        try:
            moment = parse_iso(value.strip())
        except (ValueError, OverflowError):
            moment = None
    else:
        moment = None
    if moment is None:
        raise invalid({"expires_at": "Use an ISO 8601 date-time, e.g. 2026-12-31T23:59:59Z."})
    if moment <= ctx.clock.now():
        raise invalid({"expires_at": "The expiry must be in the future."})
    return iso(moment)


def check_allowed_ips(value: object) -> list[str]:
    canonical, errors = client_ip.normalise_allowlist(value)
    if errors:
        raise invalid({"allowed_ips": errors})
    return canonical


def check_bool(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise invalid({field: "Must be true or false."})
    return value


def reject_unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise invalid({name: "This field cannot be set." for name in extra})
