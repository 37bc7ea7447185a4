"""Files beside the database: a PostgreSQL URL is not a path, so nothing is made from it."""

from __future__ import annotations

from service.common.config import Settings


def test_the_log_sits_beside_a_sqlite_file_and_in_the_working_folder_for_postgresql():
    assert Settings(db="/srv/shop/shopkeep.db").log_path == "/srv/shop/shopkeep.log"
    assert Settings(db="postgresql://shop@/shopkeep?host=/run/pg").log_path == "shopkeep.log"
    assert Settings(db=":memory:").log_path == "shopkeep.log"
