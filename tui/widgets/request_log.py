"""The Dashboard's last requests: one line of text each, newest at the bottom, under a
header, as many as fit.

Not a DataTable: under load every line changes every second, and a DataTable renders
each changed cell through its cell, style and cursor machinery (about a millisecond a
line); with several consoles open over SSH that was most of what the consoles cost
the API. Here a request's line is made once (data through ``tui.text.cell``) and kept
while the request is on view, and a redraw joins the lines that fit."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from service.common.stats import RequestRecord
from tui.format import clock_time
from tui.text import cell

# (label, width, right-aligned); the path takes the rest of the line
COLUMNS = (("time (UTC)", 10, False), ("method", 7, False), ("status", 6, True), ("ms", 8, True))
PATH = ("path", 80)
GAP = "  "


def _fit(value: Text | str, width: int, right: bool) -> Text:
    text = value if isinstance(value, Text) else Text(value, no_wrap=True, end="")
    room = width - text.cell_len
    if room <= 0:
        return text
    return Text.assemble(" " * room, text) if right else Text.assemble(text, " " * room)


def header() -> Text:
    parts = [_fit(label, width, right) for label, width, right in COLUMNS]
    line = Text(GAP).join([*parts, Text(PATH[0])])
    line.stylize("bold")
    return line


def request_values(record: RequestRecord) -> list[Text]:
    """The request's five values as shown (data through ``cell``)."""
    values: tuple[Text | str, ...] = (
        clock_time(record.at),
        cell(record.method, COLUMNS[1][1]),
        str(record.status),
        f"{record.ms:.1f}",
    )
    parts = [_fit(v, width, right) for v, (_, width, right) in zip(values, COLUMNS, strict=True)]
    return [*parts, cell(record.path, PATH[1])]


def request_line(record: RequestRecord) -> Text:
    return Text(GAP).join(request_values(record))


class RequestLog(Widget):
    DEFAULT_CSS = "RequestLog { height: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: list[RequestRecord] = []
        self._lines: dict[int, Text] = {}  # a request's line, by its seq, while on view
        self._header = header()

    @property
    def row_count(self) -> int:
        return len(self._shown)

    def show(self, records: list[RequestRecord]) -> None:
        """The last requests, oldest first (newest at the bottom)."""
        self._shown = records
        self._lines = {r.seq: self._lines.get(r.seq) or request_line(r) for r in records}
        self.refresh()

    def records(self) -> list[dict[str, str]]:
        """Every request held, as ``{column label: the text shown}`` (for tests)."""
        labels = [label for label, _, _ in COLUMNS] + [PATH[0]]
        return [
            {
                label: part.plain.strip()
                for label, part in zip(labels, request_values(record), strict=True)
            }
            for record in self._shown
        ]

    def render(self) -> Text:
        room = max(0, self.size.height - 1)
        shown = self._shown[-room:] if room else []
        lines = [self._header, *(self._lines[r.seq] for r in shown)]
        text = Text("\n", no_wrap=True, overflow="ellipsis", end="").join(lines)
        text.no_wrap = True
        return text
