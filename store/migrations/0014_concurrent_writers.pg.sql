-- Many writers on one database: ``seq`` (the insertion order of migration 0007) comes
-- from a sequence per table. Two transactions evaluating max(seq) + 1 at once would read
-- the same max and store the same number; nextval() never hands a number out twice,
-- whichever process or connection asks. store/pg.py rewrites next_seq's max(seq) + 1
-- into nextval('<table>_seq_order'). Each sequence starts after the rows already there
-- (a database copied from SQLite) and is OWNED BY its column, so pg_get_serial_sequence
-- finds it.
CREATE SEQUENCE integration_tokens_seq_order OWNED BY integration_tokens.seq;
SELECT setval('integration_tokens_seq_order', coalesce(max(seq), 0) + 1, false) FROM integration_tokens;
ALTER TABLE integration_tokens ALTER COLUMN seq SET DEFAULT nextval('integration_tokens_seq_order');

CREATE SEQUENCE sync_events_seq_order OWNED BY sync_events.seq;
SELECT setval('sync_events_seq_order', coalesce(max(seq), 0) + 1, false) FROM sync_events;
ALTER TABLE sync_events ALTER COLUMN seq SET DEFAULT nextval('sync_events_seq_order');

CREATE SEQUENCE knowledge_products_seq_order OWNED BY knowledge_products.seq;
SELECT setval('knowledge_products_seq_order', coalesce(max(seq), 0) + 1, false) FROM knowledge_products;
ALTER TABLE knowledge_products ALTER COLUMN seq SET DEFAULT nextval('knowledge_products_seq_order');

CREATE SEQUENCE cart_items_seq_order OWNED BY cart_items.seq;
SELECT setval('cart_items_seq_order', coalesce(max(seq), 0) + 1, false) FROM cart_items;
ALTER TABLE cart_items ALTER COLUMN seq SET DEFAULT nextval('cart_items_seq_order');

CREATE SEQUENCE cart_coupons_seq_order OWNED BY cart_coupons.seq;
SELECT setval('cart_coupons_seq_order', coalesce(max(seq), 0) + 1, false) FROM cart_coupons;
ALTER TABLE cart_coupons ALTER COLUMN seq SET DEFAULT nextval('cart_coupons_seq_order');
