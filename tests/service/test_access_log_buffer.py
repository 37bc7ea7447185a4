"""The access log's buffer: every request's line is written, in order, and a busy
interval's lines are written a chunk per turn of the loop, so requests are served
between chunks instead of waiting for all of them."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from wait_support import until

from service.common import logs
from service.http import accesslog


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    batches: list[list[str]] = []
    monkeypatch.setattr(logs, "write_lines", lambda lines: batches.append(list(lines)))
    monkeypatch.setattr(accesslog, "FLUSH_INTERVAL_S", 0.01)
    return batches


def _paths(batches: list[list[str]]) -> list[str]:
    return [line.split('"')[1] for batch in batches for line in batch]


async def test_a_busy_interval_is_written_in_chunks_with_the_loop_running_between(
    written: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = accesslog.AccessLogBuffer()
    total = accesslog.FLUSH_CHUNK * 2 + 500
    for n in range(total):
        buffer.add("203.0.113.7", "GET", f"/wp-json/p/{n}", 200, 1.5)
    turns_at_write: list[int] = []
    turns = 0

    async def other_requests() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(other_requests())
    record = logs.write_lines

    def write(lines: list[str]) -> None:
        turns_at_write.append(turns)
        record(lines)

    monkeypatch.setattr(logs, "write_lines", write)
    try:
        await until(lambda: len(_paths(written)) == total, what="every line written")
    finally:
        ticker.cancel()
    assert [len(batch) for batch in written] == [accesslog.FLUSH_CHUNK] * 2 + [500]
    assert _paths(written) == [f"GET /wp-json/p/{n}" for n in range(total)]
    assert all(later > earlier for earlier, later in itertools.pairwise(turns_at_write))


async def test_lines_added_while_draining_follow_in_a_later_write(
    written: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = accesslog.AccessLogBuffer()
    first = accesslog.FLUSH_CHUNK + 10
    for n in range(first):
        buffer.add(None, "GET", f"/a/{n}", 200, 1.0)
    record = logs.write_lines

    def write(lines: list[str]) -> None:
        if not written:  # a request answered while the first chunk is written
            buffer.add(None, "POST", "/late", 201, 2.0)
        record(lines)

    monkeypatch.setattr(logs, "write_lines", write)
    await until(lambda: len(_paths(written)) == first + 1, what="the late line")
    assert [len(batch) for batch in written] == [accesslog.FLUSH_CHUNK, 10, 1]
    assert _paths(written) == [f"GET /a/{n}" for n in range(first)] + ["POST /late"]


async def test_flush_writes_everything_now_and_a_pending_drain_writes_nothing_twice(
    written: list[list[str]],
) -> None:
    buffer = accesslog.AccessLogBuffer()
    for n in range(accesslog.FLUSH_CHUNK * 3):
        buffer.add(None, "GET", f"/b/{n}", 404, 0.5)
    buffer.flush()
    assert len(_paths(written)) == accesslog.FLUSH_CHUNK * 3
    buffer.add(None, "GET", "/after", 200, 0.5)
    await until(lambda: _paths(written)[-1:] == ["GET /after"], what="the line after flush")
    paths = _paths(written)
    assert len(paths) == len(set(paths)) == accesslog.FLUSH_CHUNK * 3 + 1
