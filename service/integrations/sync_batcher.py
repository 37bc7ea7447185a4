"""Group commit for webhook events.

Events that arrive while a transaction is being written wait and go together into
the next one: one BEGIN/COMMIT for the whole group, and on SQLite one trip to the
writer thread (the BEGIN, the events, the group's audit entries and the COMMIT)
instead of several per event. Each caller is answered only after the
transaction holding its event has committed, so an acknowledgement still means the
event is durable.

A group holds events of many tenants, so one must not fail the others: each job runs
in its own savepoint, and a job that raises is undone alone and answered with
``failed(job, exc)`` while the rest of the group commits. Only a failure of the
transaction itself (a savepoint cannot be undone, the commit fails) reaches every
caller in the group.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from service.common.clock import iso
from store import sync_writer

if TYPE_CHECKING:
    from service.app.context import Context

MAX_GROUP = 200

# (sql, job, now) -> the job's outcome, run on the writer thread
Processor = Callable[[sync_writer.SyncSql, Any, str], Any]
# (job, exception) -> the outcome of a job that raised (its writes already undone)
Failure = Callable[[Any, Exception], Any]
# (sql, the group's jobs, their outcomes), run on the writer thread after the last job
Committing = Callable[[sync_writer.SyncSql, list[Any], list[Any]], None]
# (sql, the group's jobs), run on the writer thread before the first job
Opening = Callable[[sync_writer.SyncSql, list[Any]], None]


@dataclass
class _Pending:
    jobs: list[Any]
    future: asyncio.Future[list[Any]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Batcher:
    def __init__(
        self,
        ctx: Context,
        process: Processor,
        failed: Failure,
        committing: Committing | None = None,
        opening: Opening | None = None,
    ) -> None:
        self._ctx = ctx
        self._process = process
        self._failed = failed
        self._committing = committing  # last word in the group's transaction (the audit)
        self._opening = opening  # first word: the locks the group's jobs need
        self._queue: list[_Pending] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, jobs: list[Any]) -> list[Any]:
        """Outcomes for ``jobs`` (kept together in one transaction), once committed."""
        pending = _Pending(jobs)
        self._queue.append(pending)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())
        return await asyncio.shield(pending.future)

    async def _drain(self) -> None:
        try:
            while self._queue:
                group: list[_Pending] = []
                size = 0
                while self._queue and (not group or size + len(self._queue[0].jobs) <= MAX_GROUP):
                    item = self._queue.pop(0)
                    group.append(item)
                    size += len(item.jobs)
                await self._write(group)
        finally:
            self._task = None

    async def _write(self, group: list[_Pending]) -> None:
        jobs = [job for item in group for job in item.jobs]
        now = iso(self._ctx.clock.now()) or ""
        try:
            outcomes = await sync_writer.run_transaction(
                self._ctx.store, lambda sql: self._run_group(sql, jobs, now)
            )
        except BaseException as exc:
            for item in group:
                if not item.future.done():
                    item.future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        position = 0
        for item in group:
            item.future.set_result(outcomes[position : position + len(item.jobs)])
            position += len(item.jobs)

    def _run_group(self, sql: sync_writer.SyncSql, jobs: list[Any], now: str) -> list[Any]:
        """On the writer thread, the group's whole transaction: the opening word, every
        job in its own savepoint, the last word."""
        if self._opening is not None:
            self._opening(sql, jobs)
        outcomes = self._run_jobs(sql, jobs, now)
        if self._committing is not None:
            self._committing(sql, jobs, outcomes)
        return outcomes

    def _run_jobs(self, sql: sync_writer.SyncSql, jobs: list[Any], now: str) -> list[Any]:
        """Every job in its own savepoint."""
        outcomes = []
        for job in jobs:
            try:
                outcomes.append(sql.isolated(partial(self._process, sql, job, now)))
            except sync_writer.JobFailed as failure:
                outcomes.append(self._failed(job, failure.cause))
        return outcomes

    async def close(self) -> None:
        """Let the group being written finish (called before the store closes)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
