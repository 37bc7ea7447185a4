"""Which requests are REST requests, and their route, as WordPress's ``parse_request``.

``rest_route`` is a public query var: WordPress reads it from the POST form body
first, then the query string (the last of repeated keys, as PHP), then from the
rewrite rules ``^wp-json/?$`` and ``^wp-json/(.*)?`` (also after ``index.php/``),
so ``/wp-json/A?rest_route=B`` and ``/some/page?rest_route=B`` both dispatch ``B``.
A value in both the query and the form that differs is refused (WordPress's
"A variable mismatch has been detected."). An empty value, or ``"0"`` (PHP's
``empty()``), is no REST request at all. ``rest_api_loaded`` untrailingslashes the
value (slashes and backslashes) and uses ``/`` when nothing is left; nothing adds a
leading slash, so ``?rest_route=shop/v1`` matches no route.

The rewrite rules see the raw request path, so ``/wp-json/a%20b`` reaches the
matcher as ``/a%20b``; a query value is decoded as any query value is.
"""

from __future__ import annotations

from aiohttp import web

from service.common.errors import ServiceError
from service.http.body import BodyError, read_form

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REST_PREFIX = "wp-json"


def _from_rewrite(request: web.Request) -> str | None:
    """The rest_route the permalink rewrite rules give the path, if any."""
    raw = request.raw_path.split("?", 1)[0]
    trimmed = raw.strip("/")
    if not trimmed.startswith(REST_PREFIX) and request.path.startswith("/index.php/"):
        # PATH_INFO, which the web server has decoded.
        trimmed = request.path[len("/index.php/") :].strip("/")
    if trimmed == REST_PREFIX:
        return "/"
    if trimmed.startswith(REST_PREFIX + "/"):
        return "/" + trimmed[len(REST_PREFIX) + 1 :]
    return None


async def _from_form(request: web.Request) -> str | None:
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return None
    try:
        form = await read_form(request)
    except BodyError as err:  # PHP would read what it could; we refuse the whole body
        raise ServiceError("rest_invalid_form", "Invalid form body passed.", 400) from err
    values = [v for v in form.getall("rest_route", []) if isinstance(v, str)]
    return values[-1] if values else None


async def rest_route(request: web.Request) -> str | None:
    """The route of a REST request, or None when WordPress would not serve it as one."""
    query = request.query.getall("rest_route", [])
    from_query = query[-1] if query else None
    from_form = await _from_form(request)
    if from_query is not None and from_form is not None and from_query != from_form:
        raise ServiceError("rest_route_mismatch", "A variable mismatch has been detected.", 400)
    value = next((v for v in (from_form, from_query) if v is not None), None)
    if value is None:
        value = _from_rewrite(request)
    if not value or value == "0":
        return None
    return value.rstrip("/\\") or "/"
