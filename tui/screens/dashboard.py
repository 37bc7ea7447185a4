"""Dashboard: uptime, request totals, a requests-per-second sparkline and the last
50 requests. The API only appends to an aggregate; this screen redraws from it
when told something changed, and only while it is the screen on view."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from service.common.stats import RequestStats
from tui.messages import StatsChanged
from tui.screens.base import ConsoleScreen
from tui.text import markup
from tui.widgets.footer import KeyFooter
from tui.widgets.nav import NavBar
from tui.widgets.request_log import RequestLog


def format_uptime(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return (f"{days}d " if days else "") + f"{hours:02d}:{minutes:02d}:{secs:02d}"


class DashboardScreen(ConsoleScreen):
    TITLE_TEXT = "Dashboard"

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self._shown_version = -1
        self._last_row_seq = 0
        self._unsubscribe: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        yield NavBar()
        with Horizontal(id="dash-cards"):
            yield Static("", id="uptime", classes="card")
            yield Static("", id="total", classes="card")
            yield Static("", id="rate", classes="card")
            yield Static("", id="api", classes="card")
        with Vertical(id="dash-spark-box"):
            yield Static("Requests per second, last 60 s", classes="caption")
            yield Sparkline([0] * 60, id="rps", summary_function=max)
        yield RequestLog(id="requests")
        yield KeyFooter()

    @property
    def stats(self) -> RequestStats:
        return self.ctx.stats

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        url = self.runtime.url
        if url is None:
            self._blind()
            return
        self._unsubscribe = self.stats.subscribe(lambda: self.post_message(StatsChanged()))
        self.query_one("#api", Static).update(markup("API\n[b]$url[/b]", url=url))
        self.refresh_stats(force=True)

    @property
    def serves_api(self) -> bool:
        return self.runtime.url is not None

    def _blind(self) -> None:
        """``console --no-api``: the API (if any) runs in another process, whose requests
        this one cannot count; say so rather than show an idle shop's zeros."""
        self.query_one("#api", Static).update("API\n[b]not served here[/b] (--no-api)")
        self.query_one("#total", Static).update("Requests\n[b]not visible here[/b]")
        self.query_one("#rate", Static).update("Last second\n[b]not visible here[/b]")
        self.query_one("#dash-spark-box").display = False
        self.query_one("#requests").display = False
        self.mount(
            Static(
                "This console was started with --no-api: the API, if it runs, is another "
                "process (python run.py serve), and its requests are not visible here: "
                "that process's log file lists them.",
                id="no-traffic",
            ),
            after="#dash-cards",
        )
        self._tick()

    def on_unmount(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()

    def on_screen_resume(self) -> None:
        if self.serves_api:
            self.refresh_stats()

    def on_stats_changed(self, _: StatsChanged) -> None:
        self.refresh_stats()

    def _tick(self) -> None:
        if self.is_current:
            self.query_one("#uptime", Static).update(
                f"Uptime\n[b]{format_uptime(self.stats.uptime())}[/b]", layout=False
            )
            if self.serves_api:
                self.query_one("#rps", Sparkline).data = self.stats.per_second()

    def refresh_stats(self, force: bool = False) -> None:
        stats = self.stats
        if not force and (not self.is_current or stats.version == self._shown_version):
            return
        self._shown_version = stats.version
        series = stats.per_second()
        # Fixed-size cards: a new number repaints the card, it does not lay the screen out.
        self.query_one("#total", Static).update(f"Requests\n[b]{stats.total}[/b]", layout=False)
        self.query_one("#rate", Static).update(f"Last second\n[b]{series[-1]}/s[/b]", layout=False)
        self.query_one("#rps", Sparkline).data = series
        if force:
            self._tick()  # the uptime at once; then once a second
        self._show_recent()

    def _show_recent(self) -> None:
        """The last requests, newest at the bottom (each line made once)."""
        log = self.query_one("#requests", RequestLog)
        records = list(self.stats.recent)
        if not records or records[-1].seq == self._last_row_seq:
            return
        self._last_row_seq = records[-1].seq
        log.show(records)
