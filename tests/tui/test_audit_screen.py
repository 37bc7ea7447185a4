"""The Audit screen driven with the Pilot: newest first, filters, live, paging, details."""

from __future__ import annotations

from table_support import column, records
from textual.widgets import DataTable, Input, Static
from wait_support import settled, until

from service.accounts import users as accounts
from service.app.context import Context
from service.audit import log as audit
from service.audit.origin import Origin, Who, acting
from tui.app import ConsoleApp
from tui.modals.text_view import TextModal

HOSTILE = "eve\x1b[2J\x1b]52;c;ZXZpbA==\x07[b]bold[/b]\u202eevil@example.com"


async def write(
    ctx: Context,
    action: str,
    target_type: str = "order",
    target_id: object = 1,
    *,
    who: Who | None = None,
    face: str = "api",
    summary: dict[str, object] | None = None,
) -> None:
    who = who or Who("user", "admin@example.com", 1, "admin@example.com")
    with acting(Origin(face, "203.0.113.5", who)):  # type: ignore[arg-type]
        async with ctx.store.transaction() as tx:
            await audit.record(ctx, tx, action, target_type, target_id, summary=summary)


async def open_audit(pilot) -> None:
    await pilot.press("7")
    await settled(pilot)
    assert pilot.app.current_mode == "audit"


def count_text(app) -> str:
    return str(app.screen.query_one("#audit-count", Static).render())


async def type_filter(pilot, name: str, text: str) -> None:
    pilot.app.screen.query_one(f"#audit-{name}", Input).value = text
    await settled(pilot)


async def test_entries_newest_first_filtered_and_shown_in_full(runtime):
    ctx = runtime.ctx
    hostile = Who("user", HOSTILE, 9, HOSTILE)
    await write(ctx, "order.update", "order", 12, summary={"status": "completed"})
    await write(ctx, "order.refund", "order", 12, who=hostile, face="ssh")
    long_note = "note " * 30  # past the table's brief, within what the log keeps
    await write(ctx, "product.create", "product", 7, face="console", summary={"text": long_note})
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_audit(pilot)
        rows = records(app.screen, "#audit-table")
        assert [r["action"] for r in rows] == ["product.create", "order.refund", "order.update"]
        refund = rows[1]
        assert (refund["face"], refund["address"], refund["target"]) == (
            "ssh",
            "203.0.113.5",
            "order:12",
        )
        assert "\x1b" not in refund["actor"] and "\x07" not in refund["actor"]
        assert refund["actor"].startswith("eve␛[2J␛]52")
        assert rows[2]["summary"] == "status=completed" and rows[2]["outcome"] == "ok"
        assert rows[0]["time"].endswith(" UTC")
        assert count_text(app) == "3 entries"

        await type_filter(pilot, "action", "order.")
        assert column(app.screen, "action", "#audit-table") == ["order.refund", "order.update"]
        await type_filter(pilot, "actor", "EVE")
        assert column(app.screen, "action", "#audit-table") == ["order.refund"]
        await pilot.press("c")
        await settled(pilot)
        assert len(records(app.screen, "#audit-table")) == 3
        await type_filter(pilot, "target", "product:7")
        assert column(app.screen, "action", "#audit-table") == ["product.create"]
        await type_filter(pilot, "since", "someday")
        assert count_text(app).startswith("since: Enter a date")
        assert app.screen.query_one("#audit-table", DataTable).row_count == 0
        await type_filter(pilot, "since", "7d")
        assert column(app.screen, "action", "#audit-table") == ["product.create"]

        app.screen.query_one("#audit-table", DataTable).focus()
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, TextModal), pilot)
        text = str(app.screen.query_one("#text-content", Static).render())
        assert "action:  product.create" in text and "face:    console from 203.0.113.5" in text
        assert long_note.strip() in text.replace("\n", "")  # the whole summary, not a brief


async def test_new_entries_appear_live_and_the_cursor_stays(runtime):
    ctx = runtime.ctx
    for number in range(3):
        await write(ctx, "order.update", "order", number)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_audit(pilot)
        table = app.screen.query_one("#audit-table", DataTable)
        await pilot.press("down")  # on order:1
        assert records(app.screen, "#audit-table")[table.cursor_row]["target"] == "order:1"
        await write(ctx, "order.refund", "order", 99)
        await until(lambda: table.row_count == 4, pilot)
        await settled(pilot)
        rows = records(app.screen, "#audit-table")
        assert rows[0]["action"] == "order.refund"
        assert rows[table.cursor_row]["target"] == "order:1"


async def test_a_large_log_is_read_a_page_at_a_time(runtime):
    ctx = runtime.ctx
    async with ctx.store.transaction() as tx:
        for number in range(230):
            await audit.record(ctx, tx, "product.update", "product", number)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_audit(pilot)
        table = app.screen.query_one("#audit-table", DataTable)
        assert table.row_count == 100
        assert count_text(app) == "100 of 230 (↓ for more) entries"
        await pilot.press("ctrl+end")
        await until(lambda: table.row_count == 200, pilot)
        await pilot.press("ctrl+end")
        await until(lambda: table.row_count == 230, pilot)
        targets = column(app.screen, "target", "#audit-table")
        assert targets == [f"product:{n}" for n in range(229, -1, -1)]


async def test_a_shop_manager_over_ssh_is_not_shown_the_log(runtime):
    await write(runtime.ctx, "order.update")
    manager = await accounts.create_user(
        runtime.ctx, "manager@example.com", "manager-password", "shop_manager"
    )
    app = ConsoleApp(runtime, actor=manager, face="ssh")
    async with app.run_test(size=(120, 30)) as pilot:
        await open_audit(pilot)
        assert app.screen.query_one("#audit-table", DataTable).row_count == 0
        assert count_text(app) == "Only administrators can read the audit log."
