"""Property tests: no webhook payload, however odd, gets past validation as anything but
a clean event or a 400, and amounts survive the round trip through minor units."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from service.common.errors import ServiceError
from service.common.html_text import plain_text
from service.integrations.webhook_payload import (
    EVENT_TYPES,
    format_amount,
    parse_amount,
    parse_event,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
product_keys = st.sampled_from(
    ["id", "name", "price", "regular_price", "sale_price", "currency", "stock_quantity",
     "stock_status", "categories", "tags", "image", "gallery", "permalink", "type", "on_sale",
     "date_modified", "sku", "description", "short_description"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    event_id=json_values,
    event_type=st.sampled_from([*EVENT_TYPES, "x"]) | json_values,
    product=st.dictionaries(product_keys, json_values, max_size=12) | json_values,
)
def test_parse_event_accepts_or_raises_a_400(event_id, event_type, product):
    body = {"event_id": event_id, "event_type": event_type, "product": product}
    try:
        event = parse_event(body)
    except ServiceError as err:
        assert err.status == 400 and err.fields
        return
    assert isinstance(event.event_id, str) and 1 <= len(event.event_id) <= 100
    assert event.event_type in EVENT_TYPES and event.source_id >= 1
    event.payload_json()  # always serialisable


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_amounts_round_trip(value):
    assert Decimal(format_amount(parse_amount(str(value)))) == value


@given(st.floats(min_value=0, max_value=1e11, allow_nan=False))
def test_floats_become_the_nearest_cent(value):
    cents = parse_amount(value)
    assert abs(Decimal(cents) / 100 - Decimal(repr(value))) <= Decimal("0.005")


@given(st.text())
def test_plain_text_never_fails(markup):
    text = plain_text(f"<div><p>{markup}</p></div>")
    assert isinstance(text, str)
