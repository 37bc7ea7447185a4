"""End-to-end tests run ``run.py`` as a subprocess; none may outlive its test."""

import pytest
from support import STARTED


@pytest.fixture(autouse=True)
def no_server_left_behind():
    yield
    while STARTED:
        STARTED.pop().kill_if_running()
