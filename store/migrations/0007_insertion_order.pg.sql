-- PostgreSQL twin of 0007_insertion_order.sql: the same columns and indexes. A
-- PostgreSQL database is created by this sequence from 0001, so the tables are empty
-- here and there is no rowid to copy.
-- An explicit insertion order for the lists that show rows created in the same second:
-- integration tokens, sync events, knowledge products, cart items and cart coupons.
-- ``seq`` replaces SQLite's rowid as the tie-breaker (a rowid is not portable, and
-- VACUUM may renumber it in a table without an INTEGER PRIMARY KEY). Each INSERT sets
-- it to one more than the table's largest (store/db.py next_seq); an upsert that
-- updates an existing row keeps its seq, as it kept its rowid. Existing rows take
-- their rowid, so every list keeps its order. The (seq) indexes make that max cheap;
-- the listing indexes end in seq so each list is read in index order.
ALTER TABLE integration_tokens ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX integration_tokens_seq ON integration_tokens (seq);
DROP INDEX integration_tokens_owner;
CREATE INDEX integration_tokens_owner ON integration_tokens (user_id, created_at, seq);

ALTER TABLE sync_events ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sync_events_seq ON sync_events (seq);
DROP INDEX sync_events_owner;
CREATE INDEX sync_events_owner ON sync_events (user_id, created_at, seq);
DROP INDEX sync_events_token;
CREATE INDEX sync_events_token ON sync_events (token_id, created_at, seq);

ALTER TABLE knowledge_products ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX knowledge_products_seq ON knowledge_products (seq);
DROP INDEX knowledge_products_listing;
CREATE INDEX knowledge_products_listing ON knowledge_products (user_id, is_active, created_at, seq);

ALTER TABLE cart_items ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX cart_items_seq ON cart_items (seq);
CREATE INDEX cart_items_listing ON cart_items (cart_id, added_at, seq);

ALTER TABLE cart_coupons ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX cart_coupons_seq ON cart_coupons (seq);
CREATE INDEX cart_coupons_listing ON cart_coupons (cart_id, applied_at, seq);
