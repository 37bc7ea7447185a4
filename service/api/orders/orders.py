"""OrdersController: ``/orders`` and its sub-resources (notes, coupons), the pricing
actions (``/orders/preview``, ``/orders/calculate-shipping``, ``/orders/validate-coupon``
and ``/coupons/validate``), and the two lightweight searches of the order form, which
WooNooW registers here (after ProductsController, so ``/products`` stays its own):
``GET /products/search?s=`` and ``GET /customers/search?s=``."""

from __future__ import annotations

from typing import Any

from service import catalog
from service.accounts import customers
from service.accounts.customers import BILLING_FIELDS, SHIPPING_FIELDS
from service.api.wc_common import (
    CAN_CREATE,
    CAN_DELETE,
    CAN_EDIT,
    CAN_LIST,
    CAN_VIEW,
    NAMESPACE,
    collection_args,
    collection_filters,
    context_arg,
    created,
    force_arg,
    id_arg,
    item_handlers,
    paginated,
    url_id,
    with_links,
)
from service.common.schema import arg
from service.common.validation import Payload
from service.http.registry import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest, RestResponse
from service.orders import crud as orders
from service.orders import notes as order_notes
from service.orders import order_coupons
from service.orders import quotes as order_quotes
from service.orders.input import ORDER_STATUSES

OWNER = "OrdersController"
SEARCH_ARGS = {
    "s": arg("string", default="", description="Search by name, SKU or ID; empty: the newest."),
}
CUSTOMER_SEARCH_ARGS = {
    "s": arg("string", default="", description="Search by name, email or ID."),
}
LIST_ARGS = {
    **collection_args(orderby=list(orders.ORDER_ORDERBY), default_orderby="date"),
    "status": arg(
        "array",
        items={"type": "string", "enum": ["any", *ORDER_STATUSES, "trash"]},
        default=["any"],
        description="Limit result set to orders which have specific statuses.",
    ),
    "customer": arg(
        "integer", minimum=0, description="Limit result set to orders of a customer (0: guests)."
    ),
    "product": arg(
        "integer", minimum=1, description="Limit result set to orders with a specific product."
    ),
    "after": arg(
        "string", format="date-time", description="Limit to orders created on or after a date."
    ),
    "before": arg(
        "string", format="date-time", description="Limit to orders created on or before a date."
    ),
}


def _address(fields: tuple[str, ...], description: str) -> dict[str, Any]:
    properties = {f: {"type": "string"} for f in fields}
    return {"type": "object", "properties": properties, "description": description}


_LINE = {
    "type": "object",
    "properties": {
        "product_id": {"type": "integer"},
        "variation_id": {"type": "integer"},
        "quantity": {"type": "integer"},
    },
}
PRICING_ARGS = {
    "customer_id": arg("integer", minimum=0, description="User ID who owns the order (0: guest)."),
    "billing": _address(BILLING_FIELDS, "Billing address."),
    "shipping": _address(SHIPPING_FIELDS, "Shipping address (taxes and shipping zone)."),
    "line_items": arg(
        "array", items=_LINE, description="Line items: product_id, variation_id, quantity."
    ),
    "shipping_lines": arg(
        "array",
        items={"type": "object"},
        description="At most one: the method_id (and instance_id) to ship with.",
    ),
    "coupon_lines": arg(
        "array",
        items={"type": "object", "properties": {"code": {"type": "string"}}},
        description="Coupons to apply, in order: [{code}].",
    ),
}
WRITE_ARGS = {
    **PRICING_ARGS,
    "status": arg("string", enum=list(ORDER_STATUSES), description="Order status."),
    "currency": arg("string", description="Must be the store's currency when given."),
    "customer_note": arg("string", description="Note left by customer during checkout."),
    "payment_method": arg("string", description="Payment method ID."),
    "payment_method_title": arg("string", description="Payment method title."),
    "transaction_id": arg("string", description="Unique transaction ID."),
    "set_paid": arg(
        "boolean", description="Mark the order paid: status processing, stock reduced."
    ),
    "fee_lines": arg("array", items={"type": "object"}, description="Not supported: keep empty."),
}
VALIDATE_COUPON_ARGS = {
    **PRICING_ARGS,
    "code": arg("string", required=True, description="The coupon code to check."),
    "order_id": arg("integer", minimum=1, description="Check against this order instead."),
    "email": arg("string", description="The customer's email, for email restrictions."),
}
NOTE_ARGS = {
    "note": arg("string", required=True, description="Order note content."),
    "customer_note": arg(
        "boolean", default=False, description="A note for the customer (else private)."
    ),
    "added_by_user": arg(
        "boolean", description="Attribute the note to the current user (default) or the system."
    ),
}


async def search_products(req: RestRequest) -> list[dict[str, Any]]:
    return await catalog.search_products(req.ctx, req.params["s"])


async def search_customers(req: RestRequest) -> list[dict[str, Any]]:
    return await customers.search_customers(req.ctx, req.params["s"])


# -- orders --------------------------------------------------------------------------------
async def list_orders(req: RestRequest) -> RestResponse:
    p = req.params
    dates = Payload(p)
    after, before = dates.date("after"), dates.date("before", end_of_day=True)
    dates.check()
    statuses = [s for s in p["status"] if s != "any"]
    filters = collection_filters(
        req,
        orders.OrderFilters,
        statuses=tuple(statuses),
        after=after or None,
        before=before or None,
    )
    items, total = await orders.list_orders(req.ctx, filters)
    return paginated(
        req, [with_links(req, o, "/orders") for o in items], total, collection="/orders"
    )


async def preview_order(req: RestRequest) -> dict[str, Any]:
    return await order_quotes.preview_order(req.ctx, req.params)


async def calculate_shipping(req: RestRequest) -> dict[str, Any]:
    return await order_quotes.calculate_shipping(req.ctx, req.params)


async def validate_coupon(req: RestRequest) -> dict[str, Any]:
    return await order_quotes.validate_coupon(req.ctx, req.params)


# -- notes and coupons of an order ---------------------------------------------------------
async def list_notes(req: RestRequest) -> list[dict[str, Any]]:
    return await order_notes.list_notes(req.ctx, url_id(req))


async def add_note(req: RestRequest) -> RestResponse:
    order_id = url_id(req)
    note = await order_notes.add_note(req.ctx, order_id, req.params, req.user)
    return created(req, note, f"/orders/{order_id}/notes", has_item_route=False)


async def list_order_coupons(req: RestRequest) -> list[dict[str, Any]]:
    return await order_coupons.order_coupons(req.ctx, url_id(req))


async def apply_order_coupon(req: RestRequest) -> dict[str, Any]:
    order = await order_coupons.apply_coupon(req.ctx, url_id(req), req.params.get("code") or "")
    return with_links(req, order, "/orders")


async def remove_order_coupon(req: RestRequest) -> dict[str, Any]:
    order = await order_coupons.remove_coupon(req.ctx, url_id(req), req.url_params["code"])
    return with_links(req, order, "/orders")


ORDER = item_handlers(
    "/orders",
    create=orders.create_order,
    get=orders.get_order,
    update=orders.update_order,
    delete=orders.delete_order,
)


def register(registry: RouteRegistry) -> None:
    def route(path: str, *endpoints: Endpoint) -> None:
        registry.register(NAMESPACE, path, list(endpoints), owner=OWNER)

    route(
        "/products/search",
        Endpoint(
            READABLE,
            search_products,
            CAN_LIST,
            SEARCH_ARGS,
            "Products for the order form (at most 20)",
        ),
    )
    route(
        "/customers/search",
        Endpoint(
            READABLE,
            search_customers,
            CAN_LIST,
            CUSTOMER_SEARCH_ARGS,
            "Customers for the order form (at most 20)",
        ),
    )
    route(
        "/orders",
        Endpoint(READABLE, list_orders, CAN_LIST, LIST_ARGS, "List orders"),
        Endpoint(CREATABLE, ORDER.create, CAN_CREATE, WRITE_ARGS, "Create an order"),
    )
    route(
        "/orders/preview",
        Endpoint(CREATABLE, preview_order, CAN_VIEW, WRITE_ARGS, "Price an order without saving"),
    )
    route(
        "/orders/calculate-shipping",
        Endpoint(
            CREATABLE, calculate_shipping, CAN_VIEW, PRICING_ARGS, "Shipping rates for an address"
        ),
    )
    route(
        "/orders/validate-coupon",
        Endpoint(CREATABLE, validate_coupon, CAN_VIEW, VALIDATE_COUPON_ARGS, "Check a coupon code"),
    )
    route(
        "/coupons/validate",
        Endpoint(CREATABLE, validate_coupon, CAN_VIEW, VALIDATE_COUPON_ARGS, "Check a coupon code"),
    )
    route(
        r"/orders/(?P<id>[\d]+)",
        Endpoint(READABLE, ORDER.get, CAN_VIEW, {**id_arg(), **context_arg()}, "Get an order"),
        Endpoint(EDITABLE, ORDER.update, CAN_EDIT, {**id_arg(), **WRITE_ARGS}, "Update an order"),
        Endpoint(
            DELETABLE, ORDER.delete, CAN_DELETE, {**id_arg(), **force_arg()}, "Trash or delete"
        ),
    )
    route(
        r"/orders/(?P<id>[\d]+)/notes",
        Endpoint(READABLE, list_notes, CAN_VIEW, id_arg(), "List the notes of an order"),
        Endpoint(CREATABLE, add_note, CAN_CREATE, {**id_arg(), **NOTE_ARGS}, "Add a note"),
    )
    route(
        r"/orders/(?P<id>[\d]+)/coupons",
        Endpoint(READABLE, list_order_coupons, CAN_VIEW, id_arg(), "Coupons applied to an order"),
        Endpoint(
            CREATABLE,
            apply_order_coupon,
            CAN_EDIT,
            {**id_arg(), "code": arg("string", required=True, description="Coupon code.")},
            "Apply a coupon to a pending or on-hold order",
        ),
    )
    route(
        r"/orders/(?P<id>[\d]+)/coupons/(?P<code>[^/]+)",
        Endpoint(
            DELETABLE,
            remove_order_coupon,
            CAN_EDIT,
            {**id_arg(), "code": arg("string", description="Coupon code.")},
            "Remove a coupon from a pending or on-hold order",
        ),
    )
