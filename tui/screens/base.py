"""What every console screen shares: the header and footer, where the focus goes, and
the keys that work the same on every screen.

- The focus starts on the screen's table (the first DataTable, in the active tab),
  set while the screen mounts, so a key pressed right after switching reaches the
  screen's bindings instead of being lost or typed into a search box.
- Escape in a search box or filter goes back to its table (Enter too, in a search box:
  the app's binding, as screens bind Enter themselves); there digits, ``q`` and the
  screen's letters are keys again.
- ``[`` / ``]`` switch tabs on a screen with a TabbedContent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, TabbedContent, Tabs

from tui.failures import Guarded
from tui.host import UsesContext

SEARCH_CONTROLS = (Input, Select)


@dataclass(frozen=True)
class ScreenCommand:
    """A command-palette entry that goes to a screen and runs one of its actions.

    ``target``: a selector of the widget (in the screen) that has the action, "" for the
    screen itself; the tab holding it is activated first. ``action``: the action's name
    (``issue`` runs ``action_issue``), "" only to go there."""

    title: str
    help: str
    action: str = ""
    target: str = ""


class ConsoleScreen(Guarded, UsesContext, Screen[None]):
    """A top-level screen of the console (one per mode; its id is the mode's)."""

    TITLE_TEXT = ""
    HELP_NAME = ""  # "Tokens screen" is derived from TokensScreen
    HELP_DIALOGS: ClassVar[tuple[type[DOMNode], ...]] = ()
    """Dialogs this screen opens: ``?`` lists their keys too."""
    PALETTE: ClassVar[tuple[ScreenCommand, ...]] = ()
    """What the command palette can do on this screen."""
    AUTO_FOCUS = "DataTable"
    # Keys that move the focus are priority bindings: handled as they arrive, before the
    # keys typed after them are routed, so "/" then "abc" types "abc" into the search box.
    # A text box keeps the printable ones ("[" typed in a search box is text).
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "tab(-1)",
            "Prev tab",
            key_display="[",
            id="screen.prev_tab",
            priority=True,
        ),
        Binding(
            "right_square_bracket",
            "tab(1)",
            "Next tab",
            key_display="]",
            id="screen.next_tab",
            priority=True,
        ),
        Binding("escape", "leave_search", "Back to table", id="screen.leave_search", priority=True),
    ]

    def on_mount(self) -> None:
        self.focus_home()

    # -- focus -----------------------------------------------------------------
    def home_table(self, near: Widget | None = None) -> DataTable | None:
        """The table ``near`` belongs to (the first one among its ancestors'
        descendants), else the active tab's first table, else the screen's."""
        node: DOMNode | None = near.parent if near is not None else None
        while isinstance(node, Widget) and node is not self:
            tables = [t for t in node.query(DataTable) if t.display]
            if tables:
                return tables[0]
            node = node.parent
        pane = self._active_pane()
        scope = pane if pane is not None else self
        return next(iter(scope.query(DataTable)), None)

    def focus_home(self, near: Widget | None = None) -> None:
        table = self.home_table(near)
        if table is not None:
            # At once, not via ``focus()`` (a queued callback): keys already waiting
            # behind this one must find the focus where this one put it.
            self.set_focus(table, scroll_visible=False)

    def _search_focused(self) -> Widget | None:
        """The search box or filter with the focus (not an open drop-down: escape
        closes that first)."""
        focused = self.focused
        return focused if isinstance(focused, SEARCH_CONTROLS) else None

    def action_leave_search(self) -> None:
        control = self._search_focused()
        if control is not None:
            self.focus_home(control)

    # -- tabs ------------------------------------------------------------------
    def _tabs(self) -> TabbedContent | None:
        return next(iter(self.query(TabbedContent)), None)

    def _active_pane(self) -> Widget | None:
        tabs = self._tabs()
        return tabs.active_pane if tabs is not None else None

    def action_tab(self, step: int) -> None:
        tabs = self._tabs()
        if tabs is None:
            return
        ids = [pane.id for pane in tabs.query("TabPane") if pane.id]
        current = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(current + step) % len(ids)]

    def on_tabbed_content_tab_activated(self, _: TabbedContent.TabActivated) -> None:
        """Into the new tab's table, unless the focus is already in that tab (a key typed
        into its search box while the screen was mounting stays there)."""
        pane = self._active_pane()
        focused = self.focused
        inside = focused is not None and pane is not None and pane in focused.ancestors
        if not inside or isinstance(focused, Tabs):
            self.focus_home()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tab":
            return self._tabs() is not None
        if action == "leave_search":
            return self._search_focused() is not None
        return True
