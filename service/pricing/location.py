"""Address matching shared by tax rates and shipping zones: postcodes with wildcards and ranges."""

from __future__ import annotations

import re

from .model import normalise_postcode


def postcode_matches(pattern: str, postcode: str) -> bool:
    """WooCommerce postcode patterns: exact "90210", wildcard "902*", range "90000...90299"."""
    pattern = normalise_postcode(pattern)
    postcode = normalise_postcode(postcode)
    if not pattern or not postcode:
        return False
    if "..." in pattern:
        low, _, high = pattern.partition("...")
        if all(part.isascii() and part.isdigit() for part in (low, high, postcode)):
            return int(low) <= int(postcode) <= int(high)
        return low <= postcode <= high
    if "*" in pattern:
        regex = ".*".join(re.escape(part) for part in pattern.split("*"))
        return re.fullmatch(regex, postcode) is not None
    return pattern == postcode


def any_postcode_matches(patterns: tuple[str, ...], postcode: str) -> bool:
    return any(postcode_matches(p, postcode) for p in patterns)
