"""WordPress arg schemas as JSON Schema 2020-12 (what OpenAPI 3.1 uses), and the two
error shapes.

WordPress's schemas are draft-04 flavoured: ``required: true`` on a property,
``exclusiveMinimum: true`` beside ``minimum``, formats of its own (``text-field``,
``hex-color``). Only the keywords the index publishes are kept
(service/common/schema.py INDEX_KEYWORDS), each converted to its 2020-12 form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# Formats JSON Schema defines; WordPress's own (text-field, hex-color, ip) are dropped.
_FORMATS = {"date-time": "date-time", "email": "email", "uri": "uri", "uuid": "uuid"}
_PLAIN = (
    "title",
    "description",
    "type",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
)


def json_schema(spec: Mapping[str, Any]) -> dict[str, Any]:
    """One WordPress schema as JSON Schema (recursively)."""
    out: dict[str, Any] = {k: spec[k] for k in _PLAIN if k in spec}
    if "default" in spec:
        out["default"] = spec["default"]
    if spec.get("format") in _FORMATS:
        out["format"] = _FORMATS[spec["format"]]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = spec.get(bound)
        if value is True and limit in out:
            out[bound] = out.pop(limit)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[bound] = value
    if isinstance(spec.get("items"), Mapping):
        out["items"] = json_schema(spec["items"])
    if isinstance(spec.get("properties"), Mapping):
        out.update(object_schema(spec["properties"]))
        out["type"] = spec.get("type", "object")
    additional = spec.get("additionalProperties")
    if isinstance(additional, Mapping):
        out["additionalProperties"] = json_schema(additional)
    elif isinstance(additional, bool):
        out["additionalProperties"] = additional
    return out


def object_schema(properties: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """An object whose properties are WordPress schemas (``required: true`` on each)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: json_schema(spec) for name, spec in properties.items()},
    }
    required = [name for name, spec in properties.items() if spec.get("required") is True]
    if required:
        schema["required"] = required
    return schema


ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "WordPressError": {
        "description": "A /wp-json error, as WP_Error becomes JSON.",
        "type": "object",
        "required": ["code", "message", "data"],
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "data": {
                "type": "object",
                "required": ["status"],
                "properties": {
                    "status": {"type": "integer"},
                    # missing: the names; invalid: name -> message
                    "params": {"type": ["array", "object"]},
                    "details": {"type": "object"},
                },
            },
        },
    },
    "PlatformError": {
        "description": "An /api error: a message, a machine code and, for invalid input, "
        "the messages per field.",
        "type": "object",
        "required": ["detail", "code"],
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "errors": {"type": "object"},
        },
    },
}
