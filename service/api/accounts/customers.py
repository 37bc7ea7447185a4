"""CustomersController: ``/customers`` and ``/customers/{id}``."""

from __future__ import annotations

from typing import Any

from service.accounts import customers
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

OWNER = "CustomersController"
LIST_ARGS = {
    **collection_args(
        orderby=list(customers.CUSTOMER_ORDERBY), default_orderby="name", default_order="asc"
    ),
    "email": arg(
        "string", format="email", description="Limit result set to resources with a specific email."
    ),
}


def _address(fields: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "object", "properties": {f: {"type": "string"} for f in fields}}


def _write_args(creating: bool) -> dict[str, Any]:
    return {
        "email": arg(
            "string",
            format="email",
            required=creating,
            description="The email address for the customer.",
        ),
        "first_name": arg("string", description="Customer first name."),
        "last_name": arg("string", description="Customer last name."),
        "username": arg("string", description="Customer login name."),
        "password": arg("string", description="Customer password (write-only)."),
        "billing": {
            **_address(customers.BILLING_FIELDS),
            "description": "List of billing address data.",
        },
        "shipping": {
            **_address(customers.SHIPPING_FIELDS),
            "description": "List of shipping address data.",
        },
    }


async def list_customers(req: RestRequest) -> RestResponse:
    filters = collection_filters(req, customers.CustomerFilters)
    items, total = await customers.list_customers(req.ctx, filters)
    linked = [with_links(req, c, "/customers") for c in items]
    return paginated(req, linked, total, collection="/customers")


CUSTOMER = item_handlers(
    "/customers",
    create=customers.create_customer,
    get=customers.get_customer,
    update=customers.update_customer,
    delete=customers.delete_customer,
)


def register(registry: RouteRegistry) -> None:
    registry.register(
        NAMESPACE,
        "/customers",
        [
            Endpoint(READABLE, list_customers, CAN_LIST, LIST_ARGS, "List customers"),
            Endpoint(
                CREATABLE, CUSTOMER.create, CAN_CREATE, _write_args(True), "Create a customer"
            ),
        ],
        owner=OWNER,
    )
    delete_args = {
        **id_arg(),
        **force_arg("Required to be true, as resource does not support trashing."),
        "reassign": arg(["integer", "null"], description="ID to reassign posts to."),
    }
    registry.register(
        NAMESPACE,
        r"/customers/(?P<id>[\d]+)",
        [
            Endpoint(
                READABLE,
                CUSTOMER.get,
                CAN_VIEW,
                {**id_arg(), **context_arg(embeddable=True)},
                "Get a customer",
            ),
            Endpoint(
                EDITABLE,
                CUSTOMER.update,
                CAN_EDIT,
                {**id_arg(), **_write_args(False)},
                "Update a customer",
            ),
            Endpoint(
                DELETABLE,
                CUSTOMER.delete,
                CAN_DELETE,
                delete_args,
                "Delete a customer (force=true)",
            ),
        ],
        owner=OWNER,
    )
