"""Audit: every recorded change, newest first, live; filter by actor, action (a prefix
such as ``order.``), target (``order:12``) and time (``2026-12-01``, ``24h``, ``7d``);
enter shows the whole entry. Administrators only (an SSH console of a shop manager
says so instead)."""

from __future__ import annotations

import json
from dataclasses import replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from service.audit import read as audit
from service.audit.log import AuditEntry, latest, search
from service.common.errors import ServiceError
from tui.format import moment
from tui.messages import DataChanged
from tui.modals.text_view import TextModal
from tui.screens.base import ConsoleScreen, ScreenCommand
from tui.text import Cell, cell
from tui.widgets.footer import KeyFooter
from tui.widgets.nav import NavBar
from tui.widgets.table import Table

PAGE = 100
DENIED = "Only administrators can read the audit log."
# The time stays put when the table scrolls sideways; who did what to which comes before
# where from (the whole entry is in its detail view).
COLUMNS = ("time", "actor", "action", "target", "outcome", "face", "address", "summary")
FILTERS = (
    ("actor", "actor"),
    ("action", "action (order.)"),
    ("target", "target (order:12)"),
    ("since", "since (7d)"),
    ("until", "until"),
)


def target_text(entry: AuditEntry) -> str:
    return f"{entry.target_type}:{entry.target_id}" if entry.target_id else entry.target_type


def entry_text(entry: AuditEntry) -> str:
    """The whole entry as text (shown through ``block`` by the text view)."""
    who = entry.actor
    ids = [f"user {who.user_id}" if who.user_id is not None else ""]
    ids += [f"token {who.token_id}" if who.token_id else ""]
    about = ", ".join(part for part in (*ids, who.email or "") if part and part != who.name)
    lines = [
        f"time:    {moment(entry.at)} ({entry.at})",
        f"actor:   {who.name} ({who.kind}{', ' + about if about else ''})",
        f"face:    {entry.face}" + (f" from {entry.address}" if entry.address else ""),
        f"action:  {entry.action}",
        f"target:  {target_text(entry)}",
        f"outcome: {entry.outcome}",
        "summary:",
        json.dumps(entry.summary, indent=2, ensure_ascii=False),
    ]
    return "\n".join(lines)


class AuditScreen(ConsoleScreen):
    TITLE_TEXT = "Audit"
    HELP_DIALOGS = (TextModal,)
    PALETTE = (
        ScreenCommand("Audit log", "who changed what, on which face", ""),
        ScreenCommand("Filter the audit log", "by actor, action, target, time", "filter"),
    )
    BINDINGS = [
        Binding("enter", "details", "Details", id="audit.details"),
        Binding("slash", "filter", "Filter", key_display="/", id="audit.filter", priority=True),
        Binding("c", "clear", "Clear filters", id="audit.clear"),
    ]

    def __init__(self) -> None:
        super().__init__(id="audit")
        self.entries: list[AuditEntry] = []
        self.total = 0
        self.newest = -1  # the newest entry id when last loaded (-1: never loaded)
        self.filters = audit.AuditQuery()
        self.problem = ""  # why the filters are not applied
        self._stale = False  # the log changed while a load was under way

    def compose(self) -> ComposeResult:
        yield NavBar()
        with Horizontal(id="audit-bar", classes="bar"):
            for name, hint in FILTERS:
                yield Input(placeholder=hint, id=f"audit-{name}", compact=True)
        yield Static("", id="audit-count", classes="bar-info")
        table: DataTable[Cell] = Table(
            id="audit-table", cursor_type="row", zebra_stripes=True, fixed_columns=1
        )
        table.add_columns(*COLUMNS)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.set_focus(self.query_one("#audit-table", DataTable))

    def on_screen_resume(self) -> None:
        self.reload()

    def on_data_changed(self, _: DataChanged) -> None:
        self.refresh_live()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.set_focus(self.query_one("#audit-table", DataTable))

    # -- loading ---------------------------------------------------------------
    def allowed(self) -> bool:
        user = getattr(self.app, "user", None)  # None: the local terminal's operator
        return user is None or audit.may_read(user)

    def read_filters(self) -> audit.AuditQuery | None:
        raw = {name: self.query_one(f"#audit-{name}", Input).value for name, _ in FILTERS}
        kind, ident = audit.split_target(raw.pop("target"))
        try:
            query = audit.query_from(
                {**raw, "target_type": kind, "target_id": ident}, self.ctx.clock.now()
            )
        except ServiceError as err:
            self.problem = "; ".join(f"{k}: {' '.join(v)}" for k, v in err.fields.items())
            return None
        self.problem = ""
        return query

    @work(exclusive=True, group="audit-reload")
    async def reload(self, keep: int = PAGE) -> None:
        """The newest ``keep`` entries matching the filters (at least a page)."""
        if not self.allowed():
            self.newest = -1
            self.show_message(DENIED)
            return
        query = self.read_filters()
        if query is None:
            self.show_message(self.problem)
            return
        self.filters = query
        newest = await latest(self.ctx)
        total, entries = await search(self.ctx, query, limit=max(PAGE, keep))
        self.newest = newest
        self.show(entries, total)
        self._after_load()

    def refresh_live(self) -> None:
        """New entries appear on top (the cursor stays on its entry); nothing is read
        again unless the log grew. A load under way (a filter, the next page) is left to
        finish, and the check runs after it. The reader's rights are checked each time:
        someone demoted meanwhile stops seeing the log, someone promoted starts."""
        if not self.allowed():
            if self.newest >= 0:
                self.newest = -1
                self.show_message(DENIED)
            return
        if self.newest < 0:  # nothing shown yet (not allowed then, or a bad filter)
            if not self._loading():
                self.reload()
            return
        if self._loading():
            self._stale = True
            return
        self._refresh_live()

    def _loading(self) -> bool:
        return any(w.group == "audit-reload" and not w.is_finished for w in self.workers)

    @work(exclusive=True, group="audit-live")
    async def _refresh_live(self, after_load: bool = False) -> None:
        """``after_load``: called by a load as it ends (its worker is not finished yet)."""
        newest = await latest(self.ctx)
        if newest == self.newest or (self._loading() and not after_load):
            return
        total, entries = await search(self.ctx, self.filters, limit=max(PAGE, len(self.entries)))
        if self._loading() and not after_load:  # a newer load started: it shows the truth
            return
        self.newest = newest
        self.show(entries, total)

    @work(exclusive=True, group="audit-reload")
    async def load_more(self) -> None:
        """The next page, older than the last entry shown (keyset: no entry is skipped
        or shown twice when new ones arrive meanwhile)."""
        if not self.entries:
            return
        older = replace(self.filters, before_id=self.entries[-1].id)
        _, entries = await search(self.ctx, older, limit=PAGE)
        self.show(self.entries + entries, self.total)
        self._after_load()

    def _after_load(self) -> None:
        if self._stale:
            self._stale = False
            self._refresh_live(after_load=True)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        last = event.cursor_row >= event.data_table.row_count - 1
        if last and self.total > len(self.entries) > 0 and not self._loading():
            self.load_more()

    def show(self, entries: list[AuditEntry], total: int) -> None:
        table = self.query_one("#audit-table", DataTable)
        selected = self.selected()
        table.clear()
        self.entries = entries
        self.total = total
        for entry in entries:
            table.add_row(
                cell(moment(entry.at)),
                cell(entry.actor.name, 28),
                cell(entry.action, 24),
                cell(target_text(entry), 24),
                cell(entry.outcome),
                cell(entry.face),
                cell(entry.address or "", 20),
                cell(audit.brief(entry.summary), 60),
                key=str(entry.id),
            )
        if selected is not None and str(selected.id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected.id)))
        shown = f"{len(entries)} of {total} (↓ for more)" if total > len(entries) else str(total)
        self.query_one("#audit-count", Static).update(
            cell(f"{shown} entr{'y' if total == 1 else 'ies'}")
        )

    def show_message(self, text: str) -> None:
        self.entries, self.total = [], 0
        self.query_one("#audit-table", DataTable).clear()
        self.query_one("#audit-count", Static).update(cell(text, 100))

    def selected(self) -> AuditEntry | None:
        table = self.query_one("#audit-table", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < len(self.entries):
            return None
        return self.entries[table.cursor_row]

    # -- actions ---------------------------------------------------------------
    def action_filter(self) -> None:
        self.set_focus(self.query_one("#audit-actor", Input))

    def action_clear(self) -> None:
        with self.prevent(Input.Changed):
            for name, _ in FILTERS:
                self.query_one(f"#audit-{name}", Input).value = ""
        self.reload()

    def action_details(self) -> None:
        entry = self.selected()
        if entry is not None:
            title = f"Audit entry {entry.id}: {entry.action}"
            self.app.push_screen(TextModal(title, entry_text(entry)))

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_details()
