"""ProductsController: ``/products``, ``/products/{id}``, categories, tags, attributes."""

from __future__ import annotations

from typing import Any

from service import catalog
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
    id_list,
    item_handlers,
    paginated,
    with_links,
)
from service.catalog.rules import (
    ACTIVATION_METHODS,
    BACKORDERS,
    CATALOG_VISIBILITY,
    CATEGORY_DISPLAY,
    PRODUCT_STATUSES,
    PRODUCT_TYPES,
    STOCK_STATUSES,
    TAX_STATUSES,
)
from service.common.schema import arg
from service.http.registry import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest, RestResponse

OWNER = "ProductsController"
_IDS = {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}}
_IMAGE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "src": {"type": "string", "format": "uri"},
        "name": {"type": "string"},
        "alt": {"type": "string"},
    },
}

LIST_ARGS = {
    **collection_args(orderby=list(catalog.PRODUCT_ORDERBY), default_orderby="date"),
    "status": arg(
        "string",
        enum=["any", *PRODUCT_STATUSES],
        default="any",
        description="Limit result set to products assigned a specific status.",
    ),
    "type": arg(
        "string",
        enum=list(PRODUCT_TYPES),
        description="Limit result set to products assigned a specific type.",
    ),
    "sku": arg(
        "string",
        description="Limit result set to products with specific SKU(s). Use commas to separate.",
    ),
    "featured": arg("boolean", description="Limit result set to featured products."),
    "category": arg(
        "string", description="Limit result set to products assigned a specific category ID."
    ),
    "tag": arg("string", description="Limit result set to products assigned a specific tag ID."),
    "on_sale": arg("boolean", description="Limit result set to products on sale."),
    "min_price": arg(
        "string", description="Limit result set to products based on a minimum price."
    ),
    "max_price": arg(
        "string", description="Limit result set to products based on a maximum price."
    ),
    "stock_status": arg(
        "string",
        enum=list(STOCK_STATUSES),
        description="Limit result set to products with specified stock status.",
    ),
}

_SELLABLE = {
    "sku": arg("string", description="Unique identifier."),
    "description": arg("string", description="Description."),
    "regular_price": arg(["string", "null"], description="Regular price, a decimal string."),
    "sale_price": arg(["string", "null"], description="Sale price, a decimal string."),
    "date_on_sale_from": arg(
        ["string", "null"],
        format="date-time",
        description="Start date of sale price, in the site's timezone.",
    ),
    "date_on_sale_from_gmt": arg(
        ["string", "null"], format="date-time", description="Start date of sale price, as GMT."
    ),
    "date_on_sale_to": arg(
        ["string", "null"],
        format="date-time",
        description="End date of sale price, in the site's timezone.",
    ),
    "date_on_sale_to_gmt": arg(
        ["string", "null"], format="date-time", description="End date of sale price, as GMT."
    ),
    "virtual": arg("boolean", description="If the product is virtual."),
    "downloadable": arg("boolean", description="If the product is downloadable."),
    "tax_status": arg("string", enum=list(TAX_STATUSES), description="Tax status."),
    "tax_class": arg("string", description="Tax class."),
    "manage_stock": arg("boolean", description="Stock management at product level."),
    "stock_quantity": arg(["integer", "null"], minimum=0, description="Stock quantity."),
    "stock_status": arg(
        "string", enum=list(STOCK_STATUSES), description="Controls the stock status of the product."
    ),
    "backorders": arg(
        "string",
        enum=list(BACKORDERS),
        description="If managing stock, this controls if backorders are allowed.",
    ),
    "weight": arg("string", description="Product weight."),
    "dimensions": arg("object", description="Product dimensions: length, width, height."),
    "menu_order": arg("integer", description="Menu order, used to custom sort products."),
}


def _write_args(creating: bool) -> dict[str, dict[str, Any]]:
    return {
        "name": arg("string", required=creating, description="Product name."),
        "slug": arg("string", description="Product slug."),
        "type": arg("string", enum=list(PRODUCT_TYPES), description="Product type."),
        "status": arg(
            "string", enum=list(PRODUCT_STATUSES), description="Product status (post status)."
        ),
        "featured": arg("boolean", description="Featured product."),
        "catalog_visibility": arg(
            "string", enum=list(CATALOG_VISIBILITY), description="Catalog visibility."
        ),
        "short_description": arg("string", description="Product short description."),
        **_SELLABLE,
        "downloads": arg(
            "array", items={"type": "object"}, description="List of downloadable files: name, file."
        ),
        "download_limit": arg(
            "integer",
            minimum=-1,
            description="Number of times downloadable files can be downloaded after purchase.",
        ),
        "download_expiry": arg(
            "integer",
            minimum=-1,
            description="Number of days until access to downloadable files expires.",
        ),
        "sold_individually": arg(
            "boolean", description="Allow one item to be bought in a single order."
        ),
        "categories": {**_IDS, "description": "List of categories: [{id}]."},
        "tags": {**_IDS, "description": "List of tags: [{id}]."},
        "images": arg(
            "array", items=_IMAGE, description="List of images: [{id} or {src, name, alt}]."
        ),
        "attributes": arg(
            "array",
            items={"type": "object"},
            description="List of attributes: id or name, position, visible, variation, options.",
        ),
        "default_attributes": arg(
            "array",
            items={"type": "object"},
            description="Defaults variation attributes: id or name, option.",
        ),
        "variations": arg(
            "array",
            items={"type": "object"},
            description="The complete list of variations; an item with an id updates it.",
        ),
        "licensing_enabled": arg("boolean", description="Issue license keys for this product."),
        "license_activation_method": arg(
            "string",
            enum=list(ACTIVATION_METHODS),
            description="How licenses activate: simple API, OAuth confirmation, or any (either).",
        ),
        "license_activation_limit": arg(
            ["integer", "null"],
            minimum=1,
            description="Sites a license may activate; null = unlimited.",
        ),
        "license_validity_days": arg(
            ["integer", "null"], minimum=1, description="Days a license is valid; null = lifetime."
        ),
    }


TERM_LIST_ARGS = {
    **collection_args(
        orderby=list(catalog.TERM_ORDERBY), default_orderby="name", default_order="asc"
    ),
    "hide_empty": arg(
        "boolean",
        default=False,
        description="Whether to hide resources not assigned to any products.",
    ),
    "product": arg(
        "integer", description="Limit result set to resources assigned to a specific product."
    ),
    "slug": arg("string", description="Limit result set to resources with a specific slug."),
}
CATEGORY_LIST_ARGS = {
    **TERM_LIST_ARGS,
    "parent": arg(
        "integer",
        minimum=0,
        description="Limit result set to resources assigned to a specific parent.",
    ),
}
TAG_WRITE_ARGS = {
    "name": arg("string", required=True, description="Name for the resource."),
    "slug": arg(
        "string", description="An alphanumeric identifier for the resource unique to its type."
    ),
    "description": arg("string", description="HTML description of the resource."),
}
CATEGORY_WRITE_ARGS = {
    **TAG_WRITE_ARGS,
    "parent": arg("integer", minimum=0, description="The ID for the parent of the resource."),
    "display": arg(
        "string", enum=list(CATEGORY_DISPLAY), description="Category archive display type."
    ),
    "image": arg(["object", "null"], description="Image data: {id} or {src, name, alt}."),
    "menu_order": arg("integer", description="Menu order, used to custom sort the resource."),
}


# -- products ---------------------------------------------------------------------------
async def list_products(req: RestRequest) -> RestResponse:
    filters = collection_filters(
        req, catalog.ProductFilters, category=id_list(req, "category"), tag=id_list(req, "tag")
    )
    items, total = await catalog.list_products(req.ctx, filters)
    return paginated(
        req, [with_links(req, i, "/products") for i in items], total, collection="/products"
    )


# -- categories, tags, attributes -------------------------------------------------------
def _term_filters(req: RestRequest) -> catalog.TermFilters:
    return collection_filters(req, catalog.TermFilters)


async def list_categories(req: RestRequest) -> RestResponse:
    items, total = await catalog.list_categories(req.ctx, _term_filters(req))
    return _terms_page(req, items, total, "/products/categories")


async def create_category(req: RestRequest) -> RestResponse:
    category = await catalog.create_category(req.ctx, req.params)
    return created(req, category, "/products/categories", has_item_route=False)


async def list_tags(req: RestRequest) -> RestResponse:
    items, total = await catalog.list_tags(req.ctx, _term_filters(req))
    return _terms_page(req, items, total, "/products/tags")


async def create_tag(req: RestRequest) -> RestResponse:
    tag = await catalog.create_tag(req.ctx, req.params)
    return created(req, tag, "/products/tags", has_item_route=False)


def _terms_page(req: RestRequest, items: list[Any], total: int, path: str) -> RestResponse:
    linked = [with_links(req, i, path, has_item_route=False) for i in items]
    return paginated(req, linked, total, collection=path)


async def list_attributes(req: RestRequest) -> list[dict[str, Any]]:
    attributes = await catalog.list_attributes(req.ctx)
    return [with_links(req, a, "/products/attributes", has_item_route=False) for a in attributes]


PRODUCT = item_handlers(
    "/products",
    create=catalog.create_product,
    get=catalog.get_product,
    update=catalog.update_product,
    delete=catalog.delete_product,
)


def register(registry: RouteRegistry) -> None:
    def route(path: str, *endpoints: Endpoint) -> None:
        registry.register(NAMESPACE, path, list(endpoints), owner=OWNER)

    route(
        "/products",
        Endpoint(READABLE, list_products, CAN_LIST, LIST_ARGS, "List products"),
        Endpoint(CREATABLE, PRODUCT.create, CAN_CREATE, _write_args(True), "Create a product"),
    )
    route(
        r"/products/(?P<id>[\d]+)",
        Endpoint(
            READABLE,
            PRODUCT.get,
            CAN_VIEW,
            {**id_arg(), **context_arg(embeddable=True)},
            "Get a product",
        ),
        Endpoint(
            EDITABLE,
            PRODUCT.update,
            CAN_EDIT,
            {**id_arg(), **_write_args(False)},
            "Update a product",
        ),
        Endpoint(
            DELETABLE,
            PRODUCT.delete,
            CAN_DELETE,
            {**id_arg(), **force_arg()},
            "Trash or delete a product",
        ),
    )
    route(
        "/products/categories",
        Endpoint(READABLE, list_categories, CAN_LIST, CATEGORY_LIST_ARGS, "List categories"),
        Endpoint(CREATABLE, create_category, CAN_CREATE, CATEGORY_WRITE_ARGS, "Create a category"),
    )
    route(
        "/products/tags",
        Endpoint(READABLE, list_tags, CAN_LIST, TERM_LIST_ARGS, "List tags"),
        Endpoint(CREATABLE, create_tag, CAN_CREATE, TAG_WRITE_ARGS, "Create a tag"),
    )
    route(
        "/products/attributes",
        Endpoint(
            READABLE,
            list_attributes,
            CAN_LIST,
            context_arg(),
            "List global attributes and their terms",
        ),
    )
