"""Coupons: WooCommerce's validation order, codes and messages, and its discount arithmetic.

Golden figures are in minor units (cents); the arithmetic behind each is in the comment.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.pricing import (
    Coupon,
    CustomerRef,
    LineInput,
    PricingError,
    StoreMoney,
    compute_discounts,
    email_allowed,
    normalise_code,
    validate_coupon,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
GUEST = CustomerRef()


def line(product_id, quantity, price, **extra):
    return LineInput(product_id=product_id, quantity=quantity, unit_price_minor=price, **extra)


def coupon(code="save", discount_type="fixed_cart", amount=500, **extra):
    if discount_type == "percent":
        amount = Decimal(amount)
    return Coupon(id=extra.pop("id", 1), code=code, discount_type=discount_type, amount=amount,
                  **extra)  # fmt: skip


def check(found, code, lines=None, customer=GUEST, applied=(), **options):
    lines = [line(1, 1, 5000)] if lines is None else list(lines)
    return validate_coupon(found, code, lines, customer, NOW, list(applied), **options)


def assert_rejected(verdict, error_code, message):
    assert not verdict.valid
    assert (verdict.error_code, verdict.message) == (error_code, message)


# --- codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  SAVE10 ", "save10"), ("Black&amp;Friday", "black&friday"), ("تخفیف", "تخفیف")],
)
def test_normalise_code_trims_decodes_and_lowercases(raw, expected):
    assert normalise_code(raw) == expected


def test_code_is_case_insensitive():
    verdict = check(coupon(code="Save"), "  sAVE ")
    assert verdict.valid and verdict.code == "save"


# --- every error code with its exact message ---------------------------------------------------


def test_111_empty_code():
    assert_rejected(check(None, "   "), 111, "Please enter a coupon code.")


def test_105_unknown_code():
    assert_rejected(check(None, "NOPE"), 105, 'Coupon "NOPE" does not exist!')


def test_100_loaded_coupon_has_another_code():
    assert_rejected(check(coupon(code="other"), "save"), 100, '"save" is an invalid coupon code.')


def test_103_already_applied():
    verdict = check(coupon(), "SAVE", applied=[coupon(id=9)])
    assert_rejected(verdict, 103, 'Coupon code "save" has already been applied.')


def test_106_usage_limit_reached_and_boundaries():
    assert check(coupon(usage_limit=5, usage_count=4), "save").valid
    assert check(coupon(usage_limit=0, usage_count=99), "save").valid  # 0 = unlimited
    assert check(coupon(usage_limit=None, usage_count=99), "save").valid
    verdict = check(coupon(usage_limit=5, usage_count=5), "save")
    assert_rejected(verdict, 106, "Coupon usage limit has been reached.")


def test_106_usage_limit_per_user():
    limited = coupon(usage_limit_per_user=2)
    used_once = CustomerRef(user_id=7, usage_by_this_customer=1)
    used_twice = CustomerRef(user_id=7, usage_by_this_customer=2)
    guest_by_email = CustomerRef(email="a@b.com", usage_by_this_customer=2)
    assert check(limited, "save", customer=used_once).valid
    assert_rejected(check(limited, "save", customer=used_twice), 106,
                    "Coupon usage limit has been reached.")  # fmt: skip
    assert_rejected(check(limited, "save", customer=guest_by_email), 106,
                    "Coupon usage limit has been reached.")  # fmt: skip
    assert check(limited, "save", customer=GUEST).valid  # unknown customer: checked at checkout


def test_107_expired_strictly_after_the_expiry_moment():
    assert check(coupon(date_expires=NOW), "save").valid  # now == expiry still valid
    verdict = check(coupon(date_expires=NOW - timedelta(seconds=1)), "save")
    assert_rejected(verdict, 107, "This coupon has expired.")


def test_107_naive_expiry_is_read_as_utc():
    naive = datetime(2025, 6, 1, 11, 59)
    assert_rejected(check(coupon(date_expires=naive), "save"), 107, "This coupon has expired.")


def test_108_minimum_spend_boundary_equal_passes():
    lines = [line(1, 2, 2500)]  # subtotal 2 x 25.00 = 50.00
    assert check(coupon(minimum_amount=5000), "save", lines=lines).valid
    verdict = check(coupon(minimum_amount=5001), "save", lines=lines)
    assert_rejected(verdict, 108, "The minimum spend for this coupon is $50.01.")


def test_108_message_uses_store_currency_display():
    store = StoreMoney(currency="EUR", currency_position="right_space", thousand_separator=".",
                       decimal_separator=",")  # fmt: skip
    verdict = check(coupon(minimum_amount=123450), "save", store=store)
    assert verdict.message == "The minimum spend for this coupon is 1.234,50\u00a0€."


def test_112_maximum_spend_boundary_equal_passes():
    lines = [line(1, 2, 2500)]  # 50.00
    assert check(coupon(maximum_amount=5000), "save", lines=lines).valid
    verdict = check(coupon(maximum_amount=4999), "save", lines=lines)
    assert_rejected(verdict, 112, "The maximum spend for this coupon is $49.99.")


def test_minimum_compares_against_a_given_subtotal():
    verdict = check(coupon(minimum_amount=6000), "save", subtotal_minor=6000)
    assert verdict.valid


NOT_APPLICABLE = "Sorry, this coupon is not applicable to selected products."


def test_109_product_ids_match_product_or_variation():
    variation = [line(10, 1, 1000, variation_id=11)]
    assert check(coupon(product_ids=(10,)), "save", lines=variation).valid
    assert check(coupon(product_ids=(11,)), "save", lines=variation).valid
    assert_rejected(check(coupon(product_ids=(12,)), "save", lines=variation), 109, NOT_APPLICABLE)


def test_109_product_categories_ignore_sale_items_when_excluded():
    on_sale_in_cat = [line(1, 1, 1000, category_ids=(5,), on_sale=True)]
    assert check(coupon(product_categories=(5,)), "save", lines=on_sale_in_cat).valid
    verdict = check(
        coupon(product_categories=(5,), exclude_sale_items=True), "save", lines=on_sale_in_cat
    )
    assert_rejected(verdict, 109, NOT_APPLICABLE)


def test_109_product_type_coupon_with_no_eligible_line():
    lines = [line(1, 1, 1000), line(2, 1, 1000)]
    percent = coupon(discount_type="percent", amount=10, excluded_product_ids=(1, 2))
    assert_rejected(check(percent, "save", lines=lines), 109, NOT_APPLICABLE)
    # One eligible line is enough: the excluded line is simply not discounted.
    assert check(coupon(discount_type="percent", amount=10, excluded_product_ids=(1,)), "save",
                 lines=lines).valid  # fmt: skip


def test_110_fixed_cart_refuses_any_sale_item():
    lines = [line(1, 1, 1000), line(2, 1, 800, on_sale=True)]
    verdict = check(coupon(exclude_sale_items=True), "save", lines=lines)
    assert_rejected(verdict, 110, "Sorry, this coupon is not valid for sale items.")


def test_113_fixed_cart_names_the_excluded_products():
    lines = [line(1, 1, 1000, name="Mug"), line(2, 1, 800, name="Cap"), line(3, 1, 5, name="Pin")]
    verdict = check(coupon(excluded_product_ids=(1, 3)), "save", lines=lines)
    assert_rejected(verdict, 113, "Sorry, this coupon is not applicable to the products: Mug, Pin.")


def test_114_fixed_cart_names_the_excluded_categories_once():
    lines = [line(1, 1, 1000, category_ids=(4, 5)), line(2, 1, 800, category_ids=(5,))]
    verdict = check(coupon(excluded_product_categories=(5, 4)), "save", lines=lines,
                    category_names={4: "Books", 5: "Music"})  # fmt: skip
    assert_rejected(
        verdict, 114, "Sorry, this coupon is not applicable to the categories: Books, Music."
    )


NOT_YOURS = (
    'Sorry, it seems the coupon "save" is not yours - it has now been removed from your order.'
)


def test_102_email_restrictions_with_wildcards():
    restricted = coupon(email_restrictions=("*@Example.com", "vip@shop.ir"))
    assert check(restricted, "save", customer=CustomerRef(email="Bob@example.COM")).valid
    assert check(restricted, "save", customer=CustomerRef(email="VIP@shop.ir")).valid
    stranger = CustomerRef(email="bob@example.org")
    assert_rejected(check(restricted, "save", customer=stranger), 102, NOT_YOURS)


def test_102_billing_email_also_counts():
    restricted = coupon(email_restrictions=("*@example.com",))
    customer = CustomerRef(user_id=3, email="me@home.net", billing_email="me@example.com")
    assert check(restricted, "save", customer=customer).valid


def test_102_unknown_email_fails_unless_deferred_to_checkout():
    restricted = coupon(email_restrictions=("*@example.com",))
    assert_rejected(check(restricted, "save"), 102, NOT_YOURS)
    assert check(restricted, "save", defer_email_check=True).valid


@pytest.mark.parametrize(
    ("email", "patterns", "allowed"),
    [
        ("a@example.com", ["*@example.com"], True),
        ("a@example.com", ["*.example.com"], False),  # "*" then ".example.com" literally
        ("a@sub.example.com", ["*@*.example.com"], True),
        ("axb@example.com", ["a.b@example.com"], False),  # "." is not a regex wildcard
        ("anyone@anywhere", ["*"], True),
        ("a@example.com", [], False),
        ("A@EXAMPLE.COM", ["a@example.com"], True),
    ],
)
def test_email_allowed(email, patterns, allowed):
    assert email_allowed([email], patterns) is allowed


def test_104_individual_use_coupon_already_applied_blocks_others():
    solo = coupon(code="SOLO", id=2, individual_use=True)
    verdict = check(coupon(), "save", applied=[solo])
    assert_rejected(
        verdict,
        104,
        '"solo" has already been applied and cannot be used in conjunction with other coupons.',
    )


def test_individual_use_coupon_removes_the_others_and_is_priced_alone():
    lines = [line(1, 1, 10000)]
    applied = [coupon(code="a", id=3, amount=1000), coupon(code="b", id=4, amount=2000)]
    solo = coupon(code="SOLO", id=2, discount_type="percent", amount=50, individual_use=True)
    verdict = check(solo, "solo", lines=lines, applied=applied)
    assert verdict.valid
    assert verdict.removes == ("a", "b")
    assert verdict.discount == 5000  # 50% of 100.00, the others gone


def test_valid_coupon_reports_its_discount_next_to_the_applied_ones():
    lines = [line(1, 1, 1000)]
    applied = [coupon(code="big", id=3, discount_type="fixed_product", amount=800)]
    verdict = check(coupon(amount=500), "save", lines=lines, applied=applied)
    # fixed_product (8.00) goes first by WooCommerce's order; fixed_cart 5.00 gets the 2.00 left.
    assert (verdict.valid, verdict.discount, verdict.removes) == (True, 200, ())


# --- order of checks: the earlier rule wins ------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "lines", "expected_code"),
    [
        ({"usage_limit": 1, "usage_count": 1, "date_expires": NOW - timedelta(days=1)}, None, 106),
        ({"date_expires": NOW - timedelta(days=1), "minimum_amount": 10**6}, None, 107),
        ({"minimum_amount": 10**6, "product_ids": (99,)}, None, 108),
        ({"maximum_amount": 1, "product_ids": (99,)}, None, 112),
        ({"product_ids": (99,), "exclude_sale_items": True}, [line(1, 1, 100, on_sale=True)], 109),
        ({"exclude_sale_items": True, "excluded_product_ids": (1,)},
         [line(1, 1, 100, on_sale=True, name="X")], 110),
        ({"excluded_product_ids": (1,), "excluded_product_categories": (3,)},
         [line(1, 1, 100, category_ids=(3,), name="X")], 113),
        ({"excluded_product_categories": (3,), "email_restrictions": ("x@y.z",)},
         [line(1, 1, 100, category_ids=(3,))], 114),
    ],
)  # fmt: skip
def test_a_coupon_failing_two_rules_reports_the_earlier(extra, lines, expected_code):
    verdict = check(coupon(**extra), "save", lines=lines or [line(1, 1, 5000)])
    assert verdict.error_code == expected_code


def test_already_applied_is_checked_before_the_coupon_rules():
    expired = coupon(date_expires=NOW - timedelta(days=1))
    assert check(expired, "save", applied=[expired]).error_code == 103


def test_email_restriction_is_checked_before_individual_use_conflicts():
    solo = coupon(code="solo", id=2, individual_use=True)
    restricted = coupon(email_restrictions=("x@y.z",))
    assert check(restricted, "save", applied=[solo]).error_code == 102


def test_coupon_rejects_bad_type_and_amount():
    with pytest.raises(PricingError):
        Coupon(id=1, code="x", discount_type="bogus")
    with pytest.raises(PricingError):
        Coupon(id=1, code="x", discount_type="fixed_cart", amount=-5)


# --- discount arithmetic (golden) ------------------------------------------------------------


def pct(code, amount, **extra):
    return coupon(code=code, discount_type="percent", amount=amount, **extra)


def test_percent_rounding_is_distributed_to_the_cent_one_line():
    # 3 x 3.33 = 9.99 at 10%: floor(99.9) = 99; whole cart round(99.9) = 100; +1 cent.
    assert compute_discounts([line(1, 3, 333)], [pct("ten", 10)]) == {"ten": (100,)}


def test_percent_rounding_is_distributed_to_the_cent_three_lines():
    # Each 3.33 at 10%: floor(33.3) = 33 -> 99; cart 100; the spare cent goes to the first line.
    lines = [line(i, 1, 333) for i in (1, 2, 3)]
    assert compute_discounts(lines, [pct("ten", 10)]) == {"ten": (34, 33, 33)}


def test_percent_remainder_goes_to_the_highest_priced_line():
    # 15% of 0.49, 1.99, 0.99: floors 7, 29, 14 = 50; cart 3.47 x 15% = 52.05 -> 52;
    # 2 spare cents, 1 per unit, highest first: 1.99 (+1), then 0.99 (+1).
    lines = [line(1, 1, 49), line(2, 1, 199), line(3, 1, 99)]
    assert compute_discounts(lines, [pct("p", 15)]) == {"p": (7, 30, 15)}


def test_percent_whole_cart_figure_rounds_half_down_like_woocommerce():
    # 3 x 0.05 at 10%: floors 0, 0, 0; cart 0.15 x 10% = 1.5 cents -> half-down -> 1.
    lines = [line(i, 1, 5) for i in (1, 2, 3)]
    assert compute_discounts(lines, [pct("p", 10)]) == {"p": (1, 0, 0)}


def test_percent_skips_sale_items_when_excluded():
    # Only the 20.00 regular line is discounted: 10% = 200.
    lines = [line(1, 1, 2000), line(2, 1, 1500, on_sale=True)]
    assert compute_discounts(lines, [pct("p", 10, exclude_sale_items=True)]) == {"p": (200, 0)}


def test_percent_respects_product_and_category_restrictions():
    lines = [line(1, 1, 1000, category_ids=(7,)), line(2, 1, 1000), line(3, 1, 1000)]
    restricted = pct("p", 50, product_categories=(7,), excluded_product_ids=(3,))
    assert compute_discounts(lines, [restricted]) == {"p": (500, 0, 0)}


def test_percent_limit_usage_to_x_items():
    # 3 units of 10.00 at 50%, limited to 2 units: floor(2000 x 50%) = 1000.
    assert compute_discounts([line(1, 3, 1000)], [pct("p", 50, limit_usage_to_x_items=2)]) == {
        "p": (1000,)
    }


def test_fixed_product_per_unit_capped_at_the_line():
    # 2.00 off each unit: 2 x 5.00 -> 400; 3 x 1.50 = 4.50 caps 6.00 -> 450.
    lines = [line(1, 2, 500), line(2, 3, 150)]
    fixed = coupon(code="fp", discount_type="fixed_product", amount=200)
    assert compute_discounts(lines, [fixed]) == {"fp": (400, 450)}


def test_fixed_product_limit_usage_to_x_items():
    # 2.00 off, at most 2 units: min(2.00, 5.00) x 2 = 400.
    fixed = coupon(code="fp", discount_type="fixed_product", amount=200, limit_usage_to_x_items=2)
    assert compute_discounts([line(1, 3, 500)], [fixed]) == {"fp": (400,)}


def test_fixed_cart_over_three_units_of_3_33_never_exceeds_9_99():
    # 10.00 / 3 units = 3.33 per unit -> 9.99, nothing left to discount.
    assert compute_discounts([line(1, 3, 333)], [coupon(amount=1000)]) == {"save": (999,)}
    lines = [line(i, 1, 333) for i in (1, 2, 3)]
    assert compute_discounts(lines, [coupon(amount=1000)]) == {"save": (333, 333, 333)}


def test_fixed_cart_split_across_lines_repeats_with_the_remainder():
    # 10.00 over 5 units (20.00, 5.00, 3 x 1.00): 2.00 per unit -> 200, 200, min(600, 300) = 300
    # = 7.00; the 3.00 left over the 2 lines still priced: 1.50 each -> 350, 350, 300.
    lines = [line(1, 1, 2000), line(2, 1, 500), line(3, 3, 100)]
    assert compute_discounts(lines, [coupon(amount=1000)]) == {"save": (350, 350, 300)}


def test_fixed_cart_hands_out_leftover_cents_one_at_a_time():
    # 0.05 over 3 units: 1 cent each (3), then 2 cents left < 3 units: 1 cent to the first two.
    lines = [line(i, 1, 100) for i in (1, 2, 3)]
    assert compute_discounts(lines, [coupon(amount=5)]) == {"save": (2, 2, 1)}


def test_coupons_each_discount_the_original_price_but_never_below_zero():
    # 50% then 60% of 10.00: 500, then floor(600) capped at the 500 left -> 500. Line = 0.
    lines = [line(1, 1, 1000)]
    result = compute_discounts(lines, [pct("sixty", 60, id=2), pct("fifty", 50, id=1)])
    assert result == {"sixty": (500,), "fifty": (500,)}


def test_two_percent_coupons_are_not_sequential():
    # 10% and 20% of 50.00 are 500 and 1000 (sequential would give 500 then 900).
    result = compute_discounts([line(1, 1, 5000)], [pct("a", 10, id=1), pct("b", 20, id=2)])
    assert result == {"a": (500,), "b": (1000,)}


def test_fixed_cart_with_product_ids_still_discounts_the_whole_cart():
    # WooCommerce: product_ids only gate validity for a cart coupon; 6.00 split over 2 units.
    lines = [line(1, 1, 1000), line(2, 1, 1000)]
    restricted = coupon(amount=600, product_ids=(1,))
    assert check(restricted, "save", lines=lines).valid
    assert compute_discounts(lines, [restricted]) == {"save": (300, 300)}


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_line_rejects_bad_quantities(quantity):
    with pytest.raises(PricingError) as caught:
        line(1, quantity, 100)
    assert caught.value.code == "invalid_quantity"


def test_coupons_apply_in_woocommerce_order_whatever_order_given():
    # fixed_product (8.00) before fixed_cart (5.00): the cart coupon gets the 2.00 left.
    lines = [line(1, 1, 1000)]
    fixed_cart = coupon(code="cart", amount=500, id=1)
    fixed_product = coupon(code="prod", discount_type="fixed_product", amount=800, id=2)
    assert compute_discounts(lines, [fixed_cart, fixed_product]) == {
        "cart": (200,),
        "prod": (800,),
    }


# --- properties ------------------------------------------------------------------------------

lines_strategy = st.lists(
    st.builds(
        LineInput,
        product_id=st.integers(1, 6),
        quantity=st.integers(1, 5),
        unit_price_minor=st.integers(0, 5000),
        on_sale=st.booleans(),
        category_ids=st.lists(st.integers(1, 3), max_size=2).map(tuple),
    ),
    min_size=1,
    max_size=5,
)


@st.composite
def coupons_strategy(draw):
    found = []
    for index in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["percent", "fixed_cart", "fixed_product"]))
        amount = (
            Decimal(draw(st.integers(0, 12000))) / 100
            if kind == "percent"
            else draw(st.integers(0, 30000))
        )
        found.append(
            Coupon(
                id=index + 1,
                code=f"c{index}",
                discount_type=kind,
                amount=amount,
                exclude_sale_items=draw(st.booleans()),
                excluded_product_categories=tuple(draw(st.lists(st.integers(1, 3), max_size=1))),
                limit_usage_to_x_items=draw(st.none() | st.integers(1, 4)),
            )
        )
    return found


@given(lines_strategy, coupons_strategy())
def test_discounts_never_exceed_lines_nor_go_negative(lines, coupons):
    result = compute_discounts(lines, coupons)
    for index, item in enumerate(lines):
        given_here = [per_line[index] for per_line in result.values()]
        assert all(amount >= 0 for amount in given_here)
        assert sum(given_here) <= item.line_price_minor


@given(lines_strategy, st.integers(0, 100000))
def test_a_lone_fixed_cart_gives_min_of_amount_and_cart(lines, amount):
    result = compute_discounts(lines, [coupon(amount=amount)])
    assert sum(result["save"]) == min(amount, sum(item.line_price_minor for item in lines))


@given(lines_strategy, st.integers(0, 10000))
def test_a_lone_unrestricted_percent_gives_the_whole_cart_figure(lines, basis_points):
    percent = Decimal(basis_points) / 100
    result = compute_discounts(lines, [coupon(discount_type="percent", amount=percent)])
    cart = sum(item.line_price_minor for item in lines)
    exact = cart * percent / 100
    assert int(exact) <= sum(result["save"]) <= int(exact) + 1
