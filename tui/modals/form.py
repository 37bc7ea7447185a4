"""A form that calls a service function and stays open, showing the field errors,
until the call succeeds; it then returns the result."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.binding import Binding
from textual.widgets import Button, Input, Static

from service.common.errors import ServiceError
from tui.failures import Guarded
from tui.host import UsesContext
from tui.text import block
from tui.widgets.dialog import Dialog

T = TypeVar("T")


class FormModal(Guarded, UsesContext, Dialog[T | None], Generic[T]):
    """Subclasses compose inputs, a ``#form-errors`` Static and buttons (``#cancel`` and
    a submit button), and implement :meth:`submit`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    async def submit(self) -> T:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.run_worker(self._submit(), exclusive=True)

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.run_worker(self._submit(), exclusive=True)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def _submit(self) -> None:
        try:
            result = await self.submit()
        except ServiceError as err:
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in err.fields.items()]
            self.query_one("#form-errors", Static).update(block("\n".join(lines) or err.message))
            return
        self.dismiss(result)
