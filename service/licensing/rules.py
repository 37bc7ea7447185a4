"""What a license is, with no I/O: keys, masks, expiry, the shapes the APIs show, and
the errors the licensing routes answer with.

Expiry is derived, never stored: a license is expired from the instant ``expires_at``
is reached (``now >= expires_at``). When reporting, ``disabled``/``revoked`` win over
expired, which wins over the stored ``active``/``inactive``.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from service.accounts.passwords import random_string
from service.common.clock import parse_iso
from service.common.errors import ServiceError

STATUSES = ("active", "inactive", "disabled", "revoked")
BLOCKED = frozenset({"disabled", "revoked"})
LIST_STATUSES = (*STATUSES, "expired")  # "expired" is derived, for filters
METHODS = ("simple", "oauth")  # how a client may ask to activate
# Unambiguous when read aloud or typed: no 0/O, 1/I/L, U.
KEY_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
KEY_GROUPS, KEY_GROUP_LEN = 5, 4  # ~98 bits, e.g. 7KQM-2XRT-...
MAX_KEY = 100
TOKEN_PREFIX = "act_"
OAUTH_TTL_S = 900


def generate_key() -> str:
    groups = (
        "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_GROUP_LEN))
        for _ in range(KEY_GROUPS)
    )
    return "-".join(groups)


def generate_token() -> str:
    """An activation token: 40 alphanumerics (~238 bits), shown once."""
    return TOKEN_PREFIX + random_string(40)


def generate_state() -> str:
    """An OAuth state: 32 random bytes, base64url (43 characters)."""
    return secrets.token_urlsafe(32)


def mask_key(key: str) -> str:
    """``ABCD-****-****-****-WXYZ``: enough to recognise a key, not to use it."""
    groups = key.split("-")
    if len(groups) >= 3:
        return "-".join([groups[0], *("*" * len(g) for g in groups[1:-1]), groups[-1]])
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:4]}{'*' * (len(key) - 8)}{key[-4:]}"


def clean_key(key: object) -> str:
    return key.strip() if isinstance(key, str) else ""


def is_expired(expires_at: str | None, now: datetime) -> bool:
    moment = parse_iso(expires_at)
    return moment is not None and now >= moment


def effective_status(row: Any, now: datetime) -> str:
    """What the console shows: disabled/revoked > expired > active/inactive."""
    if row["status"] in BLOCKED:
        return row["status"]
    return "expired" if is_expired(row["expires_at"], now) else row["status"]


def activations_left(limit: int | None, count: int) -> int | None:
    return None if limit is None else max(0, limit - count)


# -- shapes --------------------------------------------------------------------------
def activation_view(row: Any, *, admin: bool = False, token: str | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row["id"],
        "domain": row["domain"],
        "is_local": bool(row["is_local"]),
        "environment": row["environment"],
        "label": row["label"],
        "status": row["status"],
        "method": row["method"],
        "activated_at": row["activated_at"],
        "deactivated_at": row["deactivated_at"],
        "last_seen_at": row["last_seen_at"],
    }
    if admin:
        view.update(raw_url=row["raw_url"], activated_by=row["activated_by"], ip=row["ip"])
    if token is not None:
        view["token"] = token
    return view


def public_license(row: Any, now: datetime) -> dict[str, Any]:
    """What the key's holder may see (no customer, no order)."""
    count = row["activation_count"]
    return {
        "license_key": row["license_key"],
        "status": row["status"],
        "expired": is_expired(row["expires_at"], now),
        "product_id": row["product_id"],
        "variation_id": row["variation_id"],
        "product_name": row["product_name"] or "",
        "expires_at": row["expires_at"],
        "activation_limit": row["activation_limit"],
        "activation_count": count,
        "activations_left": activations_left(row["activation_limit"], count),
    }


def admin_license(row: Any, activations: list[Any], now: datetime) -> dict[str, Any]:
    return {
        "id": row["id"],
        **public_license(row, now),
        "order_id": row["order_id"],
        "customer_id": row["customer_id"],
        "customer_email": row["customer_email"] or row["billing_email"] or "",
        "valid_for_days": row["valid_for_days"],
        "source": row["source"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "activations": [activation_view(a, admin=True) for a in activations],
    }


# -- errors --------------------------------------------------------------------------
def license_not_found() -> ServiceError:
    return ServiceError("license_not_found", "The license key is not valid.", 404)


def product_mismatch() -> ServiceError:
    return ServiceError("license_product_mismatch", "This license key is for another product.", 403)


def blocked_or_expired(row: Any, now: datetime) -> ServiceError | None:
    """403 ``license_disabled`` (also revoked) or ``license_expired``; None when usable."""
    if row["status"] in BLOCKED:
        return ServiceError(
            "license_disabled",
            f"This license has been {row['status']}.",
            403,
            data={"license_status": row["status"]},
        )
    if is_expired(row["expires_at"], now):
        return ServiceError(
            "license_expired",
            f"This license expired on {row['expires_at']} (UTC).",
            403,
            data={"expires_at": row["expires_at"]},
        )
    return None


def limit_reached(row: Any, count: int) -> ServiceError:
    return ServiceError(
        "activation_limit_reached",
        f"This license is already active on {count} of {row['activation_limit']} sites; "
        "deactivate one first.",
        409,
        data={"activation_limit": row["activation_limit"], "activation_count": count},
    )


def activation_not_found() -> ServiceError:
    return ServiceError(
        "activation_not_found", "This license is not active on that site or token.", 404
    )
