"""What may go into a cart, with the Store API's error codes and messages.

``resolve`` turns a request (a product or variation id, the chosen attributes) into
the sellable item and the attributes the line carries; ``check_quantity`` applies
stock and quantity limits. Both read inside the caller's transaction, so what is
checked is what is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.catalog.stock import SellableItem, sellable_item
from service.common.errors import ServiceError
from store import catalog as catalog_sql
from store.db import Store, Tx

MAX_QUANTITY = 9999  # the Store API's per-line ceiling


@dataclass(frozen=True)
class Chosen:
    """A line's identity: product, variation, and the attribute values it was bought with."""

    product_id: int
    variation_id: int
    variation: tuple[tuple[str, str], ...]  # (attribute name, value), in the product's order

    @property
    def key(self) -> str:
        """Deterministic, as WooCommerce's cart id: the same choice always merges."""
        parts = [str(self.product_id), str(self.variation_id)]
        parts += [f"{name.lower()}={value}" for name, value in self.variation]
        return hashlib.md5("_".join(parts).encode(), usedforsecurity=False).hexdigest()

    def variation_json(self) -> str:
        return json.dumps(
            [{"attribute": n, "value": v} for n, v in self.variation], ensure_ascii=False
        )


def invalid_product(product_id: Any) -> ServiceError:
    return ServiceError(
        "woocommerce_rest_cart_invalid_product",
        f'Product with ID "{product_id}" was not found and cannot be added to the cart.',
        400,
    )


def requested_attributes(raw: Any) -> dict[str, str]:
    """``[{attribute, value}]`` (Store API) or ``{attribute_pa_size: "L"}`` (WooCommerce
    forms), keyed by a plain lower-case attribute name."""
    pairs: list[tuple[Any, Any]] = []
    if isinstance(raw, Mapping):
        pairs = list(raw.items())
    elif isinstance(raw, list):
        pairs = [(e.get("attribute"), e.get("value")) for e in raw if isinstance(e, Mapping)]
    elif raw not in (None, ""):
        raise ServiceError(
            "woocommerce_rest_invalid_variation_data",
            "Variation data must be a list of attributes and values.",
            400,
        )
    return {
        _plain(str(k)): str(v).strip() for k, v in pairs if k not in (None, "") and v is not None
    }


def _plain(name: str) -> str:
    return name.strip().lower().removeprefix("attribute_").removeprefix("pa_")


def _names(attribute: Mapping[str, Any]) -> set[str]:
    return {_plain(attribute["name"]), _plain(attribute.get("slug", "") or attribute["name"])}


async def resolve(
    db: Store | Tx, item_id: int, variation_id: int, attributes: dict[str, str], *, now: datetime
) -> tuple[SellableItem, Chosen]:
    """The item a request names: a simple product, a variation by id, or the variation
    of a variable product that the attributes pick."""
    row = await catalog_sql.by_id(db, item_id)
    if row is not None and row["parent_id"] is not None:
        variation_id, row = row["id"], await catalog_sql.by_id(db, row["parent_id"])
    if row is None or row["status"] != "publish":
        raise invalid_product(item_id)
    parent_attributes = [a for a in json.loads(row["attributes"]) if a["variation"]]
    if row["type"] != "variable":
        if variation_id:
            raise invalid_product(variation_id)
        item = await sellable_item(db, row["id"], now=now)
        return _purchasable(item), Chosen(row["id"], 0, ())
    variation = await _variation_row(db, row, variation_id, parent_attributes, attributes)
    chosen = _chosen_values(parent_attributes, json.loads(variation["attributes"]), attributes)
    item = await sellable_item(db, row["id"], variation["id"], now=now)
    return _purchasable(item), Chosen(row["id"], variation["id"], chosen)


async def _variation_row(
    db: Store | Tx,
    parent: Any,
    variation_id: int,
    parent_attributes: list[dict[str, Any]],
    wanted: dict[str, str],
) -> Any:
    variations = [
        v for v in await catalog_sql.variations_of(db, [parent["id"]]) if v["status"] == "publish"
    ]
    if variation_id:
        found = next((v for v in variations if v["id"] == variation_id), None)
        if found is None:
            raise invalid_product(variation_id)
        return found
    values = {a["name"]: _pick(a, wanted) for a in parent_attributes}
    for v in variations:
        options = {c["name"].lower(): c["option"] for c in json.loads(v["attributes"])}
        if all(options.get(name.lower(), "") in ("", value) for name, value in values.items()):
            return v
    raise ServiceError(
        "woocommerce_rest_variation_id_from_variation_data", "No matching variation found.", 400
    )


def _pick(attribute: dict[str, Any], wanted: dict[str, str]) -> str:
    """The request's value for a variation attribute, spelled as the product spells it."""
    value = next((v for k, v in wanted.items() if k in _names(attribute)), None)
    if not value:
        raise ServiceError(
            "woocommerce_rest_missing_variation_data",
            "Missing variation data for variable product. "
            f"{attribute['name']} is a required field.",
            400,
            data={"attribute": attribute["name"]},
        )
    option = next((o for o in attribute["options"] if o.lower() == value.lower()), None)
    if option is None:
        raise ServiceError(
            "woocommerce_rest_invalid_variation_data",
            f"Invalid value posted for {attribute['name']}. Allowed values: "
            f"{', '.join(attribute['options'])}",
            400,
            data={"attribute": attribute["name"]},
        )
    return option


def _chosen_values(
    parent_attributes: list[dict[str, Any]], fixed: list[dict[str, Any]], wanted: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """Every variation attribute with its value: the variation's own, or for an "any"
    attribute the value the request gave (required then)."""
    own = {c["name"].lower(): c["option"] for c in fixed}
    out = []
    for attribute in parent_attributes:
        value = own.get(attribute["name"].lower(), "")
        if not value:
            value = _pick(attribute, wanted)
        elif wanted and any(k in _names(attribute) for k in wanted):
            given = _pick(attribute, wanted)
            if given != value:
                raise ServiceError(
                    "woocommerce_rest_invalid_variation_data",
                    f"Invalid value posted for {attribute['name']}. Allowed values: {value}",
                    400,
                    data={"attribute": attribute["name"]},
                )
        out.append((attribute["name"], value))
    return tuple(out)


def _purchasable(item: SellableItem) -> SellableItem:
    if not item.purchasable:
        raise ServiceError(
            "woocommerce_rest_product_not_purchasable",
            f'The "{item.name}" product cannot be purchased.',
            400,
        )
    return item


def maximum(item: SellableItem) -> int:
    """The Store API's quantity_limits.maximum."""
    if item.sold_individually:
        return 1
    if item.manage_stock and item.backorders == "no":
        return max(0, min(MAX_QUANTITY, item.stock_quantity or 0))
    return MAX_QUANTITY


def check_new_quantity(item: SellableItem, in_cart: int, adding: int) -> None:
    """Adding ``adding`` to the ``in_cart`` units of the item already in the cart: the
    add-item rules. The line's quantity limits are the caller's (clamp or check)."""
    if adding <= 0:
        raise ServiceError(
            "woocommerce_rest_product_invalid_quantity",
            "Quantity must be a positive integer.",
            400,
        )
    if item.stock_status == "outofstock" or (
        item.manage_stock and item.backorders == "no" and (item.stock_quantity or 0) <= 0
    ):
        raise ServiceError(
            "woocommerce_rest_product_out_of_stock",
            f'You cannot add "{item.name}" to the cart because the product is out of stock.',
            400,
        )
    if item.sold_individually and in_cart:
        raise ServiceError(
            "woocommerce_rest_cart_product_sold_individually",
            f'You cannot add another "{item.name}" to your cart.',
            400,
        )
    if not item.can_buy(in_cart + adding):
        raise ServiceError(
            "woocommerce_rest_product_partially_out_of_stock",
            f'You cannot add that amount of "{item.name}" to the cart because there is not '
            f"enough stock ({item.stock_quantity or 0} remaining).",
            400,
        )


def check_limits(item: SellableItem, quantity: int) -> None:
    """A line's new quantity (update-item, merges) against its quantity limits."""
    if quantity < 1:
        raise ServiceError(
            "invalid_quantity",
            f'The minimum quantity of "{item.name}" allowed in the cart is 1',
            400,
        )
    top = maximum(item)
    if quantity > top:
        if item.sold_individually:
            raise ServiceError(
                "readonly_quantity", f'The quantity of "{item.name}" cannot be changed', 400
            )
        raise ServiceError(
            "invalid_quantity",
            f'The maximum quantity of "{item.name}" allowed in the cart is {top}',
            400,
        )
