"""A runtime serving the API and the console over SSH on free ports, and users with keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncssh
import pytest
from ssh_support import new_key, register
from support import make_account

from service.accounts.users import User
from service.app.runtime import Runtime
from tui.ssh import console_factory


@dataclass
class KeyHolder:
    user: User
    key: asyncssh.SSHKey


@pytest.fixture
async def ssh_runtime(settings) -> AsyncIterator[Runtime]:
    settings.port = 0
    settings.ssh_port = 0
    rt = Runtime(settings)
    await rt.open()
    await rt.start_api()
    await rt.start_ssh(console_factory(rt))
    yield rt
    await rt.close()


async def holder(rt: Runtime, email: str, role: str) -> KeyHolder:
    assert rt.ctx is not None
    account = await make_account(rt.ctx, email, role)
    key = new_key(email)
    await register(rt.ctx, account.user.id, key)
    return KeyHolder(account.user, key)


@pytest.fixture
async def admin_key(ssh_runtime: Runtime) -> KeyHolder:
    return await holder(ssh_runtime, "admin@example.com", "administrator")


@pytest.fixture
async def manager_key(ssh_runtime: Runtime) -> KeyHolder:
    return await holder(ssh_runtime, "manager@example.com", "shop_manager")


@pytest.fixture
async def customer_key(ssh_runtime: Runtime) -> KeyHolder:
    return await holder(ssh_runtime, "alice@example.com", "customer")
