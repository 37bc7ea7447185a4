"""Shipping settings: zones (regions and methods) read from an update, and converted to
the pricing engine's ShippingZone/ShippingMethod.

Regions are strings as the pricing engine takes them: "IR" (a country), "IR:THR" (a
state), "postcode:1*" or "postcode:10000...19999". Zone 0 is the rest of the world: it
has no regions, cannot be removed, and keeps its methods when an update leaves it out.
Method amounts (cost, min_amount) are minor units in storage, decimal strings outside.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from service.common.validation import MISSING, Payload, present
from service.pricing.errors import PricingError
from service.pricing.model import ShippingMethod, ShippingZone
from service.pricing.money import format_amount, round_half_up

REST_OF_WORLD = "Locations not covered by your other zones"
METHOD_TITLES = {
    "flat_rate": "Flat rate",
    "free_shipping": "Free shipping",
    "local_pickup": "Local pickup",
}
FREE_SHIPPING_REQUIRES = ("", "coupon", "min_amount", "either", "both")


def default_shipping() -> dict[str, Any]:
    return {
        "zones": [{"id": 0, "name": REST_OF_WORLD, "order": 0, "regions": [], "methods": []}],
        "next_zone_id": 1,
        "next_method_id": 1,
    }


def shipping_patch(p: Payload, shipping: dict[str, Any], decimals: int) -> None:
    p.reject_unknown({"zones"})
    items = p.items("zones")
    if items is None:
        return
    old = {z["id"]: z for z in shipping["zones"]}
    zones = []
    for item in items:
        zone = _zone(item, old, shipping, decimals)
        if zone is not None:
            zones.append(zone)
    if not any(z["id"] == 0 for z in zones):
        zones.append(old[0])
    ids = [z["id"] for z in zones]
    if len(ids) != len(set(ids)):
        p.fail("zones", "zones lists a zone twice.")
    shipping["zones"] = zones


def _zone(p: Payload, old: dict[int, Any], shipping: dict[str, Any], decimals: int) -> Any:
    zone_id = p.integer("id", minimum=0)
    if zone_id is not MISSING and zone_id not in old:
        p.fail("id", f"{p.name('id')}: there is no shipping zone {zone_id}.")
        return None
    base = old.get(zone_id, {}) if zone_id is not MISSING else {}
    zone = {"id": 0, "name": "", "order": 0, "regions": [], "methods": [], **copy.deepcopy(base)}
    if zone_id == 0:
        if p.has("regions") and p.raw("regions") not in ([], None):
            p.fail("regions", "The rest-of-the-world zone has no regions.")
    else:
        zone.update(present({"name": p.text("name", max_length=200, required=not base)}))
        regions = p.strings("regions")
        if regions is not MISSING:
            zone["regions"] = [short_region(r) for r in regions]
    zone.update(present({"order": p.integer("order", minimum=0)}))
    if (methods := p.items("methods")) is not None:
        known = {m["instance_id"]: m for m in zone["methods"]}
        zone["methods"] = [
            m for m in (_method(m, known, shipping, decimals) for m in methods) if m is not None
        ]
    try:
        to_shipping_zone(zone)
    except PricingError as exc:
        p.fail(exc.field or "regions", f"{p.name(exc.field or 'regions')}: {exc.message}")
        return None
    if not base:
        zone["id"] = shipping["next_zone_id"]
        shipping["next_zone_id"] += 1
    return zone


def short_region(region: str) -> str:
    """ "country:IR" -> "IR", "state:IR:THR" -> "IR:THR"; postcodes keep their prefix."""
    text = region.strip()
    lower = text.lower()
    if lower.startswith("postcode:"):
        return "postcode:" + text[len("postcode:") :].strip().upper()
    for prefix in ("country:", "state:"):
        if lower.startswith(prefix):
            text = text[len(prefix) :]
    return text.upper()


def _method(
    p: Payload, known: dict[int, Any], shipping: dict[str, Any], decimals: int
) -> dict[str, Any] | None:
    instance_id = p.integer("instance_id", minimum=1)
    if instance_id is not MISSING and instance_id not in known:
        p.fail("instance_id", f"{p.name('instance_id')}: this zone has no method {instance_id}.")
        return None
    base = dict(known.get(instance_id, {})) if instance_id else {}
    method_id = p.choice("method_id", tuple(METHOD_TITLES))
    kind: str
    if base:
        kind = base["method_id"]
        if method_id is not MISSING and method_id != kind:
            p.fail("method_id", f"{p.name('method_id')} cannot change; add a new method instead.")
            return None
    elif method_id is MISSING:
        p.fail("method_id", f"{p.name('method_id')} is required.")
        return None
    else:
        kind = method_id
    values = present(
        {
            "title": p.text("title", max_length=200),
            "enabled": p.boolean("enabled"),
            "order": p.integer("order", minimum=0),
            "tax_status": p.choice("tax_status", ("taxable", "none")),
            "cost": p.money("cost", decimals),
            "min_amount": p.money("min_amount", decimals),
            "requires": p.choice("requires", FREE_SHIPPING_REQUIRES),
            "ignore_discounts": p.boolean("ignore_discounts"),
        }
    )
    for key in ("cost", "min_amount"):
        if key in values and values[key] is None:
            values[key] = 0
    record = {
        "instance_id": 0,
        "method_id": kind,
        "title": METHOD_TITLES[kind],
        "enabled": True,
        "order": 0,
        "tax_status": "taxable" if kind != "free_shipping" else "none",
        "cost": 0,
        "min_amount": 0,
        "requires": "",
        "ignore_discounts": False,
        **base,
        **values,
    }
    if not record["instance_id"]:
        record["instance_id"] = shipping["next_method_id"]
        shipping["next_method_id"] += 1
    return record


def rescale(minor: int, old: int, new: int) -> int:
    """An amount stored at ``old`` decimals, at ``new`` decimals (halves round up)."""
    if new >= old:
        return minor * 10 ** (new - old)
    return round_half_up(Fraction(minor, 10 ** (old - new)))


def rescale_shipping(shipping: dict[str, Any], old: int, new: int) -> None:
    for zone in shipping["zones"]:
        for method in zone["methods"]:
            method["cost"] = rescale(method["cost"], old, new)
            method["min_amount"] = rescale(method["min_amount"], old, new)


def to_shipping_zone(zone: dict[str, Any]) -> ShippingZone:
    methods = sorted(zone["methods"], key=lambda m: (m["order"], m["instance_id"]))
    return ShippingZone(
        id=zone["id"],
        name=zone["name"],
        regions=tuple(zone["regions"]),
        methods=tuple(
            ShippingMethod(
                id=m["instance_id"],
                method_id=m["method_id"],
                title=m["title"],
                cost_minor=m["cost"],
                requires=m["requires"] or None,
                min_amount_minor=m["min_amount"],
                taxable=m["tax_status"] == "taxable",
                ignore_discounts=m["ignore_discounts"],
                enabled=m["enabled"],
            )
            for m in methods
        ),
    )


def public_shipping(shipping: dict[str, Any], decimals: int) -> dict[str, Any]:
    group = copy.deepcopy(shipping)
    group.pop("next_zone_id", None)
    group.pop("next_method_id", None)
    group["zones"] = sorted(group["zones"], key=lambda z: (z["id"] == 0, z["order"], z["id"]))
    for zone in group["zones"]:
        zone["methods"] = sorted(zone["methods"], key=lambda m: (m["order"], m["instance_id"]))
        for method in zone["methods"]:
            method["method_title"] = METHOD_TITLES[method["method_id"]]
            method["cost"] = format_amount(method["cost"], decimals)
            method["min_amount"] = format_amount(method["min_amount"], decimals)
    return group
