"""Strict validation of the WooCommerce plugin's webhook payload.

The plugin sends ``{event_id, event_type, product: {...}}`` (see
shared/reference/pilito-contract.md §5). Every field is checked for type, length and
form before anything is written, and every problem is reported at once as
``{"product.price": ["..."]}``. Unknown keys are ignored, so a newer plugin that sends
more does not break. Descriptions arrive as HTML and are kept as plain text, since
they feed a knowledge base, not a page.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from service.common.clock import iso, parse_iso
from service.common.errors import ServiceError
from service.common.html_text import plain_text

EVENT_TYPES = ("product.created", "product.updated", "product.deleted")
MAX_EVENT_ID = 100
MAX_NAME = 255
MAX_RAW_NAME = 1_000
MAX_SKU = 100
MAX_SHORT_DESCRIPTION = 10_000
MAX_DESCRIPTION = 100_000
MAX_TERMS = 100
MAX_TERM = 200
MAX_GALLERY = 50
MAX_URL = 2_048
MAX_SLUG = 50
MAX_PRODUCT_ID = 2**53
MAX_STOCK = 10**9
MAX_AMOUNT = Decimal("999999999999.99")
DEFAULT_CURRENCY = "IRT"
_AMOUNT_RE = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
_SLUG_RE = re.compile(r"^[a-z0-9_-]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ProductData:
    """A validated product; money in hundredths of the currency unit."""

    source_id: int
    sku: str
    name: str
    short_description: str
    description: str
    price: int | None
    regular_price: int | None
    sale_price: int | None
    currency: str
    stock_quantity: int | None
    stock_status: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    image: str | None
    gallery: tuple[str, ...]
    permalink: str | None
    type: str
    on_sale: bool
    date_modified: str | None


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    event_type: str
    source_id: int
    date_modified: str | None
    product: ProductData | None  # None for product.deleted: only the id matters

    def payload_json(self) -> str:
        product = asdict(self.product) if self.product else {"source_id": self.source_id}
        body = {"event_id": self.event_id, "event_type": self.event_type, "product": product}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)


def parse_event(body: object) -> WebhookEvent:
    """A validated event, or a 400 listing every bad field."""
    errors = _Errors()
    event = _parse(body, errors)
    if errors.fields or event is None:
        raise ServiceError("invalid", "Invalid webhook payload.", 400, fields=errors.fields)
    return event


def _parse(body: object, errors: _Errors) -> WebhookEvent | None:
    if not isinstance(body, dict):
        errors.add("non_field_errors", "Expected a JSON object.")
        return None
    event_id = _event_id(body.get("event_id"), errors)
    event_type = _event_type(body.get("event_type"), errors)
    product = body.get("product")
    if not isinstance(product, dict):
        errors.add("product", "This field is required and must be an object.")
        return None
    source_id = _product_id(product.get("id"), errors)
    date_modified = _date(product.get("date_modified"), errors)
    data = None
    if event_type != "product.deleted":
        data = _product(product, source_id, date_modified, errors)
    if errors.fields:
        return None
    return WebhookEvent(event_id, event_type, source_id, date_modified, data)


def _event_id(value: object, errors: _Errors) -> str:
    if value is None or value == "":
        errors.add("event_id", "This field is required.")
        return ""
    if not isinstance(value, str):
        errors.add("event_id", "A valid string is required.")
        return ""
    if len(value) > MAX_EVENT_ID:
        errors.add("event_id", f"Ensure this field has no more than {MAX_EVENT_ID} characters.")
    elif _CONTROL.search(value) or value != value.strip():
        errors.add("event_id", "Control characters and surrounding spaces are not allowed.")
    return value


def _event_type(value: object, errors: _Errors) -> str:
    if value is None:
        errors.add("event_type", "This field is required.")
        return ""
    if value not in EVENT_TYPES:
        errors.add("event_type", f'"{value}" is not a valid choice ({", ".join(EVENT_TYPES)}).')
        return ""
    return value


def _product_id(value: object, errors: _Errors) -> int:
    if value is None:
        errors.add("product.id", "This field is required.")
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PRODUCT_ID:
        errors.add("product.id", "A positive integer is required.")
        return 0
    return value


def _date(value: object, errors: _Errors) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return iso(parse_iso(value.strip()))
        except (ValueError, OverflowError):
            pass
    errors.add("product.date_modified", "Use an ISO 8601 date-time, e.g. 2025-11-10T10:00:00Z.")
    return None


def _product(
    raw: dict[str, Any], source_id: int, date_modified: str | None, errors: _Errors
) -> ProductData:
    name_raw = _text(raw, "name", MAX_RAW_NAME, errors, required=True)
    name = plain_text(name_raw, single_line=True)
    if name_raw and not name:
        errors.add("product.name", "This field may not be blank.")
    elif len(name) > MAX_NAME:
        errors.add("product.name", f"Ensure this field has no more than {MAX_NAME} characters.")
    price = _amount(raw, "price", errors)
    regular = _amount(raw, "regular_price", errors)
    sale = _amount(raw, "sale_price", errors)
    on_sale = raw.get("on_sale")
    if on_sale is not None and not isinstance(on_sale, bool):
        errors.add("product.on_sale", "Must be true or false.")
        on_sale = None
    if on_sale is None:
        on_sale = sale is not None and regular is not None and sale < regular
    if price is None:
        price = sale if on_sale and sale is not None else regular
    return ProductData(
        source_id=source_id,
        sku=plain_text(_text(raw, "sku", MAX_SKU, errors), single_line=True),
        name=name,
        short_description=plain_text(
            _text(raw, "short_description", MAX_SHORT_DESCRIPTION, errors)
        ),
        description=plain_text(_text(raw, "description", MAX_DESCRIPTION, errors)),
        price=price,
        regular_price=regular,
        sale_price=sale,
        currency=_currency(raw.get("currency"), errors),
        stock_quantity=_stock(raw.get("stock_quantity"), errors),
        stock_status=_slug(raw, "stock_status", "instock", errors),
        categories=_terms(raw, "categories", errors),
        tags=_terms(raw, "tags", errors),
        image=_url(raw.get("image"), "product.image", errors),
        gallery=_gallery(raw.get("gallery"), errors),
        permalink=_url(raw.get("permalink"), "product.permalink", errors),
        type=_slug(raw, "type", "simple", errors),
        on_sale=bool(on_sale),
        date_modified=date_modified,
    )


def _text(
    raw: dict[str, Any], key: str, limit: int, errors: _Errors, *, required: bool = False
) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            errors.add(f"product.{key}", "This field is required.")
        return ""
    if not isinstance(value, str):
        errors.add(f"product.{key}", "A valid string is required.")
        return ""
    if len(value) > limit:
        errors.add(f"product.{key}", f"Ensure this field has no more than {limit} characters.")
        return ""
    if required and not value.strip():
        errors.add(f"product.{key}", "This field may not be blank.")
    return value


def parse_amount(value: object) -> int | None:
    """Hundredths of a unit from 19.99, "19.99" or 20; None for null or "".
    More precise amounts are rounded half up. Raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("A valid number is required.")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr is the shortest text that round-trips, which is what PHP's json_encode sent
        number = Decimal(repr(value))
    elif isinstance(value, str) and _AMOUNT_RE.match(value.strip()):
        number = Decimal(value.strip())
    else:
        raise ValueError("A valid number is required.")
    if not number.is_finite():
        raise ValueError("A valid number is required.")
    if number < 0:
        raise ValueError("Ensure this value is not negative.")
    if number > MAX_AMOUNT:
        raise ValueError(f"Ensure this value is at most {MAX_AMOUNT}.")
    try:
        return int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        raise ValueError("A valid number is required.") from None


def format_amount(cents: int | None) -> str | None:
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _amount(raw: dict[str, Any], key: str, errors: _Errors) -> int | None:
    try:
        return parse_amount(raw.get(key))
    except ValueError as exc:
        errors.add(f"product.{key}", str(exc))
        return None


def _currency(value: object, errors: _Errors) -> str:
    if value is None or value == "":
        return DEFAULT_CURRENCY
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        errors.add("product.currency", "Use a three-letter currency code, e.g. IRT or USD.")
        return DEFAULT_CURRENCY
    return value.strip().upper()


def _stock(value: object, errors: _Errors) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_STOCK:
        errors.add("product.stock_quantity", "A valid integer or null is required.")
        return None
    return value


def _slug(raw: dict[str, Any], key: str, default: str, errors: _Errors) -> str:
    value = raw.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or len(value) > MAX_SLUG or not _SLUG_RE.match(value):
        errors.add(f"product.{key}", "Use a lower-case slug such as " + repr(default) + ".")
        return default
    return value


def _terms(raw: dict[str, Any], key: str, errors: _Errors) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_TERMS:
        errors.add(f"product.{key}", f"Expected a list of at most {MAX_TERMS} names.")
        return ()
    terms: list[str] = []
    for item in value:
        term = plain_text(item, single_line=True) if isinstance(item, str) else ""
        if not term or len(term) > MAX_TERM:
            errors.add(f"product.{key}", f"Each name must be 1 to {MAX_TERM} characters of text.")
            return ()
        if term not in terms:
            terms.append(term)
    return tuple(terms)


def _url(value: object, field: str, errors: _Errors) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and _is_web_url(value.strip()):
        return value.strip()
    errors.add(field, f"Enter a valid http(s) URL of at most {MAX_URL} characters.")
    return None


def _is_web_url(text: str) -> bool:
    if len(text) > MAX_URL or _CONTROL.search(text) or " " in text:
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _gallery(value: object, errors: _Errors) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_GALLERY:
        errors.add("product.gallery", f"Expected a list of at most {MAX_GALLERY} URLs.")
        return ()
    urls: list[str] = []
    for item in value:
        url = _url(item, "product.gallery", errors)
        if url and url not in urls:
            urls.append(url)
    return tuple(urls)
