"""Shop settings: defaults, validation of a partial update, and the public shape.

Stored shape = public shape, except that money is integer minor units and each
group keeps its id counters (``next_*``, never shown). Lists (tax rates, shipping
zones and their methods) are replaced by what an update sends: an item with an
``id`` keeps it, one without gets a new id. Payment gateways are a fixed set: an
update changes the gateways it names.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from service.common.validation import MISSING, Payload, present
from service.pricing.errors import PricingError
from service.pricing.model import CURRENCY_POSITIONS, StoreMoney, TaxRate
from service.pricing.money import currency_symbol
from service.settings.shipping import (
    default_shipping,
    public_shipping,
    rescale_shipping,
    shipping_patch,
)

GROUPS = ("store", "tax", "shipping", "payments")
WEIGHT_UNITS = ("kg", "g", "lbs", "oz")
DIMENSION_UNITS = ("m", "cm", "mm", "in", "yd")
TAX_BASED_ON = ("shipping", "billing", "base")
GATEWAYS = {
    "bacs": ("Direct bank transfer", "Take payments in person via BACS."),
    "cheque": ("Check payments", "Take payments in person via checks."),
    "cod": ("Cash on delivery", "Have your customers pay with cash upon delivery."),
}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_STATE = re.compile(r"^[A-Z0-9-]{1,20}$")
_RATE_COUNTRY = re.compile(r"^([A-Z]{2}|\*)$")
_RATE_STATE = re.compile(r"^([A-Z0-9-]{1,20}|\*)$")
_SLUG = re.compile(r"^[a-z0-9-]{1,60}$")


def default_settings() -> dict[str, dict[str, Any]]:
    return {
        "store": {
            "name": "Shopkeep",
            "email": "",
            "address": "",
            "address_2": "",
            "city": "",
            "state": "",
            "postcode": "",
            "country": "US",
            "currency": "USD",
            "currency_position": "left",
            "thousand_separator": ",",
            "decimal_separator": ".",
            "decimals": 2,
            "weight_unit": "kg",
            "dimension_unit": "cm",
        },
        "tax": {
            "calc_taxes": False,
            "prices_include_tax": False,
            "tax_based_on": "shipping",
            "round_at_subtotal": False,
            "shipping_tax_class": "",
            "classes": [
                {"slug": "reduced-rate", "name": "Reduced rate"},
                {"slug": "zero-rate", "name": "Zero rate"},
            ],
            "rates": [],
            "next_rate_id": 1,
        },
        "shipping": default_shipping(),
        "payments": {
            "gateways": [
                {"id": gid, "title": title, "description": desc, "enabled": False, "order": i}
                for i, (gid, (title, desc)) in enumerate(GATEWAYS.items())
            ]
        },
    }


def tax_class_slugs(tax: dict[str, Any]) -> list[str]:
    """Product tax classes: "" is the standard class."""
    return ["", *(c["slug"] for c in tax["classes"])]


# -- update -----------------------------------------------------------------
def apply_patch(current: dict[str, dict[str, Any]], patch: Any) -> dict[str, dict[str, Any]]:
    """The settings after ``patch``; raises rest_invalid_param listing every bad field."""
    body = Payload(patch)
    result = copy.deepcopy(current)
    for key in body.data:
        if key not in GROUPS:
            body.fail(key, f"{key} is not a settings group ({', '.join(GROUPS)}).")
    old_decimals = current["store"]["decimals"]
    if (group := body.child("store")) is not None:
        result["store"].update(_store_patch(group))
    decimals = result["store"]["decimals"]
    if decimals != old_decimals:
        rescale_shipping(result["shipping"], old_decimals, decimals)
    if (group := body.child("tax")) is not None:
        _tax_patch(group, result["tax"])
    if (group := body.child("shipping")) is not None:
        shipping_patch(group, result["shipping"], decimals)
    if (group := body.child("payments")) is not None:
        _payments_patch(group, result["payments"])
    body.check()
    return result


def _store_patch(p: Payload) -> dict[str, Any]:
    p.reject_unknown(
        set(default_settings()["store"]),
        {"currency_symbol"},
    )
    values = {
        "name": p.text("name", max_length=200, required=p.has("name")),
        "email": p.email("email", allow_empty=True),
        "address": p.text("address", max_length=200),
        "address_2": p.text("address_2", max_length=200),
        "city": p.text("city", max_length=100),
        "postcode": p.text("postcode", max_length=20),
        "country": _pattern(p, "country", _COUNTRY, "a two-letter country code"),
        "state": _pattern(p, "state", _STATE, "a state code", allow_empty=True),
        "currency": _pattern(p, "currency", _CURRENCY, "a three-letter currency code"),
        "currency_position": p.choice("currency_position", CURRENCY_POSITIONS),
        "thousand_separator": _separator(p, "thousand_separator", allow_empty=True),
        "decimal_separator": _separator(p, "decimal_separator"),
        "decimals": p.integer("decimals", minimum=0, maximum=8),
        "weight_unit": p.choice("weight_unit", WEIGHT_UNITS),
        "dimension_unit": p.choice("dimension_unit", DIMENSION_UNITS),
    }
    return present(values)


def _pattern(
    p: Payload, key: str, pattern: re.Pattern[str], what: str, allow_empty: bool = False
) -> Any:
    value = p.text(key, max_length=20)
    if value is MISSING:
        return value
    value = value.upper()
    if (allow_empty and value == "") or pattern.match(value):
        return value
    return p.fail(key, f"{p.name(key)} must be {what}.")


def _separator(p: Payload, key: str, allow_empty: bool = False) -> Any:
    value = p.raw(key)
    if value is MISSING:
        return value
    if not isinstance(value, str) or len(value) > 5 or (not value and not allow_empty):
        return p.fail(
            key, f"{p.name(key)} must be a string of {0 if allow_empty else 1} to 5 characters."
        )
    return value


def _tax_patch(p: Payload, tax: dict[str, Any]) -> None:
    p.reject_unknown(
        {
            "calc_taxes",
            "prices_include_tax",
            "tax_based_on",
            "round_at_subtotal",
            "shipping_tax_class",
            "classes",
            "rates",
        },
    )
    tax.update(
        present(
            {
                "calc_taxes": p.boolean("calc_taxes"),
                "prices_include_tax": p.boolean("prices_include_tax"),
                "tax_based_on": p.choice("tax_based_on", TAX_BASED_ON),
                "round_at_subtotal": p.boolean("round_at_subtotal"),
            }
        )
    )
    if (classes := p.items("classes")) is not None:
        tax["classes"] = _tax_classes(classes)
    slugs = tax_class_slugs(tax)
    shipping_class = p.text("shipping_tax_class", max_length=60)
    if shipping_class is not MISSING:
        shipping_class = "" if shipping_class == "standard" else shipping_class
        if shipping_class in slugs:
            tax["shipping_tax_class"] = shipping_class
        else:
            p.fail("shipping_tax_class", "shipping_tax_class is not a tax class.")
    if (rates := p.items("rates")) is not None:
        tax["rates"] = [_tax_rate(r, tax, slugs) for r in rates]
        tax["rates"] = [r for r in tax["rates"] if r is not None]


def _tax_classes(items: list[Payload]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in items:
        name = item.text("name", max_length=100, required=True)
        slug = item.text("slug", max_length=60)
        if name is MISSING:
            continue
        if slug is MISSING or slug == "":
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if slug == "standard":
            continue  # the standard class always exists
        if not _SLUG.match(slug):
            item.fail("slug", f"{item.name('slug')} must use a-z, 0-9 and -.")
        elif any(c["slug"] == slug for c in out):
            item.fail("slug", f"{item.name('slug')} is used twice.")
        else:
            out.append({"slug": slug, "name": name})
    return out


def _tax_rate(p: Payload, tax: dict[str, Any], slugs: list[str]) -> dict[str, Any] | None:
    known = {r["id"]: r for r in tax["rates"]}
    rate_id = p.integer("id", minimum=1)
    if rate_id is not MISSING and rate_id not in known:
        p.fail("id", f"{p.name('id')}: there is no tax rate {rate_id}.")
    base = dict(known.get(rate_id, {})) if rate_id else {}
    country = _pattern(p, "country", _RATE_COUNTRY, "a two-letter country code or empty", True)
    state = _pattern(p, "state", _RATE_STATE, "a state code or empty", True)
    values = present(
        {
            "country": "" if country == "*" else country,
            "state": "" if state == "*" else state,
            "postcodes": p.strings("postcodes", max_length=50),
            "cities": p.strings("cities", max_length=50),
            "rate": _percent(p, "rate"),
            "name": p.text("name", max_length=200),
            "priority": p.integer("priority", minimum=1, maximum=1000),
            "compound": p.boolean("compound"),
            "shipping": p.boolean("shipping"),
            "order": p.integer("order", minimum=0),
            "class": p.text("class", max_length=60),
        }
    )
    record = {
        "id": 0,
        "country": "",
        "state": "",
        "postcodes": [],
        "cities": [],
        "rate": "0.0000",
        "name": "Tax",
        "priority": 1,
        "compound": False,
        "shipping": True,
        "order": 0,
        "class": "standard",
        **base,
        **values,
    }
    if record["class"] not in ("standard", *slugs[1:]):
        p.fail("class", f"{p.name('class')} is not a tax class.")
    if not base and "rate" not in values:
        p.fail("rate", f"{p.name('rate')} is required.")
    try:
        to_tax_rate(record)
    except PricingError as exc:
        p.fail(exc.field or "rate", f"{p.name(exc.field or 'rate')}: {exc.message}")
        return None
    if not record["id"]:
        record["id"] = tax["next_rate_id"]
        tax["next_rate_id"] += 1
    return record


def _percent(p: Payload, key: str) -> Any:
    value = p.raw(key)
    if value is MISSING:
        return value
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return p.fail(key, f"{p.name(key)} is not a number.")
    if not number.is_finite() or not 0 <= number < 10000:
        return p.fail(key, f"{p.name(key)} must be between 0 and 9999.9999.")
    return f"{number.quantize(Decimal('0.0001'))}"


def _payments_patch(p: Payload, payments: dict[str, Any]) -> None:
    p.reject_unknown({"gateways"})
    items = p.items("gateways")
    if items is None:
        return
    by_id = {g["id"]: g for g in payments["gateways"]}
    for item in items:
        gateway_id = item.choice("id", tuple(GATEWAYS))
        if gateway_id is MISSING:
            if not item.has("id"):
                item.fail("id", f"{item.name('id')} is required.")
            continue
        by_id[gateway_id].update(
            present(
                {
                    "title": item.text("title", max_length=200),
                    "description": item.text("description", max_length=2000),
                    "enabled": item.boolean("enabled"),
                    "order": item.integer("order", minimum=0),
                }
            )
        )


# -- conversions for the pricing engine -----------------------------------------
def to_tax_rate(rate: dict[str, Any]) -> TaxRate:
    return TaxRate(
        id=rate["id"],
        country=rate["country"],
        state=rate["state"],
        rate=Decimal(rate["rate"]),
        name=rate["name"],
        priority=rate["priority"],
        compound=rate["compound"],
        shipping=rate["shipping"],
        tax_class="" if rate["class"] == "standard" else rate["class"],
        postcodes=tuple(rate["postcodes"]),
        cities=tuple(rate["cities"]),
    )


# -- public shape ---------------------------------------------------------------
def public_group(name: str, groups: dict[str, dict[str, Any]]) -> dict[str, Any]:
    decimals = groups["store"]["decimals"]
    group = copy.deepcopy(groups[name])
    if name == "store":
        group["currency_symbol"] = currency_symbol(StoreMoney(currency=group["currency"]))
    elif name == "tax":
        group.pop("next_rate_id", None)
        group["classes"] = [{"slug": "standard", "name": "Standard"}, *group["classes"]]
        group["rates"] = sorted(group["rates"], key=lambda r: (r["order"], r["id"]))
    elif name == "shipping":
        group = public_shipping(group, decimals)
    elif name == "payments":
        group["gateways"] = sorted(group["gateways"], key=lambda g: (g["order"], g["id"]))
        for gateway in group["gateways"]:
            gateway["method_title"] = GATEWAYS[gateway["id"]][0]
    return group
