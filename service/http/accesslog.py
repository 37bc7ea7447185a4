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
# Lines formatted and written per turn of the loop. Half a busy second's 12,000 in one
# go held every request back for 20 ms (the p99 of a token-authenticated route).
FLUSH_CHUNK = 1000


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
            asyncio.get_running_loop().call_later(FLUSH_INTERVAL_S, self._drain)

    def _drain(self, due: int | None = None) -> None:
        """The periodic write: the lines buffered by now (``due``), FLUSH_CHUNK per turn
        of the loop so requests are served in between; lines added meanwhile wait for
        the next interval."""
        if due is None:
            due = len(self.entries)
        count = min(due, FLUSH_CHUNK, len(self.entries))
        if count:
            chunk = self.entries[:count]
            del self.entries[:count]
            logs.write_lines(format_lines(chunk))
        if count and due > count:
            asyncio.get_running_loop().call_soon(self._drain, due - count)
            return
        self._scheduled = bool(self.entries)
        if self._scheduled:
            asyncio.get_running_loop().call_later(FLUSH_INTERVAL_S, self._drain)

    def flush(self) -> None:
        """Write every buffered line now (at shutdown)."""
        if self.entries:
            entries, self.entries = self.entries, []
            logs.write_lines(format_lines(entries))


def format_lines(entries: list[tuple[float, str | None, str, str, int, float]]) -> list[str]:
    """The log lines of ``entries``, each second's stamp formatted once; client, method
    and path escaped (``logs.loggable``) once per batch for each that repeats."""
    loggable = logs.loggable
    lines = []
    second, stamp = -1, ""
    escaped: dict[tuple[str | None, str, str], str] = {}
    for now, remote, method, path, status, ms in entries:
        if int(now) != second:
            second = int(now)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        request = escaped.get((remote, method, path))
        if request is None:
            request = f'{loggable(remote)} "{loggable(f"{method} {path}")}"'
            escaped[(remote, method, path)] = request
        lines.append(
            f"{stamp},{int(now % 1 * 1000):03d} INFO shopkeep.access: {request} {status} {ms:.1f}ms"
        )
    return lines


BUFFER = AccessLogBuffer()


class DashboardLogger(AbstractAccessLogger):
    """Where the Dashboard's statistics are recorded: aiohttp calls ``log`` once the
    answer is written, with the time since it took the request (a request
    ``middlewares.guarded`` marked). With ``--no-access-log`` this is all it does."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        stats = request.get(STATS)
        if stats is not None:
            stats.record(request.method, request.path, response.status, time * 1000)

    @property
    def enabled(self) -> bool:
        return True


class BufferedAccessLogger(DashboardLogger):
    """The Dashboard's record, and the request's line in the log file."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        BUFFER.add(request.remote, request.method, request.path, response.status, time * 1000)
        super().log(request, response, time)
