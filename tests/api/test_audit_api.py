"""``GET /api/v1/audit/``: administrators read the log, paged and filtered."""

from __future__ import annotations

import pytest
from support import Account

from service.app.context import Context
from service.audit import log as audit
from service.audit.origin import Origin, Who, acting
from service.common.clock import FrozenClock

URL = "/api/v1/audit/"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()  # 2026-01-01T00:00:00Z


async def write(
    ctx: Context,
    action: str,
    target_type: str,
    target_id: object,
    *,
    face: str = "api",
    who: Who | None = None,
    summary: dict[str, object] | None = None,
) -> None:
    with acting(Origin(face, "192.0.2.1", who)):  # type: ignore[arg-type]
        async with ctx.store.transaction() as tx:
            await audit.record(ctx, tx, action, target_type, target_id, summary=summary)


async def seed(ctx: Context, admin: Account, manager: Account, clock: FrozenClock) -> None:
    start = clock.at
    admin_who = Who("user", admin.user.email, admin.user.id, admin.user.email)
    manager_who = Who("user", manager.user.email, manager.user.id, manager.user.email)
    await write(ctx, "order.update", "order", 12, who=admin_who, summary={"status": "completed"})
    clock.advance(days=1)
    await write(ctx, "order.refund", "order", 12, face="ssh", who=manager_who)
    clock.advance(days=1)
    await write(ctx, "product.create", "product", 7, face="console", who=admin_who)
    clock.at = start  # the accounts' access tokens stay valid


async def get(client, account: Account | None, expect: int, **query: object) -> dict:
    headers = account.auth if account else {}
    resp = await client.get(URL, params={k: str(v) for k, v in query.items()}, headers=headers)
    data = await resp.json()
    assert resp.status == expect, data
    return data


async def test_administrators_read_entries_newest_first(client, ctx, admin, manager, clock):
    await seed(ctx, admin, manager, clock)
    data = await get(client, admin, 200)
    assert data["count"] == 5 and data["next"] is None and data["previous"] is None
    # the fixtures' accounts were made first, and their creation is recorded too
    assert [(e["action"], e["target"]["id"]) for e in data["results"]] == [
        ("product.create", "7"),
        ("order.refund", "12"),
        ("order.update", "12"),
        ("user.create", str(manager.user.id)),
        ("user.create", str(admin.user.id)),
    ]
    made = data["results"][4]
    assert (made["actor"]["kind"], made["face"], made["address"]) == ("system", "system", None)
    assert made["summary"] == {
        "email": admin.user.email,
        "role": "administrator",
        "display_name": "Admin",
    }
    entry = data["results"][2]
    assert entry["actor"] == {
        "kind": "user",
        "name": admin.user.email,
        "user_id": admin.user.id,
        "email": admin.user.email,
        "token_id": None,
    }
    assert entry["face"] == "api" and entry["address"] == "192.0.2.1"
    assert entry["target"] == {"type": "order", "id": "12"}
    assert entry["summary"] == {"status": "completed"}
    assert (entry["at"], entry["outcome"]) == ("2026-01-01T00:00:00Z", "ok")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        (None, 401, "not_authenticated"),
        ("manager", 403, "permission_denied"),
        ("customer", 403, "permission_denied"),
    ],
)
async def test_only_administrators_may_read(client, manager, customer, who, status, code):
    account = {"manager": manager, "customer": customer}.get(who)
    data = await get(client, account, status)
    assert data["code"] == code and isinstance(data["detail"], str)
    assert set(data) == {"detail", "code"}


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ({"action": "order."}, ["order.refund", "order.update"]),
        ({"action": "order.refund"}, ["order.refund"]),
        ({"action": "order"}, []),
        ({"actor": "MANAGER@"}, ["order.refund"]),
        ({"face": "ssh"}, ["order.refund"]),
        ({"target_type": "order", "target_id": "12"}, ["order.refund", "order.update"]),
        ({"target_type": "product"}, ["product.create"]),
        ({"since": "2026-01-02"}, ["product.create", "order.refund"]),
        # the fixtures' accounts (recorded on the first day) are before this moment too
        ({"until": "2026-01-02T00:00:00Z"}, ["order.update", "user.create", "user.create"]),
        ({"until": "2026-01-02T00:00:00Z", "face": "api"}, ["order.update"]),
        ({"since": "2026-01-02T00:00:00+00:00", "until": "2026-01-02"}, ["order.refund"]),
    ],
)
async def test_filters(client, ctx, admin, manager, clock, query, actions):
    await seed(ctx, admin, manager, clock)
    data = await get(client, admin, 200, **query)
    assert [e["action"] for e in data["results"]] == actions
    assert data["count"] == len(actions)


async def test_filter_by_user_id(client, ctx, admin, manager, clock):
    await seed(ctx, admin, manager, clock)
    data = await get(client, admin, 200, actor=manager.user.id)
    assert [e["actor"]["email"] for e in data["results"]] == [manager.user.email]


async def test_pages(client, ctx, admin):
    for number in range(25):
        await write(ctx, "product.update", "product", number)
    first = await get(client, admin, 200, page_size=10)
    # 25 updates, then the admin fixture's own user.create: the oldest, on the last page
    assert first["count"] == 26 and first["previous"] is None
    assert [e["target"]["id"] for e in first["results"]] == [str(n) for n in range(24, 14, -1)]
    assert first["next"].endswith("/api/v1/audit/?page_size=10&page=2")
    last = await get(client, admin, 200, page_size=10, page=3)
    assert [(e["action"], e["target"]["id"]) for e in last["results"]] == [
        *(("product.update", str(n)) for n in range(4, -1, -1)),
        ("user.create", str(admin.user.id)),
    ]
    assert last["next"] is None and "page=2" in last["previous"]
    beyond = await get(client, admin, 404, page=4, page_size=10)
    assert beyond["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"since": "7d"}, "since"),  # relative ages are the console's and the CLI's
        ({"until": "2026-13-01"}, "until"),
        ({"face": "telnet"}, "face"),
        ({"actor": "x" * 300}, "actor"),
        ({"action": "order.\x1b[31m"}, "action"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
async def test_bad_filters_are_400_naming_the_field(client, admin, query, field):
    data = await get(client, admin, 400, **query)
    assert data["code"] == "invalid"
    assert list(data["errors"]) == [field]


async def test_bad_filters_are_reported_together(client, admin):
    data = await get(client, admin, 400, since="soon", until="later", face="x")
    assert set(data["errors"]) == {"since", "until", "face"}


async def test_listed_in_the_openapi_document(client):
    resp = await client.get("/openapi.json")
    document = await resp.json()
    assert "get" in document["paths"]["/api/v1/audit/"]
