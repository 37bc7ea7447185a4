"""The access log: method, path (never the query string or headers, so no secret
reaches it), status and time. Method and path come from the client: they are
escaped (``logs.loggable``), so a ``%0a`` in a path cannot start a line of its own.

Writing a log record per request halved the API's throughput, so the request
path only appends a tuple to a buffer; the lines are formatted and written in one
batch twice a second and at shutdown, through the log file's own handler.
"""

from __future__ import annotations

import asyncio
import time

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

from service.common import logs
from service.http.keys import STATS

FLUSH_INTERVAL_S = 0.5


class AccessLogBuffer:
    """Requests as raw tuples; formatted into log lines only when written, so a request
    costs a tuple and an append (the formatting, a fifth of a token-authenticated
    request's time, is done for the whole batch at once)."""

    def __init__(self) -> None:
        self.entries: list[tuple[float, str | None, str, str, int, float]] = []
        self._scheduled = False

    def add(self, remote: str | None, method: str, path: str, status: int, ms: float) -> None:
        self.entries.append((time.time(), remote, method, path, status, ms))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_INTERVAL_S, self.flush)

    def flush(self) -> None:
        self._scheduled = False
        if self.entries:
            entries, self.entries = self.entries, []
            logs.write_lines(format_lines(entries))


def format_lines(entries: list[tuple[float, str | None, str, str, int, float]]) -> list[str]:
    """The log lines of ``entries``, each second's stamp formatted once; client, method
    and path escaped (``logs.loggable``)."""
    loggable = logs.loggable
    lines = []
    second, stamp = -1, ""
    for now, remote, method, path, status, ms in entries:
        if int(now) != second:
            second = int(now)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        client, request = loggable(remote), loggable(f"{method} {path}")
        lines.append(
            f"{stamp},{int(now % 1 * 1000):03d} INFO shopkeep.access: "
            f'{client} "{request}" {status} {ms:.1f}ms'
        )
    return lines


BUFFER = AccessLogBuffer()


class BufferedAccessLogger(AbstractAccessLogger):
    """Also where the Dashboard's statistics are recorded: aiohttp calls ``log`` once the
    answer is written, with the time since it took the request (a request
    ``middlewares.guarded`` marked)."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        BUFFER.add(request.remote, request.method, request.path, response.status, time * 1000)
        stats = request.get(STATS)
        if stats is not None:
            stats.record(request.method, request.path, response.status, time * 1000)

    @property
    def enabled(self) -> bool:
        return True
