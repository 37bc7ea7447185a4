"""The Users screen's SSH keys: add one from pasted text, see it, remove it."""

from __future__ import annotations

from ssh_support import new_key, public_line
from textual.widgets import DataTable, Input, Static
from wait_support import settled, until

from service.accounts import ssh_keys
from service.accounts import users as accounts
from tui.app import ConsoleApp
from tui.modals.confirm import ConfirmModal
from tui.modals.ssh_keys import SshKeysModal


def key_rows(app: ConsoleApp) -> int:
    return app.screen.query_one("#ssh-key-table", DataTable).row_count


async def test_users_screen_adds_lists_and_removes_an_ssh_key(runtime):
    ctx = runtime.ctx
    user = await accounts.create_user(ctx, "shop@example.com", "long enough", "shop_manager")
    key = new_key("[b]laptop[/b]")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("3")
        await until(lambda: app.screen.query_one("#user-table", DataTable).row_count == 1, pilot)
        await pilot.press("s")
        await until(lambda: isinstance(app.screen, SshKeysModal), pilot)
        await settled(pilot)
        text = app.screen.query_one("#ssh-key-text", Input)
        text.value = "not a key"
        await pilot.press("enter")
        errors = app.screen.query_one("#form-errors", Static)
        await until(lambda: "not an SSH public key" in str(errors.render()), pilot)
        text.value = public_line(key).strip()
        await pilot.press("enter")
        await until(lambda: key_rows(app) == 1, pilot)
        table = app.screen.query_one("#ssh-key-table", DataTable)
        fingerprint = key.get_fingerprint("sha256")
        assert table.get_row_at(0)[0] == fingerprint
        assert str(table.get_row_at(0)[2]) == "[b]laptop[/b]"  # data shown as text
        assert str(errors.render()) == ""

        await pilot.click("#remove")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        await pilot.press("y")
        await until(lambda: isinstance(app.screen, SshKeysModal) and key_rows(app) == 0, pilot)
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, SshKeysModal), pilot)
    assert await ssh_keys.list_for_user(ctx, user.id) == []
