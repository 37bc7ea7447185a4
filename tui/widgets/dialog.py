"""What every console dialog shares: a footer with its keys and ``?`` for help.

A modal screen's bindings stop at the modal (Textual leaves the app's out), so a
dialog binds ``?`` itself. Subclasses keep their own ``compose``; the footer is
mounted after it, docked at the bottom of the terminal."""

from __future__ import annotations

from typing import TypeVar

from textual import events, on
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer

from tui.widgets.footer import KeyFooter

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    HELP_NAME = ""  # "License detail dialog" is derived from LicenseDetailModal
    BINDINGS = [
        Binding("question_mark,f1", "app.help", "Help", key_display="?", id="dialog.help"),
    ]

    @on(events.Mount)
    def _mount_footer(self) -> None:
        if not self.query(Footer):
            self.mount(KeyFooter(id="dialog-footer"))
