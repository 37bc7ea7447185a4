"""A dashboard on another origin, in real headless Chromium, reads the body of every answer
with fetch(): a success, and the errors (401 on both surfaces, 404 rest_no_route, a wrong
password at login) that carried no CORS headers before issue 13."""

from __future__ import annotations

import json

import pytest
from clients_support import dump_dom, element_text


@pytest.fixture(scope="module")
def page_results(chromium, shop, tmp_path_factory) -> dict:
    url = f"{shop.page_origin}/cors_page.html?api={shop.url}"
    dom = dump_dom(chromium, url, tmp_path_factory.mktemp("chromium-profile"))
    assert element_text(dom, "state") == "done", dom[:2000]
    return json.loads(element_text(dom, "results"))


def test_a_success_is_readable(page_results):
    assert page_results["public_list"] == {"status": 200, "body": "array"}


def test_a_wordpress_401_is_readable(page_results):
    assert page_results["wp_unauthorized"] == {
        "status": 401,
        "body": {
            "code": "woocommerce_rest_cannot_view",
            "message": "Sorry, you cannot list resources.",
            "data": {"status": 401},
        },
    }


def test_a_platform_401_is_readable(page_results):
    assert page_results["platform_unauthorized"] == {
        "status": 401,
        "body": {
            "detail": "Authentication credentials were not provided.",
            "code": "not_authenticated",
        },
    }


def test_a_404_rest_no_route_is_readable(page_results):
    assert page_results["wp_no_route"] == {
        "status": 404,
        "body": {
            "code": "rest_no_route",
            "message": "No route was found matching the URL and request method.",
            "data": {"status": 404},
        },
    }


def test_a_wrong_password_at_login_is_readable(page_results):
    assert page_results["wrong_password"] == {
        "status": 401,
        "body": {
            "detail": "No active account found with the given credentials.",
            "code": "invalid_credentials",
        },
    }
