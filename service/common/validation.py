"""Reading untrusted input (a REST body, a console form) into typed values.

Every problem is collected before failing, then reported once in WordPress's
``rest_invalid_param`` shape (``data.params`` = {name: reason}), so the HTTP
surface and the console say the same thing. Nested names read as WordPress
writes them: ``billing[email]``, ``variations[0][sku]``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, time
from enum import Enum, auto
from typing import Any, Final, Literal, overload

from service.common.errors import ServiceError
from service.pricing.errors import PricingError
from service.pricing.money import parse_amount


class Missing(Enum):
    """The type of MISSING: "absent or invalid", distinct from None ("unset it").

    An enum member is a singleton the type checker knows: ``value is MISSING`` (and
    ``not value``, since it is falsy) narrows ``str | Missing`` to ``str``."""

    MISSING = auto()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> Literal[False]:
        return False


MISSING: Final = Missing.MISSING
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_INT = 2**53  # JavaScript's safe integers; SQLite's are 64-bit
MAX_AMOUNT = 10**15  # minor units; far above any price, far below SQLite's integers
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_text(value: str) -> bool:
    """False when ``value`` holds a lone surrogate: it cannot be encoded, stored or sent."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def invalid_params(problems: Mapping[str, str]) -> ServiceError:
    """WordPress keys ``data.params`` by the top-level parameter, one reason each; a
    nested problem's reason names the nested field (``variations[0][sku] ...``)."""
    params: dict[str, str] = {}
    for name, reason in problems.items():
        top = name.split("[", 1)[0]
        if top not in params:
            params[top] = reason if top == name or name in reason else f"{name}: {reason}"
    return ServiceError(
        "rest_invalid_param",
        f"Invalid parameter(s): {', '.join(params)}",
        400,
        data={
            "params": params,
            "details": {
                name: {"code": "rest_invalid_param", "message": reason, "data": None}
                for name, reason in params.items()
            },
        },
    )


def missing_params(names: list[str]) -> ServiceError:
    return ServiceError(
        "rest_missing_callback_param",
        f"Missing parameter(s): {', '.join(names)}",
        400,
        data={"params": names},
    )


class Payload:
    """Typed reads from a mapping. A read returns the value, or MISSING when the key
    is absent or the value is invalid (the problem is recorded; ``check`` raises)."""

    def __init__(self, data: Any, prefix: str = "", problems: dict[str, str] | None = None) -> None:
        self.problems: dict[str, str] = {} if problems is None else problems
        self.prefix = prefix
        if isinstance(data, Mapping):
            self.data: Mapping[str, Any] = data
        else:
            self.data = {}
            if data is not None:
                self.problems[prefix or "body"] = f"{prefix or 'body'} is not of type object."

    def name(self, key: str | int) -> str:
        return f"{self.prefix}[{key}]" if self.prefix else str(key)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = MISSING) -> Any:
        return self.data.get(key, default)

    def fail(self, key: str | int, reason: str) -> Missing:
        self.problems.setdefault(self.name(key), reason)
        return MISSING

    def child(self, key: str) -> Payload | None:
        """A nested object (None when absent or not an object)."""
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, Mapping):
            self.fail(key, f"{self.name(key)} is not of type object.")
            return None
        return Payload(value, self.name(key), self.problems)

    def items(self, key: str) -> list[Payload] | None:
        """A list of objects (None when absent or invalid)."""
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, list):
            self.fail(key, f"{self.name(key)} is not of type array.")
            return None
        out = []
        for i, item in enumerate(value):
            name = f"{self.name(key)}[{i}]"
            if not isinstance(item, Mapping):
                self.problems.setdefault(name, f"{name} is not of type object.")
                continue
            out.append(Payload(item, name, self.problems))
        return out

    def text(
        self, key: str, *, max_length: int | None = None, required: bool = False
    ) -> str | Missing:
        if key not in self.data:
            return self.fail(key, f"{self.name(key)} is required.") if required else MISSING
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return self.fail(key, f"{self.name(key)} is not of type string.")
        value = str(value).strip()
        if required and not value:
            return self.fail(key, f"{self.name(key)} must not be empty.")
        if max_length is not None and len(value) > max_length:
            return self.fail(key, f"{self.name(key)} must be at most {max_length} characters long.")
        return value

    def boolean(self, key: str) -> bool | Missing:
        if key not in self.data:
            return MISSING
        value = self.data[key]
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in ("true", "1", "yes", "false", "0", "no"):
            return value.lower() in ("true", "1", "yes")
        return self.fail(key, f"{self.name(key)} is not of type boolean.")

    @overload
    def integer(
        self,
        key: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        nullable: Literal[False] = False,
    ) -> int | Missing: ...
    @overload
    def integer(
        self, key: str, *, minimum: int | None = None, maximum: int | None = None, nullable: bool
    ) -> int | Missing | None: ...
    def integer(
        self,
        key: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        nullable: bool = False,
    ) -> int | Missing | None:
        """An integer (digits in a string too); with ``nullable``, null or "" is None."""
        if key not in self.data:
            return MISSING
        value = self.data[key]
        if nullable and (value is None or value == ""):
            return None
        if (isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value, re.ASCII)) or (
            isinstance(value, float) and value.is_integer()
        ):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return self.fail(key, f"{self.name(key)} is not of type integer.")
        if abs(value) > MAX_INT:
            return self.fail(key, f"{self.name(key)} is too large.")
        if minimum is not None and value < minimum:
            return self.fail(key, f"{self.name(key)} must be greater than or equal to {minimum}")
        if maximum is not None and value > maximum:
            return self.fail(key, f"{self.name(key)} must be less than or equal to {maximum}")
        return value

    def choice(self, key: str, options: Collection[str]) -> str | Missing:
        if key not in self.data:
            return MISSING
        value = self.data[key]
        if not isinstance(value, str) or value not in options:
            return self.fail(key, f"{self.name(key)} is not one of {', '.join(options)}.")
        return value

    def email(self, key: str, *, allow_empty: bool = False) -> str | Missing:
        value = self.text(key, max_length=254)
        if value is MISSING or (allow_empty and value == ""):
            return value
        if not EMAIL_RE.match(value):
            return self.fail(key, "Invalid email address.")
        return value

    def url(self, key: str, *, required: bool = False) -> str | Missing:
        value = self.text(key, max_length=2048, required=required)
        if value is MISSING or value == "":
            return value
        if not URL_RE.match(value):
            return self.fail(key, f"{self.name(key)} is not a valid URL.")
        return value

    def money(self, key: str, decimals: int) -> int | Missing | None:
        """A decimal string in the store's precision; "" or null unsets it."""
        if key not in self.data:
            return MISSING
        value = self.data[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            minor = parse_amount(value, decimals, field=key)
        except PricingError as exc:
            return self.fail(key, f"{self.name(key)}: {exc.message}")
        except ArithmeticError:  # beyond Decimal's precision
            minor = MAX_AMOUNT + 1
        if minor > MAX_AMOUNT:
            return self.fail(key, f"{self.name(key)} is too large.")
        return minor

    def date(self, key: str, *, end_of_day: bool = False) -> datetime | Missing | None:
        """ISO-8601 date or date-time; naive values are site time (UTC). A bare date
        means the start of that day, or its last second with ``end_of_day``."""
        if key not in self.data:
            return MISSING
        value = self.data[key]
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return self.fail(key, f"{self.name(key)} is not of type string.")
        text = value.strip()
        try:
            if _DATE_ONLY.match(text):
                day = datetime.fromisoformat(text).date()
                moment = datetime.combine(day, time(23, 59, 59) if end_of_day else time())
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return self.fail(key, "Invalid date.")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def strings(self, key: str, *, max_length: int = 200) -> list[str] | Missing:
        """A list of strings, stripped, empty ones dropped."""
        value = self.data.get(key, MISSING)
        if value is MISSING:
            return MISSING
        if not isinstance(value, list) or not all(
            isinstance(v, str) and len(v) <= max_length for v in value
        ):
            return self.fail(key, f"{self.name(key)} must be a list of strings.")
        return [v.strip() for v in value if v.strip()]

    def reject_unknown(self, known: Collection[str], ignored: Collection[str] = ()) -> None:
        """Record a problem for each key that is neither known nor ignored (read-only)."""
        for key in self.data:
            if key not in known and key not in ignored:
                self.fail(key, f"{self.name(key)} is not a known field.")

    def check(self) -> None:
        if self.problems:
            raise invalid_params(self.problems)


def db_int(value: int) -> int:
    """An integer a query can bind (ids, offsets): huge values match nothing anyway."""
    return max(-MAX_INT, min(value, MAX_INT))


def db_ints(values: Collection[int]) -> tuple[int, ...]:
    return tuple(db_int(v) for v in values)


def present(values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the MISSING entries of a dict of reads."""
    return {k: v for k, v in values.items() if v is not MISSING}


_COUNTRY = re.compile(r"[A-Za-z]{2}")


def read_address(
    p: Payload, key: str, fields: tuple[str, ...], *, state_code: bool = False
) -> dict[str, str] | Missing:
    """A WooCommerce billing or shipping address under ``key`` (MISSING when absent):
    text fields up to 200 characters, a valid email if the fields have one, a two-letter
    country code (upper-cased); ``state_code`` upper-cases the state too, for tax rules."""
    child = p.child(key)
    if child is None:
        return MISSING
    values = {f: child.text(f, max_length=200) for f in fields}
    if "email" in fields:
        values["email"] = child.email("email", allow_empty=True)
    country = values["country"]
    if country not in (MISSING, ""):
        if _COUNTRY.fullmatch(country):
            values["country"] = country.upper()
        else:
            child.fail("country", f"{child.name('country')} must be a two-letter country code.")
    state = values.get("state", MISSING)
    if state_code and state not in (MISSING, ""):
        values["state"] = state.upper()
    return present(values)
