-- PostgreSQL twin of 0002_integration_tokens.sql: the same tables; ids are identity columns (never
-- reused, as SQLite's AUTOINCREMENT), integers 64-bit as SQLite's.
-- Integration tokens: only the SHA-256 digest of a secret is kept; the secret is shown once.
CREATE TABLE integration_tokens (
    id                TEXT PRIMARY KEY,                -- uuid4
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    integration_type  TEXT NOT NULL CHECK (integration_type IN ('woocommerce', 'shopify', 'custom')),
    digest            TEXT NOT NULL UNIQUE,            -- sha256 hex of the secret, the lookup key
    token_preview     TEXT NOT NULL,                   -- first 5 characters ... last 6
    is_active         BIGINT NOT NULL DEFAULT 1,
    allowed_ips       TEXT NOT NULL DEFAULT '[]',      -- JSON list of IPs and CIDR ranges; [] = any
    usage_count       BIGINT NOT NULL DEFAULT 0,
    last_used_at      TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    expires_at        TEXT,                            -- NULL = never
    rotated_at        TEXT,
    revoked_at        TEXT                             -- set once, for good
);
CREATE INDEX integration_tokens_owner ON integration_tokens (user_id, created_at);

-- Products synced from a store (WooCommerce today), the AI knowledge base's catalogue.
-- Money in hundredths of the currency unit (two decimal places, as the reference's
-- DecimalField); timestamps ISO UTC text.
CREATE TABLE knowledge_products (
    id                  TEXT PRIMARY KEY,              -- uuid4
    user_id             BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    external_source     TEXT NOT NULL,                 -- woocommerce, shopify, manual
    external_id         TEXT NOT NULL,                 -- "woo_<id>" for WooCommerce
    source_product_id   BIGINT,                       -- the store's own product id
    token_id            TEXT REFERENCES integration_tokens (id) ON DELETE SET NULL,
    sku                 TEXT NOT NULL DEFAULT '',
    title               TEXT NOT NULL,
    short_description   TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    price               BIGINT,                       -- effective price (the sale price during a sale)
    regular_price       BIGINT,
    sale_price          BIGINT,
    discount_amount     BIGINT NOT NULL DEFAULT 0,
    currency            TEXT NOT NULL,
    stock_quantity      BIGINT,
    stock_status        TEXT NOT NULL,
    in_stock            BIGINT NOT NULL,
    categories          TEXT NOT NULL DEFAULT '[]',    -- JSON list as sent
    category_keys       TEXT NOT NULL DEFAULT '[]',    -- JSON list, case-folded, for filtering
    tags                TEXT NOT NULL DEFAULT '[]',
    image               TEXT,
    gallery             TEXT NOT NULL DEFAULT '[]',
    permalink           TEXT,
    product_type        TEXT NOT NULL DEFAULT 'simple',
    on_sale             BIGINT NOT NULL DEFAULT 0,
    date_modified       TEXT,                          -- the store's modification time (ordering guard)
    content_hash        TEXT NOT NULL,                 -- text the knowledge base embeds
    content_updated_at  TEXT NOT NULL,                 -- moves only when that text changes
    search_text         TEXT NOT NULL,                 -- case-folded title, descriptions, terms, SKU
    title_key           TEXT NOT NULL,                 -- case-folded title, for ordering
    is_active           BIGINT NOT NULL DEFAULT 1,
    deleted_at          TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (user_id, external_source, external_id)
);
CREATE INDEX knowledge_products_listing ON knowledge_products (user_id, is_active, created_at);

-- One row per (owner, event_id): the UNIQUE constraint is the idempotency key.
CREATE TABLE sync_events (
    id                  TEXT PRIMARY KEY,              -- uuid4
    user_id             BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_id            TEXT REFERENCES integration_tokens (id) ON DELETE SET NULL,
    event_id            TEXT NOT NULL,
    event_type          TEXT NOT NULL,
    source_product_id   BIGINT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('processed', 'skipped', 'stale', 'failed')),
    action              TEXT,                          -- created, updated, deleted; NULL when nothing changed
    product_id          TEXT,                          -- knowledge_products.id
    error_message       TEXT,
    attempts            BIGINT NOT NULL DEFAULT 1,
    duplicates          BIGINT NOT NULL DEFAULT 0,    -- repeats answered with the first outcome
    payload             TEXT NOT NULL,                 -- the validated event, as JSON
    source_ip           TEXT,
    user_agent          TEXT,
    processing_time_ms  DOUBLE PRECISION,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (user_id, event_id)
);
CREATE INDEX sync_events_owner ON sync_events (user_id, created_at);
CREATE INDEX sync_events_token ON sync_events (token_id, created_at);
