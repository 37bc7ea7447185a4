"""What else happens when an order's status changes, in the same transaction.

The orders service calls :func:`order_status_changed` inside the transaction that
changes the status; listeners (license issuance, ...) write their own rows through
the same ``tx``, so the change and its consequences commit or roll back together.
A domain subscribes at startup with :func:`add_listener` (licensing does, from
``Context.open``), so orders import nothing that listens to them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.common.order_states import PAID_STATUSES, REVERSED_STATUSES

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context
    from store.db import Tx


@dataclass(frozen=True)
class OrderLine:
    line_item_id: int
    product_id: int
    variation_id: int
    quantity: int


@dataclass(frozen=True)
class OrderChange:
    order_id: int
    customer_id: int  # 0 for a guest
    billing_email: str
    old_status: str | None  # None when the order is created
    new_status: str
    lines: tuple[OrderLine, ...] = field(default_factory=tuple)
    paid_at: str | None = None  # ISO UTC; set once the order is paid
    now: str = ""
    # who changed the status, when the caller named them; else the task's audit origin
    # (a customer's checkout, a token call) is who listeners' audit entries name
    actor: Actor | None = None

    @property
    def became_paid(self) -> bool:
        return self.new_status in PAID_STATUSES and self.old_status not in PAID_STATUSES

    @property
    def was_reversed(self) -> bool:
        return self.new_status in REVERSED_STATUSES and (self.old_status in PAID_STATUSES)


Listener = Callable[["Context", "Tx", OrderChange], Awaitable[None]]

LISTENERS: list[Listener] = []


def add_listener(listener: Listener) -> None:
    """Subscribe ``listener`` (once) to every status change, e.g. at startup."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)


async def order_status_changed(ctx: Context, tx: Tx, change: OrderChange) -> None:
    for listener in LISTENERS:
        await listener(ctx, tx, change)
