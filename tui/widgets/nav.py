"""The console's header: where you are and where you can go.

Two rows, like posting's and k9s's: the shop's API address and database, then a tab
strip naming every screen with its key, the screen on view highlighted. A tab is
also a link (a click switches to its screen)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui.host import runtime_app


def tab_strip(tabs: list[tuple[str, str, str]], current: str) -> Content:
    """``tabs``: (key, title, mode) of every screen; ``current``: the mode on view."""
    parts: list[Content | tuple[str, str] | str] = []
    for key, title, mode in tabs:
        click = f"@click=app.switch_mode('{mode}')"
        if mode == current:
            parts.append((f" {key} {title} ", f"bold reverse $accent {click}"))
        else:
            parts += [(f" {key}", f"bold $accent {click}"), (f" {title} ", click)]
    return Content.assemble(*parts)


class NavBar(Vertical):
    """The header of every console screen (its screen's id is the mode it shows)."""

    DEFAULT_CSS = """
    NavBar { height: 2; dock: top; background: $panel; }
    NavBar > Static { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    NavBar #nav-where { color: $text-muted; padding: 0 1; }
    NavBar #nav-tabs { background: $boost; }
    """

    def compose(self) -> ComposeResult:
        app = runtime_app(self.app)
        yield Static(self._where(app.sub_title), id="nav-where")
        yield Static(tab_strip(app.NAV, self.screen.id or ""), id="nav-tabs")

    def on_mount(self) -> None:
        # who is signed in can change (a new role, a new name): follow the app's subtitle
        self.watch(self.app, "sub_title", self._show_where, init=False)

    def _show_where(self, sub_title: str) -> None:
        self.query_one("#nav-where", Static).update(self._where(sub_title))

    @staticmethod
    def _where(sub_title: str) -> Content:
        return Content.assemble(("Shopkeep", "bold $text"), "  ", sub_title)

    @property
    def current(self) -> str:
        """The title of the highlighted tab (for tests and the bench)."""
        app = runtime_app(self.app)
        return next((title for _, title, mode in app.NAV if mode == self.screen.id), "")
