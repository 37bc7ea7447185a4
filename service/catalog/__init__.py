"""The catalog: products (and their variations), categories, tags and attributes.

One import for the HTTP controllers and the console alike::

    from service import catalog
    items, total = await catalog.list_products(ctx, catalog.ProductFilters(search="mug"))
    product = await catalog.get_product(ctx, 12)

Functions return plain dicts in WooCommerce REST v3's shape and raise ServiceError.
The rules live in the modules imported below; orders use ``sellable_item`` and
``change_stock`` (catalog_stock) inside their own transaction.
"""

from service.catalog.products import (
    PRODUCT_ORDERBY,
    SEARCH_LIMIT,
    ProductFilters,
    create_product,
    delete_product,
    get_product,
    list_products,
    search_products,
    update_product,
)
from service.catalog.rules import (
    BACKORDERS,
    PRODUCT_STATUSES,
    PRODUCT_TYPES,
    STOCK_STATUSES,
)
from service.catalog.stock import (
    SellableItem,
    change_stock,
    record_sale,
    sellable_item,
    sync_variable_stock,
)
from service.catalog.terms import (
    TERM_ORDERBY,
    TermFilters,
    create_attribute,
    create_category,
    create_tag,
    delete_category,
    delete_tag,
    get_category,
    get_tag,
    list_attributes,
    list_categories,
    list_tags,
    update_category,
    update_tag,
)

__all__ = [
    "BACKORDERS",
    "PRODUCT_ORDERBY",
    "PRODUCT_STATUSES",
    "PRODUCT_TYPES",
    "SEARCH_LIMIT",
    "STOCK_STATUSES",
    "TERM_ORDERBY",
    "ProductFilters",
    "SellableItem",
    "TermFilters",
    "change_stock",
    "create_attribute",
    "create_category",
    "create_product",
    "create_tag",
    "delete_category",
    "delete_product",
    "delete_tag",
    "get_category",
    "get_product",
    "get_tag",
    "list_attributes",
    "list_categories",
    "list_products",
    "list_tags",
    "record_sale",
    "search_products",
    "sellable_item",
    "sync_variable_stock",
    "update_category",
    "update_product",
    "update_tag",
]
