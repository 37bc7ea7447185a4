"""The caller's IP address, and IP allowlists of addresses and CIDR ranges.

The client IP is the socket's peer. ``X-Forwarded-For`` is believed only when that
peer is a configured trusted proxy, and then only as far as the chain of trusted
proxies goes: it is read from the right (the entry our proxy appended) and the first
address that is not itself a trusted proxy is the client. A client can put anything
at the left of the header, so the leftmost entry is never taken on trust.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Iterable, Sequence

log = logging.getLogger("shopkeep.client_ip")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_ALLOWED_IPS = 100


def parse_address(text: str | None) -> Address | None:
    """An address from a socket or a header entry; ports, brackets and zones are dropped,
    and IPv4-mapped IPv6 (``::ffff:1.2.3.4``) becomes plain IPv4."""
    if not text:
        return None
    value = text.strip().strip('"')
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.7:5555
        value = value.split(":", 1)[0]
    value = value.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@functools.lru_cache(maxsize=32)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            log.warning("ignoring trusted proxy %r: not an IP address or CIDR range", entry)
    return tuple(networks)


def _within(address: Address, networks: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def resolve(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[str]) -> str | None:
    """The client IP for a request whose socket peer is ``peer`` and whose
    ``X-Forwarded-For`` header values are ``forwarded_for``."""
    if not trusted or not forwarded_for:
        return peer or None  # the common case, kept cheap: allowlists parse it anyway
    current = parse_address(peer)
    if current is None:
        return None
    networks = trusted_networks(tuple(trusted))
    if not networks:
        return str(current)
    hops = [part for value in forwarded_for for part in value.split(",") if part.strip()]
    for entry in reversed(hops):
        if not _within(current, networks):
            break
        previous = parse_address(entry)
        if previous is None:
            break
        current = previous
    return str(current)


def normalise_allowlist(values: object) -> tuple[list[str], list[str]]:
    """Validate an allowlist. Returns (canonical entries, errors).

    Single addresses are kept as addresses, ranges as ``network/prefix``. A range with
    host bits set (``10.0.0.7/24``) is refused rather than guessed at.
    """
    if values is None:
        return [], []
    if not isinstance(values, list):
        return [], ["Expected a list of IP addresses or CIDR ranges."]
    if len(values) > MAX_ALLOWED_IPS:
        return [], [f"Ensure this list has at most {MAX_ALLOWED_IPS} entries."]
    canonical: list[str] = []
    errors: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            errors.append(f"{value!r} is not an IP address or CIDR range.")
            continue
        text = value.strip()
        try:
            if "/" in text:
                network = ipaddress.ip_network(text, strict=True)
                entry = (
                    str(network.network_address)
                    if network.prefixlen == network.max_prefixlen
                    else str(network)
                )
            else:
                entry = str(ipaddress.ip_address(text))
        except ValueError:
            if "/" in text and _is_network_with_host_bits(text):
                network = ipaddress.ip_network(text, strict=False)
                errors.append(f"{text} has host bits set; did you mean {network}?")
            else:
                errors.append(f"{text} is not an IP address or CIDR range.")
            continue
        if entry not in canonical:
            canonical.append(entry)
    return canonical, errors


def _is_network_with_host_bits(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _allow_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def allowed(client_ip: str | None, allowlist: Sequence[str]) -> bool:
    """True when the allowlist is empty or the client is inside one of its entries."""
    if not allowlist:
        return True
    address = parse_address(client_ip)
    if address is None:
        return False
    return _within(address, _allow_networks(tuple(allowlist)))
