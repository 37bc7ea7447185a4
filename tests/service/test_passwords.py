"""Password hashes carry their own scrypt parameters, so any cost verifies."""

from __future__ import annotations

from service.accounts import passwords, users
from service.common.config import Settings


def test_production_cost_is_unchanged():
    assert Settings().password_hash_cost == 14
    assert passwords.hash_password("pw").split("$")[1] == str(2**14)


def test_a_hash_verifies_whatever_the_current_cost():
    cheap = passwords.hash_password("a long password", 4)
    dear = passwords.hash_password("a long password", 14)
    assert cheap.split("$")[1] == "16" and dear.split("$")[1] == str(2**14)
    for encoded in (cheap, dear):
        assert passwords.verify_password("a long password", encoded)
        assert not passwords.verify_password("a wrong password", encoded)


def test_the_dummy_hash_follows_the_cost():
    assert passwords.dummy_hash(4).split("$")[1] == "16"
    assert passwords.dummy_hash(4) == passwords.dummy_hash(4)  # made once per cost


async def test_accounts_made_and_checked_at_the_settings_cost(ctx):
    user = await users.create_user(ctx, "cost@example.com", "a long password", "customer")
    row = await ctx.store.fetchone("SELECT password_hash FROM users WHERE id = ?", (user.id,))
    assert row["password_hash"].split("$")[1] == str(2**ctx.settings.password_hash_cost)
    assert (await users.authenticate(ctx, "cost@example.com", "a long password")).id == user.id
