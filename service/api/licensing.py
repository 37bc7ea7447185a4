"""LicensesController: admin CRUD on ``/licenses``, the key-authenticated
``/licenses/validate|activate|deactivate`` (rate-limited per IP and per key) and the
logged-in ``/licenses/oauth/validate|confirm`` of the browser approval flow."""

from __future__ import annotations

from typing import Any

from service.accounts.permissions import PUBLIC, Permission
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
    paginated,
    url_id,
    with_links,
)
from service.common.schema import arg
from service.http.auth import request_ip
from service.http.headers import header_text
from service.http.registry import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest, RestResponse
from service.licensing import activation as license_activation
from service.licensing import admin as licenses
from service.licensing import oauth as license_oauth
from service.licensing.domains import ENVIRONMENTS
from service.licensing.rules import LIST_STATUSES, METHODS, STATUSES, clean_key
from service.licensing.seats import Client

OWNER = "LicensesController"
COLLECTION = "/licenses"
# WordPress's is_user_logged_in permission callback: 401 rest_forbidden when anonymous.
OAUTH_LOGIN = Permission("logged_in", login_required=True)

LIST_ARGS = {
    **collection_args(orderby=list(licenses.LICENSE_ORDERBY), default_orderby="date"),
    "status": arg("string", enum=list(LIST_STATUSES), description="Limit to a status."),
    "product": arg("integer", minimum=1, description="Limit to a product or variation."),
    "customer": arg("integer", minimum=1, description="Limit to a customer's licenses."),
    "order_id": arg("integer", minimum=1, description="Limit to the licenses of an order."),
}


def _write_args(creating: bool) -> dict[str, Any]:
    return {
        "product_id": arg("integer", minimum=1, required=creating, description="Product."),
        "variation_id": arg("integer", minimum=0, description="Variation (0: none)."),
        "customer_id": arg(["integer", "null"], minimum=0, description="Owner (0/null: none)."),
        "order_id": arg(["integer", "null"], minimum=1, description="Order it was sold in."),
        "license_key": arg("string", maxLength=100, description="Generated when omitted."),
        "status": arg(
            "string",
            enum=list(STATUSES),
            description="disabled/revoked block it; active or inactive re-enables it.",
        ),
        "activation_limit": arg(
            ["integer", "null"], minimum=1, description="Sites; null = unlimited."
        ),
        "expires_at": arg(
            ["string", "null"], format="date-time", description="UTC; null = lifetime."
        ),
        "valid_for_days": arg(
            ["integer", "null"], minimum=1, description="Sets expires_at from now."
        ),
    }


KEY_ARG = {"license_key": arg("string", required=True, description="The license key.")}
VALIDATE_ARGS = {
    **KEY_ARG,
    "domain": arg("string", description="The site asking (URL or host)."),
    "activation_token": arg("string", description="The token activation returned."),
    "product_id": arg("integer", minimum=1, description="The product the client is."),
}
ACTIVATE_ARGS = {
    **KEY_ARG,
    "domain": arg("string", required=True, description="The site to activate."),
    "product_id": arg("integer", minimum=1, description="The product the client is."),
    "mode": arg("string", enum=list(METHODS), description="Default: the product's method."),
    "return_url": arg("string", description="OAuth: where the browser returns (https)."),
    "environment": arg("string", enum=list(ENVIRONMENTS), default="production"),
    "label": arg("string", maxLength=100, default="", description="A name for the site."),
}
DEACTIVATE_ARGS = {
    **KEY_ARG,
    "domain": arg("string", description="The site to deactivate."),
    "activation_token": arg("string", description="Or the activation's token."),
}
STATE_ARG = {"state": arg("string", required=True, description="The OAuth state.")}
CONFIRM_ARGS = {
    **STATE_ARG,
    "decision": arg("string", enum=["approve", "deny"], required=True, description="Decision."),
}


# -- admin --------------------------------------------------------------------------------
async def list_licenses(req: RestRequest) -> RestResponse:
    filters = collection_filters(
        req,
        licenses.LicenseFilters,
        product_id=req.params.get("product"),
        customer_id=req.params.get("customer"),
    )
    items, total = await licenses.list_licenses(req.ctx, filters)
    linked = [with_links(req, item, COLLECTION) for item in items]
    return paginated(req, linked, total, collection=COLLECTION)


def _body(req: RestRequest) -> dict[str, Any]:
    return {k: v for k, v in req.params.items() if k in licenses.WRITABLE}


async def create_license(req: RestRequest) -> RestResponse:
    item = await licenses.create_license(req.ctx, req.actor, _body(req))
    return created(req, item, COLLECTION)


async def get_license(req: RestRequest) -> dict[str, Any]:
    return with_links(req, await licenses.get_license(req.ctx, url_id(req)), COLLECTION)


async def update_license(req: RestRequest) -> dict[str, Any]:
    item = await licenses.update_license(req.ctx, req.actor, url_id(req), _body(req))
    return with_links(req, item, COLLECTION)


async def delete_license(req: RestRequest) -> dict[str, Any]:
    item = await licenses.delete_license(req.ctx, url_id(req), req.params["force"])
    return with_links(req, item, COLLECTION)


# -- public, by key -----------------------------------------------------------------------
async def _admit(req: RestRequest) -> Client:
    ip = request_ip(req.http, req.ctx)
    await req.ctx.license_limits.admit(ip, clean_key(req.params["license_key"]))
    return Client(ip, header_text(req.http, "User-Agent"))


async def validate(req: RestRequest) -> dict[str, Any]:
    await _admit(req)
    p = req.params
    verdict = await license_activation.validate(
        req.ctx,
        p["license_key"],
        domain=p.get("domain"),
        activation_token=p.get("activation_token"),
        product_id=p.get("product_id"),
    )
    return verdict.body()


async def activate(req: RestRequest) -> RestResponse:
    client = await _admit(req)
    p = req.params
    result = await license_activation.activate(
        req.ctx,
        p["license_key"],
        p["domain"],
        product_id=p.get("product_id"),
        mode=p.get("mode"),
        return_url=p.get("return_url"),
        environment=p["environment"],
        label=p["label"],
        client=client,
    )
    if isinstance(result, license_oauth.PendingApproval):
        return RestResponse(result.body(), 202)
    return RestResponse(result.body(), 201 if result.created else 200)


async def deactivate(req: RestRequest) -> dict[str, Any]:
    await _admit(req)
    p = req.params
    return await license_activation.deactivate(
        req.ctx,
        p["license_key"],
        domain=p.get("domain"),
        activation_token=p.get("activation_token"),
    )


# -- OAuth approval (the store's LicenseConnect page) ----------------------------------
async def oauth_validate(req: RestRequest) -> dict[str, Any]:
    return await license_oauth.describe(req.ctx, req.actor, req.params["state"])


async def oauth_confirm(req: RestRequest) -> dict[str, Any]:
    p = req.params
    decision = await license_oauth.confirm(req.ctx, req.actor, p["state"], p["decision"])
    return decision.body()


def register(registry: RouteRegistry) -> None:
    def route(pattern: str, *endpoints: Endpoint) -> None:
        registry.register(NAMESPACE, pattern, list(endpoints), owner=OWNER)

    route(
        COLLECTION,
        Endpoint(READABLE, list_licenses, CAN_LIST, LIST_ARGS, "List licenses"),
        Endpoint(CREATABLE, create_license, CAN_CREATE, _write_args(True), "Issue a license"),
    )
    route(
        "/licenses/validate",
        Endpoint(CREATABLE, validate, PUBLIC, VALIDATE_ARGS, "Validate a license key"),
    )
    route(
        "/licenses/activate",
        Endpoint(CREATABLE, activate, PUBLIC, ACTIVATE_ARGS, "Activate a license on a domain"),
    )
    route(
        "/licenses/deactivate",
        Endpoint(CREATABLE, deactivate, PUBLIC, DEACTIVATE_ARGS, "Deactivate a license"),
    )
    route(
        "/licenses/oauth/validate",
        Endpoint(READABLE, oauth_validate, OAUTH_LOGIN, STATE_ARG, "Show an OAuth request"),
    )
    route(
        "/licenses/oauth/confirm",
        Endpoint(CREATABLE, oauth_confirm, OAUTH_LOGIN, CONFIRM_ARGS, "Approve or deny it"),
    )
    route(
        r"/licenses/(?P<id>[\d]+)",
        Endpoint(READABLE, get_license, CAN_VIEW, {**id_arg(), **context_arg()}, "Get a license"),
        Endpoint(
            EDITABLE,
            update_license,
            CAN_EDIT,
            {**id_arg(), **_write_args(False)},
            "Update a license",
        ),
        Endpoint(
            DELETABLE,
            delete_license,
            CAN_DELETE,
            {**id_arg(), **force_arg("Required to be true, as licenses have no trash.")},
            "Delete a license (force=true)",
        ),
    )
