"""WooCommerce REST v3 conventions for every ``woonoow/v1`` controller.

- Collection args (``page``, ``per_page`` 1-100, ``search``, ``include``/``exclude``,
  ``order``, ``orderby``, ``offset``) as arg schemas, so they are validated and listed
  in the index.
- ``paginated``: the list response with ``X-WP-Total``, ``X-WP-TotalPages`` and
  ``Link`` (rel prev/next, as WC_REST_CRUD_Controller; a page past the end is ``[]``).
- ``created``: 201 with ``Location``; ``with_links``: ``_links.self``/``collection``.
- ``force_arg`` for deletes; the trash/410/501 and invalid-id errors are in
  service.common.wc_errors, raised by the service layer.
- Permissions with WooCommerce's codes: 401 anonymous, 403 without the capability.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from service.accounts.permissions import Permission
from service.common.schema import arg
from service.common.validation import db_int, db_ints, invalid_params
from service.http.wp import REST_PREFIX, RestRequest, RestResponse

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

NAMESPACE = "woonoow/v1"


def _manage(code: str, message: str) -> Permission:
    return Permission(
        "manage_woocommerce", capability="manage_woocommerce", code=code, message=message
    )


CAN_LIST = _manage("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
CAN_VIEW = _manage("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.")
CAN_CREATE = _manage(
    "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."
)
CAN_EDIT = _manage(
    "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."
)
CAN_DELETE = _manage(
    "woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."
)


# -- argument schemas ---------------------------------------------------------------
def context_arg(*, embeddable: bool = False) -> dict[str, Any]:
    """``embeddable``: the item is the target of an ``embeddable`` link, so WordPress's
    ``_embed`` fetches it with ``context=embed``."""
    return {
        "context": arg(
            "string",
            enum=["view", "edit", "embed"] if embeddable else ["view", "edit"],
            default="view",
            description="Scope under which the request is made.",
        )
    }


def paging_args(per_page: int = 10) -> dict[str, dict[str, Any]]:
    """``page`` and ``per_page`` (1 to 100, WordPress's limit) of a collection."""
    return {
        "page": arg("integer", default=1, minimum=1, description="Current page of the collection."),
        "per_page": arg(
            "integer",
            default=per_page,
            minimum=1,
            maximum=100,
            description="Maximum number of items to be returned in result set.",
        ),
    }


def collection_args(
    *,
    orderby: list[str],
    default_orderby: str,
    default_order: str = "desc",
    search: bool = True,
    offset: bool = True,
) -> dict[str, dict[str, Any]]:
    args: dict[str, dict[str, Any]] = {
        **context_arg(),
        **paging_args(),
    }
    if search:
        args["search"] = arg("string", description="Limit results to those matching a string.")
    args["exclude"] = arg(
        "array",
        items={"type": "integer"},
        default=[],
        description="Ensure result set excludes specific IDs.",
    )
    args["include"] = arg(
        "array",
        items={"type": "integer"},
        default=[],
        description="Limit result set to specific ids.",
    )
    if offset:
        args["offset"] = arg(
            "integer", minimum=0, description="Offset the result set by a specific number of items."
        )
    args["order"] = arg(
        "string",
        enum=["asc", "desc"],
        default=default_order,
        description="Order sort attribute ascending or descending.",
    )
    args["orderby"] = arg(
        "string",
        enum=orderby,
        default=default_orderby,
        description="Sort collection by object attribute.",
    )
    return args


def id_arg(description: str = "Unique identifier for the resource.") -> dict[str, Any]:
    return {"id": arg("integer", description=description)}


def force_arg(description: str = "Whether to bypass trash and force deletion.") -> dict[str, Any]:
    return {"force": arg("boolean", default=False, description=description)}


F = TypeVar("F", bound="DataclassInstance")


def collection_filters(req: RestRequest, cls: type[F], **values: Any) -> F:
    """A service's filters dataclass for a collection request: each field takes the
    argument of the same name when it was given (lists as tuples); ``values`` set the
    fields whose argument is named differently or needs reading first."""
    given: dict[str, Any] = {}
    for spec in dataclasses.fields(cls):
        value = req.params.get(spec.name)
        if spec.name in values or value is None:
            continue
        given[spec.name] = tuple(value) if isinstance(value, list) else value
    return cls(**given, **values)


def id_list(req: RestRequest, name: str) -> tuple[int, ...]:
    """A comma-separated list of ids (``category=12,15``); 400 when it is not one."""
    value = req.params.get(name)
    if value in (None, ""):
        return ()
    parts = [p.strip() for p in str(value).split(",") if p.strip()]
    if not all(p.isascii() and p.isdigit() for p in parts):
        raise invalid_params({name: f"{name} must be an id or comma-separated ids."})
    return db_ints([int(p) for p in parts])


def url_id(req: RestRequest) -> int:
    """The ``(?P<id>[\\d]+)`` of the route; an id too large to exist names nothing (404)."""
    return db_int(int(req.url_params["id"]))


# -- responses --------------------------------------------------------------------------
def rest_url(req: RestRequest, path: str) -> str:
    return f"{req.ctx.settings.base_url}{REST_PREFIX}/{NAMESPACE}{path}"


def with_links(
    req: RestRequest, item: dict[str, Any], collection: str, *, has_item_route: bool = True
) -> dict[str, Any]:
    """``_links`` as WooCommerce adds them; ``self`` only when the item has a route."""
    links: dict[str, Any] = {}
    if has_item_route:
        links["self"] = [{"href": rest_url(req, f"{collection}/{item['id']}")}]
    links["collection"] = [{"href": rest_url(req, collection)}]
    if collection == "/orders":
        links.update(order_links(req, item))
    return {**item, "_links": links}


def order_links(req: RestRequest, order: dict[str, Any]) -> dict[str, Any]:
    """An order's customer and products, marked ``embeddable`` so ``?_embed`` fetches
    them (as the caller: a customer the caller may not read embeds the 401/403)."""
    links: dict[str, Any] = {}
    if order.get("customer_id"):
        href = rest_url(req, f"/customers/{order['customer_id']}")
        links["customer"] = [{"embeddable": True, "href": href}]
    products = dict.fromkeys(
        line["product_id"] for line in order.get("line_items") or () if line.get("product_id")
    )
    if products:
        links["product"] = [
            {"embeddable": True, "href": rest_url(req, f"/products/{p}")} for p in products
        ]
    return links


def paginated(
    req: RestRequest,
    items: list[Any],
    total: int,
    *,
    collection: str,
    page: int | None = None,
    per_page: int | None = None,
) -> RestResponse:
    page = page or int(req.params.get("page") or 1)
    per_page = per_page or int(req.params.get("per_page") or 10)
    max_pages = math.ceil(total / per_page) if per_page else 0
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(max_pages)}
    query = [(k, v) for k, v in req.query.items() if k not in ("page", "rest_route")]
    base = rest_url(req, collection)
    links = []
    if page > 1:
        prev_page = min(page - 1, max_pages) if max_pages else page - 1
        links.append(f'<{_with_query(base, query, prev_page)}>; rel="prev"')
    if max_pages > page:
        links.append(f'<{_with_query(base, query, page + 1)}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return RestResponse(items, 200, headers)


def _with_query(base: str, query: list[tuple[str, str]], page: int) -> str:
    return f"{base}?{urlencode([*query, ('page', str(page))])}"


def created(
    req: RestRequest, item: dict[str, Any], collection: str, *, has_item_route: bool = True
) -> RestResponse:
    """201; ``Location`` names the new item when it has a route of its own."""
    headers = {"Location": rest_url(req, f"{collection}/{item['id']}")} if has_item_route else {}
    body = with_links(req, item, collection, has_item_route=has_item_route)
    return RestResponse(body, 201, headers)


@dataclass(frozen=True)
class ItemHandlers:
    create: Callable[[RestRequest], Awaitable[RestResponse]]
    get: Callable[[RestRequest], Awaitable[dict[str, Any]]]
    update: Callable[[RestRequest], Awaitable[dict[str, Any]]]
    delete: Callable[[RestRequest], Awaitable[dict[str, Any]]]


def item_handlers(
    collection: str,
    *,
    create: Callable[[Any, Any], Awaitable[dict[str, Any]]],
    get: Callable[[Any, int], Awaitable[dict[str, Any]]],
    update: Callable[[Any, int, Any], Awaitable[dict[str, Any]]],
    delete: Callable[[Any, int, bool], Awaitable[dict[str, Any]]],
) -> ItemHandlers:
    """The create/get/update/delete handlers of a WooCommerce resource whose service
    functions take (ctx, data), (ctx, id), (ctx, id, data) and (ctx, id, force)."""

    async def create_item(req: RestRequest) -> RestResponse:
        return created(req, await create(req.ctx, req.params), collection)

    async def get_item(req: RestRequest) -> dict[str, Any]:
        return with_links(req, await get(req.ctx, url_id(req)), collection)

    async def update_item(req: RestRequest) -> dict[str, Any]:
        return with_links(req, await update(req.ctx, url_id(req), req.params), collection)

    async def delete_item(req: RestRequest) -> dict[str, Any]:
        item = await delete(req.ctx, url_id(req), req.params["force"])
        return with_links(req, item, collection)

    return ItemHandlers(create_item, get_item, update_item, delete_item)
