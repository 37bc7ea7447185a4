"""Searches' matched ids, reused while the text they searched cannot have changed.

A search through the trigram indexes (SQLite, migration 0010) costs what the posting
lists of its trigrams hold, which grows with the shop; the same search is asked again
and again (the pages of one search, a dashboard refetching its list, a shop's popular
searches). So a SQLite store keeps, per search (its FTS5 match expressions), the ids it
matched and the search version they were read at: the meta rows migration 0017 bumps
in the transaction of every write that changes the indexed text.

A search reads its cached ids (``json_each(:search_ids)``) and the current version in
the same statement as its page: the same snapshot. A page read at another version is
thrown away and the ids read again from the index, so nothing acknowledged is ever
missed. Ids are only read into the cache by the store's reader (committed data), never
inside a transaction, whose uncommitted version a rollback would hand out again.
PostgreSQL keeps no cache (``Store.search_cache`` is None): its pg_trgm lookups do not
grow that way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from store.base import Store, Tx

R = TypeVar("R")

SEARCHES = 256  # searches kept, the least recently used dropped first
MOST_IDS = 50_000  # a search matching more is not kept (its ids would cost more to pass)
TOTAL_IDS = 1_000_000  # ids kept in all (a few MB of JSON text), the oldest dropped first
FILLS = 3  # reads of the ids per request before giving up on the cache (heavy writing)


@dataclass(frozen=True)
class Matches:
    """The ids a search matched, as the JSON array ``json_each`` reads (ascending), how
    many, and the search version they were read at."""

    version: int
    ids: str
    count: int


class SearchCache:
    """The matched ids of the most recently used searches (a bounded LRU)."""

    def __init__(
        self, searches: int = SEARCHES, most_ids: int = MOST_IDS, total_ids: int = TOTAL_IDS
    ) -> None:
        self._searches = searches
        self._most_ids = most_ids
        self._total_ids = total_ids
        self._kept: OrderedDict[Hashable, Matches] = OrderedDict()
        self._ids = 0  # ids kept in all
        self.served = 0  # pages answered from kept ids (a hit)
        self.filled = 0  # reads of a search's ids from the index (a miss)

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable) -> Matches | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: Hashable, matches: Matches) -> None:
        old = self._kept.pop(key, None)
        self._ids -= old.count if old is not None else 0
        if matches.count > self._most_ids:
            return
        self._kept[key] = matches
        self._ids += matches.count
        while len(self._kept) > self._searches or self._ids > self._total_ids:
            self._ids -= self._kept.popitem(last=False)[1].count

    def clear(self) -> None:
        self._kept.clear()
        self._ids = 0


def cache_of(db: Store | Tx) -> SearchCache | None:
    """The store's cache, for a read outside a transaction; None inside one (it may see
    uncommitted rows) and on a store that keeps none (PostgreSQL)."""
    return db.search_cache if isinstance(db, Store) else None


def filling_sql(version: str, matched_ids: str) -> str:
    """The statement reading a search's ids (``matched_ids``: a query of one column,
    ``id``) and the current ``version`` (a scalar query) in one snapshot: one row of
    (version, the ids as a JSON array, how many)."""
    return (
        f"SELECT {version} AS version, json_group_array(id) AS ids, COUNT(*) AS matched"
        f" FROM ({matched_ids} ORDER BY id)"
    )


async def through_cache(
    db: Store | Tx,
    key: Hashable,
    fill: tuple[str, dict[str, Any]],
    page: Callable[[Matches], Awaitable[R | None]],
) -> R | None:
    """``page(matches)`` with the search's kept ids, or with ids read afresh by ``fill``
    (``filling_sql``'s statement and its parameters) and kept. ``page`` returns None
    when the version its statement read is not ``matches.version``: the ids are read
    again. None when ``db`` keeps no cache, the version is missing, or writes kept
    moving it: the caller searches through the index as without a cache."""
    cache = cache_of(db)
    if cache is None:
        return None
    kept = cache.get(key)
    if kept is not None:
        answer = await page(kept)
        if answer is not None:
            cache.served += 1
            return answer
    sql, params = fill
    for _ in range(FILLS):
        row = await db.fetchrow(sql, params)
        if row["version"] is None:  # the meta row is gone: search without the cache
            return None
        fresh = Matches(int(row["version"]), str(row["ids"]), int(row["matched"]))
        cache.filled += 1
        cache.put(key, fresh)
        answer = await page(fresh)
        if answer is not None:
            return answer
    return None
