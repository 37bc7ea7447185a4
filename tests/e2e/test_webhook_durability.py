"""An acknowledged webhook survives ``kill -9`` of ``serve``.

Eight plugin "stores" post versioned updates of their own product concurrently; once
enough have been acknowledged the server is SIGKILLed mid-stream. After a restart
every acknowledged event is in the log as processed, and every product is at least
at the version last acknowledged (the one request in flight may have committed too,
but nothing older may come back).
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
from support import PASSWORD, start_server

from service.accounts import users as accounts
from service.app.context import Context
from service.common.config import Settings
from service.integrations import tokens

SENDERS = 8
KILL_AFTER = 200


async def prepare(db: Path) -> str:
    ctx = await Context.open(Settings(db=str(db)))
    try:
        user = await accounts.create_user(ctx, "plugin@example.com", PASSWORD, "shop_manager")
        issued = await tokens.generate(ctx, user, name="durability")
        return issued.token
    finally:
        await ctx.close()


def update(store: int, version: int) -> dict:
    return {
        "event_id": f"wc_{store}_{version}",
        "event_type": "product.created" if version == 0 else "product.updated",
        "product": {
            "id": 1000 + store,
            "name": f"store {store} v{version}",
            "price": 10 + version,
            "regular_price": 10 + version,
            "currency": "EUR",
            "date_modified": f"2025-11-10T10:{version // 60:02d}:{version % 60:02d}Z",
        },
    }


def read_files(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.is_file())


async def test_acknowledged_webhooks_survive_sigkill(tmp_path):
    db = tmp_path / "durable.db"
    secret = await prepare(db)
    server = start_server(db)
    acked: dict[int, int] = {}  # store -> last acknowledged version
    acked_ids: list[str] = []
    enough = asyncio.Event()
    headers = {"Authorization": f"Bearer {secret}"}

    async def store_loop(session: aiohttp.ClientSession, store: int) -> None:
        for version in range(1000):
            body = update(store, version)
            try:
                async with session.post(
                    f"{server.url}/api/integrations/woocommerce/webhook/",
                    json=body,
                    headers=headers,
                ) as resp:
                    data = await resp.json()
            except (TimeoutError, aiohttp.ClientError):
                return  # the server is gone
            assert resp.status == 200, data
            assert data["status"] == "processed"
            acked[store] = version
            acked_ids.append(body["event_id"])
            if len(acked_ids) >= KILL_AFTER:
                enough.set()

    try:
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            senders = [asyncio.create_task(store_loop(session, s)) for s in range(SENDERS)]
            await asyncio.wait_for(enough.wait(), timeout=60)
            server.stop(signal.SIGKILL)
            await asyncio.wait_for(asyncio.gather(*senders), timeout=30)
    finally:
        if server.proc.poll() is None:
            server.stop(signal.SIGKILL)
    assert server.proc.returncode == -signal.SIGKILL
    assert len(acked_ids) >= KILL_AFTER

    restarted = start_server(db)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{restarted.url}/api/v1/auth/login/",
                json={"email": "plugin@example.com", "password": PASSWORD},
            ) as resp:
                jwt = {"Authorization": f"Bearer {(await resp.json())['access']}"}
            async with session.get(
                f"{restarted.url}/api/v1/integrations/woocommerce/events/?page_size=100&status=processed",
                headers=jwt,
            ) as resp:
                first_page = await resp.json()
            logged = {item["event_id"] for item in first_page["results"]}
            page = 2
            while first_page["count"] > len(logged):
                async with session.get(
                    f"{restarted.url}/api/v1/integrations/woocommerce/events/"
                    f"?page_size=100&status=processed&page={page}",
                    headers=jwt,
                ) as resp:
                    logged |= {item["event_id"] for item in (await resp.json())["results"]}
                page += 1
            assert set(acked_ids) <= logged
            async with session.get(
                f"{restarted.url}/api/v1/web-knowledge/products/?page_size=100", headers=jwt
            ) as resp:
                listed = {item["woo_product_id"]: item for item in (await resp.json())["results"]}
            for store, version in acked.items():
                item = listed[1000 + store]
                stored = int(item["title"].rsplit("v", 1)[1])
                assert version <= stored <= version + 1, (store, version, item["title"])
                assert item["price"] == f"{10 + stored}.00"
            # a repeat of an acknowledged event is still recognised after the crash
            store, version = next(iter(acked.items()))
            async with session.post(
                f"{restarted.url}/api/integrations/woocommerce/webhook/",
                json=update(store, version),
                headers=headers,
            ) as resp:
                again = await resp.json()
            assert again["status"] == "skipped" and again["original_status"] == "processed"
    finally:
        assert restarted.stop(signal.SIGTERM) == 0
    assert secret.encode() not in read_files(db)
