"""``GET /api/v1/audit/``: the audit log, newest first, for administrators. Thin: the
rules (who may read, what a filter means) are in ``service.audit.read``."""

from __future__ import annotations

from aiohttp import web

from service.accounts.permissions import Permission
from service.audit import read as audit
from service.http.auth import platform_user
from service.http.keys import CTX
from service.http.platform import PlatformRoute, page_params, paginated
from service.http.responses import json_response

OWNER = "AuditLogController"
ADMINISTRATORS = Permission(
    audit.READ_CAPABILITY,
    capability=audit.READ_CAPABILITY,
    code="permission_denied",
    message="Only administrators can read the audit log.",
)


async def list_entries(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    audit.check_reader(user)
    page, size = page_params(request, default_size=50)
    query = audit.query_from(request.query, ctx.clock.now(), relative=False)
    total, entries = await audit.read(ctx, user, query, limit=size, offset=(page - 1) * size)
    items = [entry.public() for entry in entries]
    return json_response(paginated(request, items, total, page, size))


ROUTES = [
    PlatformRoute(
        "GET", "/audit/", list_entries, OWNER, ADMINISTRATORS, "The audit log (administrators)"
    ),
]
