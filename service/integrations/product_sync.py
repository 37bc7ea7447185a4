"""How a validated WooCommerce event changes the owner's synced products.

- A product is keyed by (owner, "woocommerce", "woo_<id>"), so one tenant never
  touches another's products.
- Every create or update replaces all synced fields, so a sale that ended (no sale
  price, ``on_sale`` false) leaves no discount behind, and a price of 0 stays 0.
- ``date_modified`` orders events: an event older than the stored product is
  ``stale`` and changes nothing. At equal times a delete wins, so a late update
  cannot bring back a product deleted at that same moment; a newer create or update
  revives it. Events without a date are applied in arrival order.
- A delete hides the product (``is_active`` false) instead of erasing it; deleting
  something that is not there is ``skipped``.
- ``content_updated_at`` moves only when the text a knowledge base embeds changes, so
  a price or stock change does not call for a new embedding.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from service.integrations.webhook_payload import ProductData, WebhookEvent
from store.sync_writer import SyncSql

SOURCE = "woocommerce"
IN_STOCK_STATUSES = frozenset({"instock", "onbackorder"})


@dataclass(frozen=True)
class Applied:
    status: str  # processed, skipped, stale
    action: str | None  # created, updated, deleted
    product_id: str | None


def external_id(source_id: int) -> str:
    return f"woo_{source_id}"


def discount(product: ProductData) -> int:
    """What the customer saves now, from the effective price; 0 when not on sale."""
    price, regular = product.price, product.regular_price
    if not product.on_sale or price is None or regular is None or price >= regular:
        return 0
    return regular - price


def _content_hash(product: ProductData) -> str:
    text = "\x1f".join(
        [
            product.name,
            product.short_description,
            product.description,
            ",".join(product.categories),
            ",".join(product.tags),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _search_text(product: ProductData) -> str:
    parts = [
        product.name,
        product.short_description,
        product.description,
        *product.categories,
        *product.tags,
        product.sku,
    ]
    return "\n".join(part for part in parts if part).casefold()


def _fields(product: ProductData, token_id: str, now: str) -> dict[str, Any]:
    return {
        "source_product_id": product.source_id,
        "token_id": token_id,
        "sku": product.sku,
        "title": product.name,
        "short_description": product.short_description,
        "description": product.description,
        "price": product.price,
        "regular_price": product.regular_price,
        "sale_price": product.sale_price,
        "discount_amount": discount(product),
        "currency": product.currency,
        "stock_quantity": product.stock_quantity,
        "stock_status": product.stock_status,
        "in_stock": int(product.stock_status in IN_STOCK_STATUSES),
        "categories": json.dumps(list(product.categories), ensure_ascii=False),
        "category_keys": json.dumps([c.casefold() for c in product.categories], ensure_ascii=False),
        "tags": json.dumps(list(product.tags), ensure_ascii=False),
        "image": product.image,
        "gallery": json.dumps(list(product.gallery)),
        "permalink": product.permalink,
        "product_type": product.type,
        "on_sale": int(product.on_sale),
        "date_modified": product.date_modified,
        "search_text": _search_text(product),
        "title_key": product.name.casefold(),
        "is_active": 1,
        "deleted_at": None,
        "updated_at": now,
    }


def is_stale(stored: Any, incoming: str | None) -> bool:
    known = stored["date_modified"]
    if known is None or incoming is None:
        return False
    return incoming < known or (incoming == known and not stored["is_active"])


def apply(sql: SyncSql, user_id: int, token_id: str, event: WebhookEvent, now: str) -> Applied:
    """Runs on the writer thread, inside the batch's transaction."""
    stored = sql.product_by_external(user_id, SOURCE, external_id(event.source_id))
    if event.event_type == "product.deleted":
        if stored is None or not stored["is_active"]:
            return Applied("skipped", None, stored["id"] if stored else None)
        if is_stale(stored, event.date_modified):
            return Applied("stale", None, stored["id"])
        sql.deactivate_product(stored["id"], now, event.date_modified)
        return Applied("processed", "deleted", stored["id"])

    product = event.product
    assert product is not None
    if stored is not None and is_stale(stored, product.date_modified):
        return Applied("stale", None, stored["id"])
    fields = _fields(product, token_id, now)
    content_hash = _content_hash(product)
    fields["content_hash"] = content_hash
    if stored is None:
        product_id = str(uuid.uuid4())
        fields.update(
            id=product_id,
            user_id=user_id,
            external_source=SOURCE,
            external_id=external_id(event.source_id),
            content_updated_at=now,
            created_at=now,
        )
        if not sql.insert_product(fields):  # stored meanwhile by another process
            return apply(sql, user_id, token_id, event, now)
        return Applied("processed", "created", product_id)
    if stored["content_hash"] != content_hash:
        fields["content_updated_at"] = now
    sql.update_product(stored["id"], fields)
    return Applied("processed", "updated", stored["id"])
