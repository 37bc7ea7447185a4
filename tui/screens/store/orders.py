"""Orders: a list filtered by status and searched by number, name, email or product;
enter opens an order (lines, totals, notes), where ``s`` changes its status and ``n``
adds a note, as the console's actor (the signed-in user or the local operator)."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, DataTable, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from service.common.errors import ServiceError
from service.orders import crud as orders
from service.orders import notes as order_notes
from service.orders.status import TRANSITIONS
from service.orders.view import STATUS_LABELS
from service.pricing import DEFAULT_STORE, StoreMoney
from service.settings import shop_settings as store_settings
from tui.failures import Guarded
from tui.format import moment, money
from tui.host import UsesContext
from tui.messages import DataChanged
from tui.modals.confirm import ConfirmModal
from tui.modals.form import FormModal
from tui.modals.text_view import TextModal
from tui.screens.store.base import PAGE, TableTab
from tui.text import Cell, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table

STATUS_CHOICES = [(label, status) for status, label in STATUS_LABELS.items()]
FINAL = frozenset(s for s, allowed in TRANSITIONS.items() if not allowed)  # no way back
STATUS_CONSEQUENCES = {
    "refunded": "\nThis is final: stock is given back and the order's licenses are disabled.",
    "cancelled": "\nThis is final: stock is given back, coupon uses are released and the "
    "order's licenses are disabled.",
    "failed": "\nCoupon uses are released.",
}


def customer_text(order: dict[str, Any]) -> str:
    billing = order["billing"]
    name = f"{billing['first_name']} {billing['last_name']}".strip()
    who = name or billing["email"] or "guest"
    return who if order["customer_id"] else f"{who} (guest)"


class OrdersTab(TableTab):
    # The number stays put when the table scrolls sideways; status and total come first.
    COLUMNS = ("order", "status", "total", "customer", "date", "items")
    FIXED_COLUMNS = 1
    PLACEHOLDER = "search orders: #number, name, email, phone or product"
    NOUN = "orders"
    BINDINGS = [Binding("enter", "details", "Details", id="store.order")]
    DEFAULT_CSS = """
    OrdersTab #order-status { width: 20; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Input(placeholder=self.PLACEHOLDER, classes="tab-search", compact=True)
            yield Select(STATUS_CHOICES, prompt="any status", id="order-status", compact=True)
            yield Static("", classes="bar-info tab-count")
        yield self.make_table()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.from_first_page()

    shop_money: StoreMoney = DEFAULT_STORE

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        self.shop_money = await store_settings.store_money(self.ctx)
        status = self.query_one("#order-status", Select).value
        statuses = (status,) if isinstance(status, str) else ()
        filters = orders.OrderFilters(search=search, statuses=statuses, page=page, per_page=PAGE)
        return await orders.list_orders(self.ctx, filters)

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        units = sum(line["quantity"] for line in item["line_items"])
        return (
            cell(f"#{item['number']}"),
            cell(STATUS_LABELS.get(item["status"], item["status"])),
            cell(money(item["total"], self.shop_money), justify="right"),
            cell(customer_text(item), 24),
            moment(item["date_created"]),
            str(units),
        )

    def action_details(self) -> None:
        item = self.selected()
        if item is not None:
            self.app.push_screen(OrderModal(item["id"]), self._order_closed)

    def action_change_status(self) -> None:
        """The command palette's "Change an order's status": the order, then its picker."""
        item = self.selected()
        if item is None:
            self.notify("Choose an order first.", severity="warning")
            return
        self.app.push_screen(OrderModal(item["id"], then="status"), self._order_closed)

    def _order_closed(self, _result: None) -> None:
        self.reload()  # the modal may have changed the order's status

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()


class OrderModal(Guarded, UsesContext, Dialog[None]):
    """One order: who, lines, totals and notes; ``s`` status, ``n`` note."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="order.close"),
        Binding("s", "status", "Change status", id="order.status"),
        Binding("n", "note", "Add note", id="order.note"),
        Binding("v", "read_note", "Read note", id="order.read_note"),
    ]
    DEFAULT_CSS = """
    #order-lines, #order-notes { height: auto; max-height: 14; }
    #order-totals { margin: 1 0; }
    """

    def __init__(self, order_id: int, *, then: str = "") -> None:
        super().__init__()
        self.order_id = order_id
        self.order: dict[str, Any] = {}
        self.then = then  # an action to run once the order is shown ("status")
        self.notes: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box modal-wide", id="order-detail"):
            yield Static("loading...", id="order-facts")
            lines: DataTable[Cell] = Table(id="order-lines", cursor_type="row", fixed_columns=1)
            lines.add_columns("product", "qty", "total", "subtotal", "tax", "sku")
            yield lines
            yield Static("", id="order-totals")
            yield Static(
                "[b]Notes[/b]  (v: read a note in full, n: add a note, s: change the status)"
            )
            notes: DataTable[Cell] = Table(id="order-notes", cursor_type="row")
            notes.add_columns("note", "by", "to customer", "date")
            yield notes

    async def on_mount(self) -> None:
        await self.refresh_order()
        if self.then:
            await self.run_action(self.then)

    async def on_data_changed(self, _: DataChanged) -> None:
        await self.refresh_order()

    async def refresh_order(self) -> None:
        order = self.order = await orders.get_order(self.ctx, self.order_id)
        store = await store_settings.store_money(self.ctx)
        billing = order["billing"]
        address = ", ".join(
            v for v in (billing["address_1"], billing["city"], billing["country"]) if v
        )
        paid = moment(order["date_paid"], empty="not paid")
        template = (
            "[b]Order #$number[/b] · $status · created $created · paid $paid\n"
            "customer    $customer $email\nbilling     $address\npayment     $payment"
        )
        self.query_one("#order-facts", Static).update(
            markup(
                template + ("\nnote        $note" if order["customer_note"] else ""),
                number=order["number"],
                status=STATUS_LABELS.get(order["status"], order["status"]),
                created=moment(order["date_created"]),
                paid=paid,
                customer=customer_text(order),
                email=billing["email"],
                address=address or "—",
                payment=order["payment_method_title"] or "—",
                note=order["customer_note"],
            )
        )
        table = self.query_one("#order-lines", DataTable)
        table.clear()
        for line in order["line_items"]:
            table.add_row(
                cell(line["name"], 32),
                str(line["quantity"]),
                cell(money(line["total"], store)),
                cell(money(line["subtotal"], store)),
                cell(money(line["total_tax"], store)),
                cell(line["sku"] or "—"),
            )
        self.query_one("#order-totals", Static).update(self._totals(order, store))
        notes = self.query_one("#order-notes", DataTable)
        notes.clear()
        self.notes = {}
        for note in await order_notes.list_notes(self.ctx, self.order_id):
            key = str(note["id"])
            self.notes[key] = note
            notes.add_row(
                cell(note["note"], 40),
                cell(note["author"], 16),
                "yes" if note["customer_note"] else "",
                moment(note["date_created"]),
                key=key,
            )

    @staticmethod
    def _totals(order: dict[str, Any], store: StoreMoney) -> Content:
        coupons = ", ".join(
            f"{c['code']} −{money(c['discount'], store)}" for c in order["coupon_lines"]
        )
        shipping = ", ".join(s["method_title"] for s in order["shipping_lines"]) or "—"
        return markup(
            "coupons     $coupons\ndiscount    $discount\n"
            "shipping    $shipping_total  ($shipping)\ntax         $tax\n"
            "[b]total       $total[/b]",
            coupons=coupons or "—",
            discount=money(order["discount_total"], store),
            shipping_total=money(order["shipping_total"], store),
            shipping=shipping,
            tax=money(order["total_tax"], store),
            total=money(order["total"], store),
        )

    @work(exclusive=True)
    async def action_status(self) -> None:
        allowed = TRANSITIONS.get(self.order.get("status", ""), ())
        if not allowed:
            self.notify("This order's status is final.", severity="warning")
            return
        current = self.order["status"]
        chosen = await self.app.push_screen_wait(StatusModal(current, allowed))
        if not chosen:
            return
        number = self.order.get("number", self.order_id)
        question = markup(
            "Change order [b]#$number[/b] from $old to [b]$new[/b]?",
            number=number,
            old=STATUS_LABELS[current],
            new=STATUS_LABELS[chosen],
        ) + STATUS_CONSEQUENCES.get(chosen, "")
        confirm = ConfirmModal(question, yes=STATUS_LABELS[chosen], danger=chosen in FINAL)
        if not await self.app.push_screen_wait(confirm):
            return
        try:
            await orders.update_order(self.ctx, self.order_id, {"status": chosen}, self.actor)
        except ServiceError as err:
            self.notify(err.message, title="Status not changed", severity="error")
            return
        self.notify(f"Order #{number} is {STATUS_LABELS[chosen]}.")
        await self.refresh_order()

    def action_read_note(self) -> None:
        table = self.query_one("#order-notes", DataTable)
        if not table.row_count:
            self.notify("This order has no notes yet.", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        note = self.notes.get(key or "")
        if note is not None:
            author = f"{note['author']}, " if note["author"] else ""
            where = "to the customer" if note["customer_note"] else "private"
            self.app.push_screen(
                TextModal(
                    f"Note on order #{self.order.get('number', self.order_id)}",
                    note["note"],
                    about=f"{author}{moment(note['date_created'])} · {where}",
                )
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "order-notes":
            event.stop()
            self.action_read_note()

    @work(exclusive=True)
    async def action_note(self) -> None:
        if await self.app.push_screen_wait(NoteModal(self.order_id)):
            await self.refresh_order()

    def action_close(self) -> None:
        self.dismiss(None)


class StatusModal(Guarded, Dialog[str | None]):
    """Pick the next status among those the current one allows."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="order_status.cancel")]

    def __init__(self, current: str, allowed: tuple[str, ...]) -> None:
        super().__init__()
        self.current = current
        self.allowed = allowed

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(f"[b]{STATUS_LABELS[self.current]}[/b] → choose the new status")
            yield OptionList(
                *(Option(STATUS_LABELS[s], id=s) for s in self.allowed), id="status-options"
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteModal(FormModal[dict[str, Any]]):
    """A note on an order, private or for the customer."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(f"[b]Note on order #{self.order_id}[/b]")
            yield Input(placeholder="note", id="note-text")
            yield Checkbox("Note to the customer", id="note-customer")
            yield Static("", id="form-errors", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add note", id="add", variant="primary")

    async def submit(self) -> dict[str, Any]:
        ctx = self.ctx
        data = {
            "note": self.query_one("#note-text", Input).value,
            "customer_note": self.query_one("#note-customer", Checkbox).value,
        }
        return await order_notes.add_note(ctx, self.order_id, data, self.actor)
