"""Slugs from names: lowercase, Persian kept, unique by suffix."""

from __future__ import annotations

import pytest

from service.common.slugs import slugify, unique_slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ceramic Mug", "ceramic-mug"),
        ("  Hello,   World!  ", "hello-world"),
        ("ماگ سرامیکی", "ماگ-سرامیکی"),
        ("تی‌شرت نخی", "تی-شرت-نخی"),  # the zero-width non-joiner becomes a hyphen
        ("Chargers & Cables", "chargers-cables"),
        ("under_score.dot", "under-score-dot"),
        ("Café ۱۲۳", "café-۱۲۳"),
        ("🎉🎉", "item"),
        ("", "item"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slugs_are_capped():
    assert len(slugify("a" * 500)) == 200


async def test_unique_slug_adds_a_counter():
    taken = {"mug", "mug-2"}

    async def is_taken(slug):
        return slug in taken

    assert await unique_slug("mug", is_taken) == "mug-3"
    assert await unique_slug("cup", is_taken) == "cup"
