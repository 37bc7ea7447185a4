-- WooCommerce REST API keys (ck_/cs_), as woocommerce_api_keys. The consumer key is kept
-- only as wc_api_hash(ck) (HMAC-SHA256 keyed 'wc-api', WooCommerce's own column); the
-- consumer secret is needed to check OAuth 1.0a signatures, so it is kept encrypted
-- (AES-256-GCM) under a key that is not in this database (shopkeep.db.key or
-- SHOPKEEP_SECRET_KEY).
CREATE TABLE api_keys (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    description       TEXT NOT NULL,
    permissions       TEXT NOT NULL CHECK (permissions IN ('read', 'write', 'read_write')),
    consumer_key      TEXT NOT NULL UNIQUE,            -- wc_api_hash(ck_...), hex
    secret_box        BLOB NOT NULL,                   -- nonce || AES-GCM(cs_...), bound to consumer_key
    truncated_key     TEXT NOT NULL,                   -- the last 7 characters of ck_..., for display
    last_access       TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX api_keys_owner ON api_keys (user_id, id);
