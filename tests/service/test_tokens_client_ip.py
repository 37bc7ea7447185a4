"""Client IP resolution behind proxies, and IP/CIDR allowlists."""

from __future__ import annotations

import pytest

from service.common.client_ip import allowed, normalise_allowlist, parse_address, resolve


@pytest.mark.parametrize(
    ("peer", "xff", "trusted", "expected"),
    [
        ("203.0.113.9", [], (), "203.0.113.9"),
        # not a trusted peer: the header is ignored
        ("203.0.113.9", ["198.51.100.1"], (), "203.0.113.9"),
        ("203.0.113.9", ["198.51.100.1"], ("10.0.0.1",), "203.0.113.9"),
        # a trusted proxy: its rightmost entry is the client
        ("10.0.0.1", ["198.51.100.1"], ("10.0.0.1",), "198.51.100.1"),
        ("10.0.0.1", ["198.51.100.1"], ("10.0.0.0/8",), "198.51.100.1"),
        # whatever the client put on the left is not believed
        ("10.0.0.1", ["6.6.6.6, 198.51.100.1"], ("10.0.0.0/8",), "198.51.100.1"),
        # a chain of trusted proxies is walked from the right
        ("10.0.0.1", ["198.51.100.1, 10.0.0.2"], ("10.0.0.0/8",), "198.51.100.1"),
        ("10.0.0.1", ["198.51.100.1", "10.0.0.2"], ("10.0.0.0/8",), "198.51.100.1"),
        # only trusted hops: the leftmost one
        ("10.0.0.1", ["10.0.0.3, 10.0.0.2"], ("10.0.0.0/8",), "10.0.0.3"),
        # garbage stops the walk at the last address we trust
        ("10.0.0.1", ["198.51.100.1, unknown"], ("10.0.0.0/8",), "10.0.0.1"),
        # ports, brackets and IPv4-mapped IPv6
        ("10.0.0.1", ["198.51.100.1:4711"], ("10.0.0.1",), "198.51.100.1"),
        ("10.0.0.1", ["[2001:db8::7]:443"], ("10.0.0.1",), "2001:db8::7"),
        ("::ffff:10.0.0.1", ["2001:db8::7"], ("10.0.0.1",), "2001:db8::7"),
        ("::1", ["198.51.100.1"], ("::1",), "198.51.100.1"),
        # a broken trusted-proxy setting trusts nothing
        ("10.0.0.1", ["198.51.100.1"], ("not-an-ip",), "10.0.0.1"),
        (None, ["198.51.100.1"], ("10.0.0.1",), None),
        ("", [], (), None),
    ],
)
def test_resolve(peer, xff, trusted, expected):
    assert resolve(peer, xff, trusted) == expected


def test_parse_address_drops_zone_ids():
    assert str(parse_address("fe80::1%eth0")) == "fe80::1"
    assert parse_address("example.com") is None


def test_allowlist_normalises():
    canonical, errors = normalise_allowlist(
        ["10.0.0.0/8", " 192.0.2.5 ", "192.0.2.5/32", "2001:DB8::/32", "10.0.0.0/8"]
    )
    assert errors == []
    assert canonical == ["10.0.0.0/8", "192.0.2.5", "2001:db8::/32"]


@pytest.mark.parametrize(
    "values", [["10.0.0.7/24"], ["999.1.1.1"], ["10.0.0.0/33"], [""], [None], "10.0.0.1", {}]
)
def test_allowlist_errors(values):
    _, errors = normalise_allowlist(values)
    assert errors


def test_host_bits_error_suggests_the_network():
    _, errors = normalise_allowlist(["10.0.0.7/24"])
    assert "10.0.0.0/24" in errors[0]


def test_allowlist_size_is_bounded():
    _, errors = normalise_allowlist([f"10.0.{i // 256}.{i % 256}" for i in range(101)])
    assert errors


@pytest.mark.parametrize(
    ("ip", "allowlist", "expected"),
    [
        ("203.0.113.9", [], True),
        ("203.0.113.9", ["203.0.113.0/24"], True),
        ("203.0.114.9", ["203.0.113.0/24"], False),
        ("203.0.113.9", ["203.0.113.9"], True),
        ("::ffff:203.0.113.9", ["203.0.113.0/24"], True),
        ("2001:db8::1", ["203.0.113.0/24"], False),
        ("2001:db8::1", ["2001:db8::/32"], True),
        (None, ["203.0.113.0/24"], False),
        ("garbage", ["203.0.113.0/24"], False),
    ],
)
def test_allowed(ip, allowlist, expected):
    assert allowed(ip, allowlist) is expected
