"""The WooCommerce hook bridge: ``GET /hooks/{context}``.

The route takes any ``[\\w-]+`` context and the ``context`` argument's enum rejects
the unknown ones, so ``/hooks/footer`` is a 400 ``rest_invalid_param`` that names the
allowed contexts (the seed's ``product|shop|cart|checkout`` in the route regex would
make it a 404 ``rest_no_route``, which says nothing about what went wrong).
"""

from __future__ import annotations

from typing import Any

from service.accounts.permissions import PUBLIC
from service.api.wc_common import NAMESPACE
from service.common.schema import arg
from service.http.registry import READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest
from service.storefront import hooks as storefront_hooks

OWNER = "HooksController"
ARGS = {
    "context": arg(
        "string",
        enum=list(storefront_hooks.CONTEXTS),
        required=True,
        description="The page: product, shop, cart or checkout.",
    ),
    "product_id": arg("integer", minimum=1, description="The product, in the product context."),
}


async def get_hooks(req: RestRequest) -> dict[str, Any]:
    user_id = req.user.id if req.user else 0
    return await storefront_hooks.page_hooks(
        req.ctx, req.params["context"], req.params.get("product_id"), user_id
    )


def register(registry: RouteRegistry) -> None:
    registry.register(
        NAMESPACE,
        r"/hooks/(?P<context>[\w-]+)",
        [Endpoint(READABLE, get_hooks, PUBLIC, ARGS, "HTML of WooCommerce hooks for a page")],
        owner=OWNER,
    )
