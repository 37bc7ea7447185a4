"""WordPress-style argument schemas: one declaration validates input and feeds the index.

An endpoint declares ``args = {"per_page": arg("integer", default=10, minimum=1, ...)}``.
The same dict is published in ``/wp-json`` (allowed keywords only), so the index
never claims something the handler does not enforce. Messages follow
``rest_validate_value_from_schema``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from service.common.errors import ServiceError
from service.common.validation import EMAIL_RE, invalid_params, is_text

# Keywords WordPress keeps in the index (rest_get_allowed_schema_keywords).
INDEX_KEYWORDS = (
    "title",
    "description",
    "default",
    "type",
    "format",
    "enum",
    "items",
    "properties",
    "additionalProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
)
# SQLite's integers: a value past them cannot be bound, so no integer argument may be.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


def arg(type_: str | list[str], **spec: Any) -> dict[str, Any]:
    """Shorthand for an argument schema: ``arg("integer", required=True, minimum=1)``."""
    return {"type": type_, **spec}


class ArgError(ValueError):
    pass


def index_entry(schema: Mapping[str, Any]) -> dict[str, Any]:
    entry = {k: schema[k] for k in INDEX_KEYWORDS if k in schema}
    entry["required"] = bool(schema.get("required", False))
    return entry


def validate_args(
    schema: Mapping[str, Mapping[str, Any]],
    supplied: Mapping[str, Any],
    saturate: Collection[str] = (),
) -> dict[str, Any]:
    """Validate and sanitise declared args; undeclared ones pass through as WordPress does.

    An integer past SQLite's range is invalid, except in the ``saturate`` args (ids in the
    URL): it is clamped to the range, so the handler says the object does not exist, as
    WordPress does for an id PHP reads as PHP_INT_MAX."""
    missing = [
        name for name, spec in schema.items() if spec.get("required") and name not in supplied
    ]
    if missing:
        raise ServiceError(
            "rest_missing_callback_param",
            f"Missing parameter(s): {', '.join(missing)}",
            400,
            data={"params": missing},
        )
    result = dict(supplied)
    problems: dict[str, str] = {}
    for name, spec in schema.items():
        if name in supplied:
            value = supplied[name]
            if name in saturate:
                value = _saturated(value)
            try:
                result[name] = validate_value(value, spec, name)
            except ArgError as exc:
                problems[name] = str(exc)
        elif "default" in spec:
            result[name] = spec["default"]
    if problems:
        raise invalid_params(problems)
    return result


def validate_value(value: Any, spec: Mapping[str, Any], name: str) -> Any:
    types = spec.get("type", "string")
    types = [types] if isinstance(types, str) else list(types)
    if value is None and "null" in types:
        return None
    last_error: ArgError | None = None
    for type_ in (t for t in types if t != "null"):
        try:
            coerced = _coerce(value, type_, name, spec)
        except ArgError as exc:
            last_error = exc
            continue
        _check_constraints(coerced, spec, name, type_)
        return coerced
    raise last_error or ArgError(f"{name} is not of type {', '.join(types)}.")


def _saturated(value: Any) -> Any:
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return min(max(int(value), INT_MIN), INT_MAX)
    return value


def _in_range(value: int, name: str) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise ArgError(f"{name} must be between {INT_MIN} (inclusive) and {INT_MAX} (inclusive)")
    return value


_INTEGER = re.compile(r"\s*-?\d{1,4000}\s*", re.ASCII)
_NUMBER = re.compile(r"\s*-?\d{1,4000}(\.\d{1,300})?\s*", re.ASCII)


def _coerce(value: Any, type_: str, name: str, spec: Mapping[str, Any]) -> Any:
    if type_ == "integer":
        if isinstance(value, bool):
            raise ArgError(f"{name} is not of type integer.")
        if isinstance(value, int):
            return _in_range(value, name)
        if isinstance(value, float) and value.is_integer():
            return _in_range(int(value), name)
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return _in_range(int(value), name)
        raise ArgError(f"{name} is not of type integer.")
    if type_ == "number":
        if isinstance(value, bool):
            raise ArgError(f"{name} is not of type number.")
        if isinstance(value, int):
            return _in_range(value, name)
        if isinstance(value, float) and math.isfinite(value):
            return value
        if isinstance(value, str) and _NUMBER.fullmatch(value):
            number = float(value) if "." in value else _in_range(int(value), name)
            if not math.isfinite(number):
                raise ArgError(f"{name} is not of type number.")
            return number
        raise ArgError(f"{name} is not of type number.")
    if type_ == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise ArgError(f"{name} is not of type boolean.")
    if type_ == "string":
        if isinstance(value, str):
            if not is_text(value):
                raise ArgError(f"{name} is not valid Unicode text.")
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise ArgError(f"{name} is not of type string.")
    if type_ == "array":
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            raise ArgError(f"{name} is not of type array.")
        items = spec.get("items")
        if items:
            return [validate_value(v, items, f"{name}[{i}]") for i, v in enumerate(value)]
        return value
    if type_ == "object":
        if not isinstance(value, dict):
            raise ArgError(f"{name} is not of type object.")
        props = spec.get("properties") or {}
        out = dict(value)
        for key, sub in props.items():
            if key in value:
                out[key] = validate_value(value[key], sub, f"{name}[{key}]")
        return out
    raise ArgError(f"{name} has an unknown schema type {type_}.")


def _check_constraints(value: Any, spec: Mapping[str, Any], name: str, type_: str) -> None:
    if "enum" in spec and value not in spec["enum"]:
        raise ArgError(f"{name} is not one of {', '.join(map(str, spec['enum']))}.")
    if type_ in ("integer", "number"):
        low, high = spec.get("minimum"), spec.get("maximum")
        if low is not None and high is not None and not low <= value <= high:
            raise ArgError(f"{name} must be between {low} (inclusive) and {high} (inclusive)")
        if low is not None and value < low:
            raise ArgError(f"{name} must be greater than or equal to {low}")
        if high is not None and value > high:
            raise ArgError(f"{name} must be less than or equal to {high}")
    if type_ == "string":
        if "minLength" in spec and len(value) < spec["minLength"]:
            raise ArgError(f"{name} must be at least {spec['minLength']} characters long.")
        if "maxLength" in spec and len(value) > spec["maxLength"]:
            raise ArgError(f"{name} must be at most {spec['maxLength']} characters long.")
        if "pattern" in spec and not re.search(spec["pattern"], value):
            raise ArgError(f"{name} does not match pattern {spec['pattern']}.")
        fmt = spec.get("format")
        if fmt == "email" and not EMAIL_RE.match(value):
            raise ArgError("Invalid email address.")
        if fmt == "date-time" and value:
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise ArgError("Invalid date.") from None
        if fmt == "uri" and value and not re.match(r"^https?://[^\s/$.?#].\S*$", value):
            raise ArgError(f"{name} is not a valid URL.")
    if type_ == "array":
        if "maxItems" in spec and len(value) > spec["maxItems"]:
            raise ArgError(f"{name} must contain at most {spec['maxItems']} items.")
        if "minItems" in spec and len(value) < spec["minItems"]:
            raise ArgError(f"{name} must contain at least {spec['minItems']} items.")
