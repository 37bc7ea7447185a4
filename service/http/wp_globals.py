"""WordPress's global parameters: ``_fields``, ``_envelope`` and ``_embed``.

As ``rest_filter_response_fields``, ``WP_REST_Server::envelope_response`` and
``embed_links`` do them:

- ``_fields`` (a comma or space separated list, or ``_fields[]``) keeps the named
  keys of an object, or of each item of a list; ``a.b`` keeps ``b`` inside ``a``. A
  path below a key already kept whole ends the list there (PHP's ``break 2``), a
  path into a list keeps an empty list, and an error is never filtered. The links
  of a single object are the response's links, so they survive ``_fields``; in a
  list they are part of each item.
- ``_envelope`` answers 200 with ``{body, status, headers}``; the headers of the
  answer go into the envelope, not onto the HTTP answer.
- ``_embed`` (all relations, or a list of them) embeds every link marked
  ``embeddable`` by dispatching its ``href`` internally as the same caller, with
  ``context=embed``; an error is embedded as its error data.
"""

from __future__ import annotations

import re
from typing import Any

from multidict import MultiMapping

FieldTree = dict[str, Any]
_LIST_SPLIT = re.compile(r"[\s,]+")


def parse_list(value: Any) -> list[str]:
    """``wp_parse_list``: a list as given, or a string split on commas and spaces."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None:
        return []
    return [part for part in _LIST_SPLIT.split(str(value)) if part]


def fields_param(params: dict[str, Any], query: MultiMapping[str]) -> Any:
    """``_fields`` from the request's params, or the PHP array form ``_fields[]``."""
    if "_fields" in params:
        return params["_fields"]
    listed = query.getall("_fields[]", [])
    return listed or None


def field_tree(fields: list[str]) -> FieldTree:
    """The nested tree of accepted fields, built exactly as WordPress builds it."""
    tree: FieldTree = {}
    for field in (f.strip() for f in fields):
        *parents, last = field.split(".")
        ref = tree
        for part in parents:
            if ref.get(part) is True:
                return tree  # WordPress's `break 2`: the rest of the list is ignored
            ref = ref.setdefault(part, {})
        ref[last] = True
    return tree


def _intersect(value: dict[str, Any] | list[Any], tree: FieldTree) -> Any:
    """``_rest_array_intersect_key_recursive``; a list is a PHP array keyed 0, 1, ..."""
    items = {str(i): v for i, v in enumerate(value)} if isinstance(value, list) else value
    kept = {k: _deeper(v, tree[k]) for k, v in items.items() if k in tree}
    if not kept:
        return []  # PHP encodes an empty array as []
    if isinstance(value, list) and list(kept) == [str(i) for i in range(len(kept))]:
        return list(kept.values())
    return kept


def _deeper(value: Any, node: Any) -> Any:
    if isinstance(node, dict) and isinstance(value, dict | list):
        return _intersect(value, node)
    return value


def filter_fields(data: Any, fields: Any) -> Any:
    names = parse_list(fields)
    if not names:
        return data
    tree = field_tree(names)
    if isinstance(data, list):
        return [_intersect(item, tree) if isinstance(item, dict | list) else item for item in data]
    if isinstance(data, dict):
        return _intersect(data, tree)
    return data


def embed_param(query: MultiMapping[str]) -> bool | list[str] | None:
    """``rest_parse_embed_param``: None when absent, True for all, or the relations."""
    if "_embed" not in query:
        return None
    value = query.getall("_embed")[-1]
    if value in ("", "true", "1"):
        return True
    rels = parse_list(value)
    return rels or True
