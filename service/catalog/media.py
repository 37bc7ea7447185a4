"""Images of products and categories: a tiny media library, as WordPress attachments.

An image given by ``src`` becomes a media item (one per URL, reused); an image
given by ``id`` must already exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from service.catalog.rules import wc_date
from service.common.validation import MISSING, Payload
from store import catalog as catalog_sql
from store.db import Store, Tx


def read_image(p: Payload) -> dict[str, Any] | None:
    """The parts of an image reference; problems are recorded on ``p``."""
    ref = {
        "id": p.integer("id", minimum=0),
        "src": p.url("src"),
        "name": p.text("name", max_length=200),
        "alt": p.text("alt", max_length=200),
    }
    if ref["id"] in (MISSING, 0) and ref["src"] in (MISSING, ""):
        if "id" not in p.problems and "src" not in p.problems:
            p.fail("src", f"{p.name('src')}: give an image id or src.")
        return None
    return ref


async def resolve_images(tx: Tx, refs: list[dict[str, Any]], when: str) -> list[int] | str:
    """Media ids for ``refs``, creating media for new URLs; an error text for a bad id."""
    ids: list[int] = []
    for ref in refs:
        name = ref["name"] if ref["name"] is not MISSING else None
        alt = ref["alt"] if ref["alt"] is not MISSING else None
        if ref["id"] not in (MISSING, 0):
            if not await catalog_sql.media_by_ids(tx, [ref["id"]]):
                return f"There is no image {ref['id']}."
            media_id = ref["id"]
        else:
            media_id = await catalog_sql.media_id_by_src(tx, ref["src"])
        if media_id is None:
            media_id = await catalog_sql.insert_media(
                tx, ref["src"], name or _file_name(ref["src"]), alt or "", when
            )
        else:
            await catalog_sql.update_media(tx, media_id, name, alt)
        ids.append(media_id)
    return ids


def _file_name(src: str) -> str:
    return PurePosixPath(urlparse(src).path).stem or "image"


async def media_map(db: Store | Tx, media_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = await catalog_sql.media_by_ids(db, set(media_ids))
    return {row["id"]: image_dict(row) for row in rows}


def image_dict(row: Any) -> dict[str, Any]:
    created = wc_date(row["created_at"])
    return {
        "id": row["id"],
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": created,
        "date_modified_gmt": created,
        "src": row["src"],
        "name": row["name"],
        "alt": row["alt"],
    }
