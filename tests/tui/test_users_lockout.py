"""The Users screen shows an account locked by password guessing, and unlocks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from table_support import column
from textual.widgets import Static

from service.accounts import users as accounts
from service.common.config import Settings
from service.common.errors import ServiceError
from service.common.throttle import GuessLimits, GuessThrottle
from tui.app import ConsoleApp
from tui.modals.confirm import ConfirmModal

EMAIL = "mallory@example.com"
PASSWORD = "long enough password"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db=str(tmp_path / "test.db"),
        log_file=str(tmp_path / "test.log"),
        throttle_account_ip=2,
        throttle_account=3,
        throttle_ip=100,
    )


async def wrong_logins(ctx, ip: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(ServiceError) as err:
            await accounts.authenticate(ctx, EMAIL, "not the password", ip)
        assert err.value.status == 401


def status_cells(app) -> list[str]:
    return column(app.screen, "status", "#user-table")


async def wait_for(pilot, condition) -> None:
    for _ in range(50):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("condition never held")


async def test_users_screen_shows_the_lock_and_unlocks(runtime):
    ctx = runtime.ctx
    now = [0.0]
    limiter = GuessThrottle(GuessLimits.from_settings(ctx.settings), clock=lambda: now[0])
    ctx.guesses = limiter
    await accounts.create_user(ctx, EMAIL, PASSWORD, "customer", "Mallory")
    await accounts.create_user(ctx, "zoe@example.com", PASSWORD, "customer", "Zoe")
    await wrong_logins(ctx, "192.0.2.1", 2)  # one address locked out of the account
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await pilot.press("3")
        await wait_for(pilot, lambda: len(status_cells(app)) == 2)
        assert status_cells(app) == ["active · 1 address locked", "active"]
        now[0] = 30.0
        await wrong_logins(ctx, "192.0.2.2", 1)  # the account ceiling: locked for everyone
        app.screen.reload()
        await wait_for(pilot, lambda: status_cells(app)[0] == "active · locked 15 min")
        with pytest.raises(ServiceError) as err:
            await accounts.authenticate(ctx, EMAIL, PASSWORD, "203.0.113.5")
        assert err.value.status == 429

        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        question = app.screen.query_one("#question", Static).render()
        assert question.plain == f"Unlock sign-in for {EMAIL}?\nFailed attempts are forgotten."
        await pilot.press("y")
        await wait_for(pilot, lambda: status_cells(app) == ["active", "active"])
        assert any(n.message == f"Unlocked {EMAIL}." for n in app._notifications)
        user = await accounts.authenticate(ctx, EMAIL, PASSWORD, "192.0.2.1")
        assert user.email == EMAIL
    assert await limiter.locks() == {}
