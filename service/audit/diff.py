"""What changed between two JSON-like values, for an audit summary."""

from __future__ import annotations

from typing import Any


def changes(old: Any, new: Any, path: str = "") -> dict[str, list[Any]]:
    """``{dotted path: [old, new]}`` for every difference. Dicts are compared key by
    key, lists of dicts that all have an ``id`` item by id (an added item is
    ``[None, item]``, a removed one ``[item, None]``); any other differing value is
    given whole (``audit.redact`` cuts it short when it is written)."""
    out: dict[str, list[Any]] = {}
    _walk(old, new, path, out)
    return out


def _walk(old: Any, new: Any, path: str, out: dict[str, list[Any]]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            _walk(old.get(key), new.get(key), _join(path, key), out)
        return
    if _by_id(old) is not None and _by_id(new) is not None:
        _walk(_by_id(old), _by_id(new), path, out)
        return
    out[path or "value"] = [old, new]


def _by_id(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, list) or not all(isinstance(i, dict) and "id" in i for i in value):
        return None
    return {str(item["id"]): item for item in value}


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)
