"""The access log: method, path (never the query string or headers, so no secret
reaches it), status and time. Method and path come from the client: they are
escaped (``logs.loggable``), so a ``%0a`` in a path cannot start a line of its own.

Writing a log record per request halved the API's throughput, so the request
path only appends a preformatted line to a buffer; the lines are written in one
batch twice a second and at shutdown, through the log file's own handler.
"""

from __future__ import annotations

import asyncio
import time

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

from service.common import logs

FLUSH_INTERVAL_S = 0.5


class AccessLogBuffer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._second = -1
        self._stamp = ""
        self._scheduled = False

    def add(self, remote: str | None, method: str, path: str, status: int, ms: float) -> None:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        client, request = logs.loggable(remote), logs.loggable(f"{method} {path}")
        self.lines.append(
            f"{self._stamp},{int(now % 1 * 1000):03d} INFO shopkeep.access: "
            f'{client} "{request}" {status} {ms:.1f}ms'
        )
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_INTERVAL_S, self.flush)

    def flush(self) -> None:
        self._scheduled = False
        if self.lines:
            lines, self.lines = self.lines, []
            logs.write_lines(lines)


BUFFER = AccessLogBuffer()


class BufferedAccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        BUFFER.add(request.remote, request.method, request.path, response.status, time * 1000)

    @property
    def enabled(self) -> bool:
        return True
