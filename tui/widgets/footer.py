"""The key footer of every screen and dialog: Textual's Footer with ``? Help`` first,
so the way to every other key stays visible when a narrow terminal cuts the rest, and
with the keys a hidden binding nearer the focus shadows: a table binds Enter itself
(to select its row, which opens the row's details), so a screen's ``enter Details``
would otherwise never be shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTIONS = ("help", "app.help")


class KeyFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [w for w in widgets if getattr(w, "action", None) in HELP_ACTIONS][:1]
        yield from first
        for binding in self._shadowed():
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                tooltip=binding.tooltip,
            ).data_bind(compact=Footer.compact)
        yield from (w for w in widgets if w not in first)

    def _shadowed(self) -> list[Binding]:
        if not self._bindings_ready:
            return []
        screen = self.screen
        active = screen.active_bindings
        found: dict[str, Binding] = {}
        for node, bindings in screen._modal_binding_chain:
            for key, binding in bindings:
                current = active.get(key)
                if (
                    current is None
                    or current.node is node
                    or current.binding.show
                    or not (binding.show and binding.description)
                    or node.check_action(binding.action, ()) is False
                ):
                    continue
                found.setdefault(binding.action, binding)
        return list(found.values())
