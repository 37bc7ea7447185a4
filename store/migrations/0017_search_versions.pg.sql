-- PostgreSQL twin of 0017_search_versions.sql: the same meta rows, so `run.py db copy`
-- finds the same keys on both backends. Nothing bumps them here: PostgreSQL's searches
-- are pg_trgm index lookups (migration 0016), fast enough without the search cache,
-- which only a SQLite store keeps.
INSERT INTO meta (key, value) VALUES ('products_search_version', '0') ON CONFLICT (key) DO NOTHING;
INSERT INTO meta (key, value) VALUES ('orders_search_version', '0') ON CONFLICT (key) DO NOTHING;
