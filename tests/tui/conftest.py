"""A console over a real runtime (store + API on a free port)."""

from __future__ import annotations

import pytest

from service.app.runtime import Runtime


@pytest.fixture
async def runtime(settings):
    settings.port = 0
    rt = Runtime(settings)
    await rt.open()
    await rt.start_api()
    yield rt
    await rt.close()
