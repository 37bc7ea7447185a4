"""CouponsController: ``/coupons`` and ``/coupons/{id}``. (``/coupons/validate`` is
OrdersController's, registered before these.)"""

from __future__ import annotations

from typing import Any

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
    force_arg,
    id_arg,
    item_handlers,
    paginated,
    with_links,
)
from service.common.schema import arg
from service.http.registry import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest, RestResponse
from service.orders import coupons
from service.pricing.model import DISCOUNT_TYPES

OWNER = "CouponsController"
LIST_ARGS = {
    **collection_args(orderby=list(coupons.COUPON_ORDERBY), default_orderby="date"),
    "code": arg("string", description="Limit result set to resources with a specific code."),
    "discount_type": arg(
        "string", enum=list(DISCOUNT_TYPES), description="Limit result set to a discount type."
    ),
}
_IDS = {"type": "array", "items": {"type": "integer"}}


def _write_args(creating: bool) -> dict[str, Any]:
    return {
        "code": arg("string", required=creating, description="Coupon code (unique, fixed)."),
        "amount": arg(
            "string",
            required=creating,
            description="The amount of discount: a percent, or money for the fixed types.",
        ),
        "discount_type": arg(
            "string",
            enum=list(DISCOUNT_TYPES),
            required=creating,
            description="Determines the type of discount that will be applied.",
        ),
        "description": arg("string", description="Coupon description."),
        "date_expires": arg(["string", "null"], description="The coupon expires at this date."),
        "date_expires_gmt": arg(["string", "null"], description="Expiry date, as GMT."),
        "individual_use": arg("boolean", description="Cannot be used with other coupons."),
        "product_ids": {**_IDS, "description": "Products the coupon can be used on."},
        "excluded_product_ids": {**_IDS, "description": "Products it cannot be used on."},
        "usage_limit": arg(["integer", "null"], description="How many times it can be used."),
        "usage_limit_per_user": arg(
            ["integer", "null"], description="How many times one customer can use it."
        ),
        "limit_usage_to_x_items": arg(
            ["integer", "null"], description="Max number of items in the cart it applies to."
        ),
        "free_shipping": arg("boolean", description="Grants free shipping (if a method needs it)."),
        "product_categories": {**_IDS, "description": "Categories the coupon applies to."},
        "excluded_product_categories": {**_IDS, "description": "Categories it does not apply to."},
        "exclude_sale_items": arg("boolean", description="Not valid for items on sale."),
        "minimum_amount": arg(["string", "null"], description="Minimum order amount (subtotal)."),
        "maximum_amount": arg(["string", "null"], description="Maximum order amount (subtotal)."),
        "email_restrictions": arg(
            "array",
            items={"type": "string"},
            description="Emails allowed to use the coupon; '*' is a wildcard.",
        ),
    }


async def list_coupons(req: RestRequest) -> RestResponse:
    filters = collection_filters(req, coupons.CouponFilters)
    items, total = await coupons.list_coupons(req.ctx, filters)
    linked = [with_links(req, c, "/coupons") for c in items]
    return paginated(req, linked, total, collection="/coupons")


COUPON = item_handlers(
    "/coupons",
    create=coupons.create_coupon,
    get=coupons.get_coupon,
    update=coupons.update_coupon,
    delete=coupons.delete_coupon,
)


def register(registry: RouteRegistry) -> None:
    def route(path: str, *endpoints: Endpoint) -> None:
        registry.register(NAMESPACE, path, list(endpoints), owner=OWNER)

    route(
        "/coupons",
        Endpoint(READABLE, list_coupons, CAN_LIST, LIST_ARGS, "List coupons"),
        Endpoint(CREATABLE, COUPON.create, CAN_CREATE, _write_args(True), "Create a coupon"),
    )
    route(
        r"/coupons/(?P<id>[\d]+)",
        Endpoint(READABLE, COUPON.get, CAN_VIEW, {**id_arg(), **context_arg()}, "Get a coupon"),
        Endpoint(
            EDITABLE, COUPON.update, CAN_EDIT, {**id_arg(), **_write_args(False)}, "Update a coupon"
        ),
        Endpoint(
            DELETABLE,
            COUPON.delete,
            CAN_DELETE,
            {**id_arg(), **force_arg()},
            "Trash or delete a coupon",
        ),
    )
