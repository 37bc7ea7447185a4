"""The change signal: this process's commits at once, another connection's by polling
SQLite's data_version."""

from __future__ import annotations

from wait_support import until

from service.accounts import users as accounts
from service.app.context import Context
from service.common.errors import ServiceError


async def test_a_commit_bumps_once_a_rollback_never(ctx):
    seen: list[int] = []
    ctx.changes.subscribe(lambda: seen.append(ctx.changes.version))
    await accounts.create_user(ctx, "a@example.com", "long enough", "customer")
    assert len(seen) == 1
    try:
        async with ctx.store.transaction() as tx:
            async with ctx.store.transaction():  # nested: a savepoint, no commit of its own
                await accounts.insert_user(
                    tx,
                    ctx,
                    await accounts.new_user(ctx, "b@example.com", "long enough", "customer"),
                )
            raise ServiceError("stop", "rolled back")
    except ServiceError:
        pass
    assert len(seen) == 1


async def test_a_listener_that_fails_does_not_fail_the_write(ctx):
    def broken() -> None:
        raise RuntimeError("listener bug")

    ctx.changes.subscribe(broken)
    user = await accounts.create_user(ctx, "a@example.com", "long enough", "customer")
    assert (await accounts.get_user(ctx, user.id)).email == "a@example.com"


async def test_poll_sees_a_second_process_writing(ctx, settings):
    assert await ctx.changes.poll() is False  # nothing changed since the Context opened
    other = await Context.open(settings)  # another Store on the same file
    try:
        before = ctx.changes.version
        await accounts.create_user(other, "elsewhere@example.com", "long enough", "customer")
        if ctx.store.dialect != "sqlite":
            # PostgreSQL tells every process (LISTEN/NOTIFY) as the write commits; the
            # poll stays as a backstop. Either way the change is seen, once.
            await until(lambda: ctx.changes.version > before, what="the other's write seen")
            await ctx.changes.poll()
            assert ctx.changes.version > before
            return
        assert ctx.changes.version == before  # not told in-process
        assert await ctx.changes.poll() is True
        assert ctx.changes.version == before + 1
        assert await ctx.changes.poll() is False
    finally:
        await other.close()
