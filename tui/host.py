"""How a screen, tab or modal reaches the Runtime and its services record.

Textual types ``self.app`` as a plain ``App``. The console's app is a
``RuntimeApp``, and every widget that calls a service mixes in ``UsesContext``
(put it before the Textual base) to get one typed way to the ``Context`` and to the
``actor`` every service call acts for: the user signed in over SSH, or the local
operator at this machine's terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.message_pump import MessagePump

from service.accounts.actors import local_operator

if TYPE_CHECKING:
    from textual.driver import Driver

    from service.accounts.actors import Actor
    from service.app.context import Context
    from service.app.runtime import Runtime


class RuntimeApp(App[None]):
    """An app over a Runtime (the console is one)."""

    NAV: ClassVar[list[tuple[str, str, str]]] = []
    """(key, title, mode) of every top-level screen, in tab order (the header's strip)."""

    def __init__(
        self,
        runtime: Runtime,
        driver_class: type[Driver] | None = None,
        *,
        actor: Actor | None = None,
    ) -> None:
        super().__init__(driver_class=driver_class)
        self.runtime = runtime
        self.actor: Actor = actor if actor is not None else local_operator("console")


def runtime_app(app: App[Any]) -> RuntimeApp:
    if not isinstance(app, RuntimeApp):
        raise TypeError(f"{type(app).__name__} is not an app over a Runtime")
    return app


def context_of(app: App[Any]) -> Context:
    """The services record of the Runtime ``app`` runs over (open by then)."""
    ctx = runtime_app(app).runtime.ctx
    if ctx is None:
        raise RuntimeError("the runtime is not open")
    return ctx


def actor_of(app: App[Any]) -> Actor:
    """Who the console ``app`` acts for."""
    return runtime_app(app).actor


class UsesContext(MessagePump):
    @property
    def runtime(self) -> Runtime:
        return runtime_app(self.app).runtime

    @property
    def ctx(self) -> Context:
        return context_of(self.app)

    @property
    def actor(self) -> Actor:
        """Who this console acts for (every service call passes it)."""
        return runtime_app(self.app).actor
