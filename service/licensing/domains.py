"""Where a license is activated: one normalisation for every route and the console.

A site is its host only: scheme, user info, port, path, query and fragment are
dropped, so ``https://www.Example.com:8443/shop/`` and ``example.com`` are one site
(a subdirectory install is not a separate site). The host is lower-cased, loses one
trailing dot and a leading ``www.``, and IDNs become punycode, so ``bücher.de`` and
``xn--bcher-kva.de`` match.

Local and staging sites are recorded but not counted toward the activation limit.
They are recognised by whole labels and suffixes, never substrings: ``.dev`` is a
public TLD and ``my.devices.com`` is production.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from service.common.errors import ServiceError
from service.common.validation import invalid_params

ENVIRONMENTS = ("production", "staging", "development", "local")
MAX_DOMAIN = 253
MAX_RETURN_URL = 2048
LOCAL_NAMES = frozenset({"localhost"})
LOCAL_TLDS = frozenset({"localhost", "local", "test", "example", "invalid"})
STAGING_FIRST_LABELS = frozenset({"dev", "staging", "stage", "test"})
STAGING_SUFFIXES = (
    "wpengine.com",
    "kinsta.cloud",
    "flywheelsites.com",
    "flywheelstaging.com",
    "cloudwaysapps.com",
    "instawp.xyz",
    "myftpupload.com",
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class Site:
    domain: str  # the normalised host
    is_local: bool
    environment: str
    raw_url: str


def invalid_domain(raw: str, reason: str) -> ServiceError:
    return ServiceError(
        "invalid_domain",
        f"'{raw[:100]}' is not a valid domain: {reason}.",
        400,
        data={"domain": raw[:MAX_DOMAIN]},
    )


def _host_of(text: str) -> str:
    """The host part of a URL or bare domain (IPv6 without its brackets)."""
    parsed = text if "://" in text else "http://" + text
    netloc = urlsplit(parsed).netloc
    netloc = netloc.rpartition("@")[2]
    if netloc.startswith("["):
        return netloc[1:].partition("]")[0]
    return netloc.partition(":")[0]


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return None


def normalise_host(raw: object) -> str:
    """The canonical host of ``raw`` (a URL or domain); 400 ``invalid_domain`` otherwise."""
    if not isinstance(raw, str):
        raise invalid_domain(str(raw), "expected a string")
    text = raw.strip()
    if not text:
        raise invalid_domain(text, "it is empty")
    if len(text) > MAX_RETURN_URL or any(c.isspace() or ord(c) < 32 for c in text):
        raise invalid_domain(text, "it is not a URL or host name")
    try:
        host = _host_of(text)
    except ValueError:
        raise invalid_domain(text, "it is not a URL or host name") from None
    address = _ip(host)
    if address is not None:
        return str(address)
    host = host.lower().removesuffix(".")
    host = host.removeprefix("www.")
    if not host:
        raise invalid_domain(text, "it has no host")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise invalid_domain(text, "it is not a valid international domain name") from None
    if len(host) > MAX_DOMAIN:
        raise invalid_domain(text, "it is longer than 253 characters")
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise invalid_domain(text, "labels are letters, digits and inner hyphens, 1-63 long")
    if len(labels) < 2 and host not in LOCAL_NAMES:
        raise invalid_domain(text, "a public domain needs a dot")
    return host


def is_local_host(host: str) -> bool:
    address = _ip(host)
    if address is not None:
        return (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or address.is_unspecified
        )
    labels = host.split(".")
    if host in LOCAL_NAMES or labels[-1] in LOCAL_TLDS:
        return True
    if len(labels) > 2 and (labels[0] in STAGING_FIRST_LABELS or labels[0].startswith("staging-")):
        return True
    return any(host == s or host.endswith("." + s) for s in STAGING_SUFFIXES)


def site(raw: object, environment: str | None = None) -> Site:
    """A site to activate: its domain, and whether it is local (not counted)."""
    env = environment or "production"
    if env not in ENVIRONMENTS:
        raise invalid_params(
            {"environment": f"environment is not one of {', '.join(ENVIRONMENTS)}."}
        )
    host = normalise_host(raw)
    return Site(
        domain=host,
        is_local=env != "production" or is_local_host(host),
        environment=env,
        raw_url=str(raw).strip()[:MAX_RETURN_URL],
    )


def invalid_return_url(reason: str) -> ServiceError:
    return ServiceError("invalid_return_url", f"return_url {reason}.", 400)


def check_return_url(url: object, target: Site) -> str:
    """Where the browser goes back after an OAuth decision: https (http only for a local
    site) on the activation's own host, so the token cannot be sent elsewhere."""
    if not isinstance(url, str) or not url.strip():
        raise invalid_return_url("is required for an OAuth activation")
    text = url.strip()
    if len(text) > MAX_RETURN_URL:
        raise invalid_return_url(f"must be at most {MAX_RETURN_URL} characters")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise invalid_return_url("is not a valid URL") from None
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise invalid_return_url("must be an absolute https URL")
    if parts.scheme == "http" and not target.is_local:
        raise invalid_return_url("must use https (http is allowed only for local sites)")
    if parts.fragment or "#" in text:
        raise invalid_return_url("must not have a fragment")
    if "@" in parts.netloc:
        raise invalid_return_url("must not contain user information")
    try:
        host = normalise_host(parts.netloc)
    except ServiceError:
        raise invalid_return_url("has no valid host") from None
    if host != target.domain:
        raise invalid_return_url(f"must be on the activated domain ({target.domain})")
    return text
