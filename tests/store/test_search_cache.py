"""The search cache (store/search_cache.py) on SQLite: a search read inside a transaction
leaves nothing behind for a rollback to make stale, and the cache stays within its
bounds (searches, ids per search, ids in all)."""

from __future__ import annotations

import pytest

from service import catalog
from store import catalog as catalog_sql
from store.catalog import ProductQuery
from store.search_cache import Matches, SearchCache

NOW = "2030-01-01T00:00:00Z"


@pytest.fixture
def backend() -> str:
    return "sqlite"  # PostgreSQL keeps no search cache


class Undo(Exception):
    pass


async def _zebras(db) -> list[int]:
    refs = await catalog_sql.list_refs(db, ProductQuery(now=NOW, search="zebra"))
    return [product_id for product_id, _ in refs.items]


async def test_a_search_inside_a_rolled_back_transaction_leaves_no_stale_matches(ctx):
    lamp = (await catalog.create_product(ctx, {"name": "Lamp"}))["id"]
    chair = (await catalog.create_product(ctx, {"name": "Chair"}))["id"]
    assert await _zebras(ctx.store) == []
    with pytest.raises(Undo):
        async with ctx.store.transaction() as tx:
            await catalog_sql.update(tx, lamp, {"name": "Zebra lamp"})
            assert await _zebras(tx) == [lamp]  # its own write, not yet committed
            raise Undo
    # The next write gets the search version the rolled-back one had, with other text.
    await catalog.update_product(ctx, chair, {"name": "Zebra chair"})
    assert await _zebras(ctx.store) == [chair]
    assert await _zebras(ctx.store) == [chair]
    async with ctx.store.transaction() as tx:
        await catalog_sql.update(tx, lamp, {"name": "Zebra lamp"})
        assert await _zebras(ctx.store) == [chair]  # committed data only
    assert await _zebras(ctx.store) == [chair, lamp]


def _matches(count: int) -> Matches:
    return Matches(1, "[" + ",".join(str(n) for n in range(count)) + "]", count)


def test_the_cache_keeps_the_most_recently_used_searches_within_its_bounds():
    cache = SearchCache(searches=2, most_ids=3)
    cache.put("a", _matches(1))
    cache.put("b", _matches(2))
    assert cache.get("a") == _matches(1)  # now the most recently used
    cache.put("c", _matches(3))
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (_matches(1), None, _matches(3))
    cache.put("a", _matches(4))  # too many ids to keep: the old entry goes too
    assert (cache.get("a"), len(cache)) == (None, 1)
    few = SearchCache(searches=9, most_ids=5, total_ids=6)
    for key, count in (("a", 2), ("b", 3), ("a", 1), ("c", 3)):  # 2 + 3, 3 + 1, 3 + 1 + 3
        few.put(key, _matches(count))
    assert [few.get(key) for key in "abc"] == [_matches(1), None, _matches(3)]
