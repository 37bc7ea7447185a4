"""SQL for the shop settings: one JSON object per group."""

from __future__ import annotations

import json
from typing import Any

from store.db import Store, Tx


async def load_groups(db: Store | Tx) -> dict[str, dict[str, Any]]:
    rows = await db.fetchall("SELECT group_id, value FROM shop_settings")
    return {row["group_id"]: json.loads(row["value"]) for row in rows}


async def save_group(tx: Tx, group_id: str, value: dict[str, Any], when: str) -> None:
    await tx.execute(
        "INSERT INTO shop_settings (group_id, value, modified_at) VALUES (?, ?, ?) "
        "ON CONFLICT (group_id) DO UPDATE SET value = excluded.value, "
        "modified_at = excluded.modified_at",
        (group_id, json.dumps(value, ensure_ascii=False), when),
    )


async def any_saved(db: Store | Tx) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM shop_settings)"))
