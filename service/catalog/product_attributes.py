"""A product's attributes as it is saved: global attributes resolved (their terms created
when missing, as WooCommerce does) and the options a variation or default picks matched
against them. Problems go into the caller's ``problems``, keyed by field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.catalog.terms import add_attribute_term
from service.common.slugs import slugify
from store import catalog_terms as terms_sql

if TYPE_CHECKING:
    from store.db import Tx


async def resolve_attributes(
    tx: Tx, items: list[dict[str, Any]], problems: dict[str, str]
) -> list[dict[str, Any]]:
    """Attributes naming a global one (by id, or by name) use its terms, which are
    created when missing, as WooCommerce does; others are the product's own."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        field = f"attributes[{i}]"
        if item["id"]:
            global_attr = await terms_sql.attribute_by_id(tx, item["id"])
            if global_attr is None:
                problems[f"{field}[id]"] = f"There is no attribute {item['id']}."
                continue
        else:
            global_attr = await terms_sql.attribute_by_name(tx, item["name"])
        if not item["options"]:
            continue  # WooCommerce drops an attribute without options
        options = item["options"]
        if global_attr is not None:
            for option in options:
                await add_attribute_term(tx, global_attr["id"], option)
            canonical = {
                n.lower(): n for n in await terms_sql.attribute_term_names(tx, global_attr["id"])
            }
            options = [canonical.get(o.lower(), o) for o in options]
            entry = {
                "id": global_attr["id"],
                "name": global_attr["name"],
                "slug": "pa_" + global_attr["slug"],
            }
        else:
            entry = {"id": 0, "name": item["name"], "slug": slugify(item["name"], "attribute")}
        key = str(entry["id"]) if entry["id"] else entry["name"].lower()
        if key in seen:
            problems[f"{field}[name]"] = f"The attribute {entry['name']} is listed twice."
            continue
        seen.add(key)
        out.append(
            {
                **entry,
                "position": item["position"],
                "visible": item["visible"],
                "variation": item["variation"],
                "options": options,
            }
        )
    return out


def match_options(
    chosen: list[dict[str, Any]], attributes: list[dict[str, Any]], problems: dict[str, str]
) -> list[dict[str, Any]]:
    """Pick variation options: each names a variation attribute of the product and one of
    its options ("" = any)."""
    out = []
    for c in chosen:
        field = c["_field"]
        attribute = next((a for a in attributes if _names_attribute(c, a)), None)
        if attribute is None or not attribute["variation"]:
            problems[field] = "This is not a variation attribute of the product."
            continue
        option = ""
        if c["option"]:
            option = next((o for o in attribute["options"] if o.lower() == c["option"].lower()), "")
            if not option:
                problems[f"{field}[option]"] = (
                    f"{c['option']} is not an option of {attribute['name']}."
                )
                continue
        out.append({"id": attribute["id"], "name": attribute["name"], "option": option})
    return out


def _names_attribute(chosen: dict[str, Any], attribute: dict[str, Any]) -> bool:
    if chosen["id"]:
        return attribute["id"] == chosen["id"]
    name = chosen["name"].strip().lower().removeprefix("pa_")
    return name in (attribute["name"].lower(), attribute.get("slug", "").removeprefix("pa_"))
