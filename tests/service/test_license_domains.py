"""Domain normalisation and local/staging detection for license activations."""

from __future__ import annotations

import pytest

from service.common.errors import ServiceError
from service.licensing.domains import check_return_url, is_local_host, normalise_host, site


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("example.com", "example.com"),
        ("https://example.com", "example.com"),
        ("HTTP://WWW.Example.COM/", "example.com"),
        ("www.example.com", "example.com"),
        ("example.com:8080", "example.com"),
        ("https://example.com:8443/shop/wp-admin?x=1#frag", "example.com"),
        ("https://user:pw@example.com/", "example.com"),
        ("example.com.", "example.com"),
        ("  Example.com  ", "example.com"),
        ("www.www.example.com", "www.example.com"),  # one www only
        ("bücher.de", "xn--bcher-kva.de"),
        ("https://www.BÜCHER.de/", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("فروشگاه.ایران", "xn--mgbtj4c7ad63e.xn--mgba3a4f16a"),
        ("localhost", "localhost"),
        ("http://localhost:8080/", "localhost"),
        ("192.168.1.10:8080", "192.168.1.10"),
        ("http://[::1]:8080/", "::1"),
        ("my-shop.dev", "my-shop.dev"),
    ],
)
def test_normalise(raw, host):
    assert normalise_host(raw) == host


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "shop", "exa mple.com", "-bad.com", "bad-.com", "a..b.com", "under_score.com",
     "http://", "x" * 64 + ".com", ("a" * 60 + ".") * 5 + "com", "https://:8080/", 42, None],
)  # fmt: skip
def test_invalid_domains(raw):
    with pytest.raises(ServiceError) as err:
        normalise_host(raw)
    assert err.value.code == "invalid_domain" and err.value.status == 400


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("shop.localhost", True),
        ("shop.local", True),
        ("shop.test", True),
        ("shop.example", True),
        ("shop.invalid", True),
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.5", True),
        ("169.254.1.1", True),
        ("::1", True),
        ("dev.shop.com", True),
        ("staging.shop.com", True),
        ("stage.shop.com", True),
        ("test.shop.com", True),
        ("staging-2.shop.com", True),
        ("shop.wpengine.com", True),
        ("shop.kinsta.cloud", True),
        ("x.instawp.xyz", True),
        # Public: whole labels and suffixes only, never substrings.
        ("shop.dev", False),
        ("my.devices.com", False),
        ("teststore.com", False),
        ("staging.com", False),  # the registrable domain itself, not a subdomain
        ("latest.shop.com", False),
        ("notwpengine.com", False),
        ("8.8.8.8", False),
        ("example.com", False),
    ],
)
def test_local_hosts(host, local):
    assert is_local_host(host) is local


def test_environment_makes_a_site_local():
    assert site("shop.com").is_local is False
    assert site("shop.com", "staging").is_local is True
    with pytest.raises(ServiceError) as err:
        site("shop.com", "qa")
    assert err.value.code == "rest_invalid_param"


def test_return_url_must_be_on_the_domain_and_https():
    target = site("shop.com")
    assert check_return_url("https://www.shop.com/cb", target) == "https://www.shop.com/cb"
    for bad in ("http://shop.com/cb", "https://shop.co/cb", "https://evil.com/?shop.com", ""):
        with pytest.raises(ServiceError) as err:
            check_return_url(bad, target)
        assert err.value.code == "invalid_return_url"
    assert check_return_url("http://shop.test/cb", site("shop.test"))
