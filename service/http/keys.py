"""Typed application and request state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from service.app.context import Context
    from service.common.stats import RequestStats

CTX: web.AppKey[Context] = web.AppKey("ctx")
# Set on a request WordPress would serve as a REST request (its answer carries the REST
# headers), and the user it authenticated (WordPress's is_user_logged_in()).
WP_REST: web.RequestKey[bool] = web.RequestKey("wp_rest", bool)
REST_USER: web.RequestKey[object] = web.RequestKey("rest_user", object)
# The Dashboard's statistics a routed request is counted in, once its answer is sent.
STATS: web.RequestKey[RequestStats] = web.RequestKey("stats")
