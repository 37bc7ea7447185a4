-- migration: foreign_keys off
-- Ids are never reused (WordPress and WooCommerce never reuse one; clients cache by id).
-- Every table whose INTEGER PRIMARY KEY is an id a client sees gets AUTOINCREMENT, by
-- SQLite's table rebuild (https://sqlite.org/lang_altertable.html#otheralter): create
-- the new table, copy every row with its id, drop the old one, rename, recreate its
-- indexes. The first line makes store/migrations apply this file with foreign-key
-- enforcement off (dropping a parent with enforcement on would run ON DELETE CASCADE /
-- SET NULL on its children) and check PRAGMA foreign_key_check before it commits.
-- The definitions are those of 0001-0006 with AUTOINCREMENT added; INSERT ... SELECT *
-- fails loudly if a column was added since, rather than dropping it.
--
-- sqlite_sequence starts at the largest id in each table, or larger when a row elsewhere
-- still names a bigger one (an order line of a deleted product, a license of a deleted
-- order, a coupon's product list). An id deleted before this migration that is above
-- all of those left no trace and cannot be known: such ids may be handed out once more.

-- users
CREATE TABLE users_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL UNIQUE,            -- lower-cased email, for case-insensitive lookup
    display_name   TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL CHECK (role IN ('administrator', 'shop_manager', 'customer')),
    is_active      INTEGER NOT NULL DEFAULT 1,
    password_hash  TEXT NOT NULL,
    token_version  INTEGER NOT NULL DEFAULT 0,      -- bumped to revoke every refresh token
    created_at     TEXT NOT NULL
);
INSERT INTO users_new SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_display_name ON users (display_name COLLATE NOCASE);

-- media
CREATE TABLE media_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    src         TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    alt         TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
INSERT INTO media_new SELECT * FROM media;
DROP TABLE media;
ALTER TABLE media_new RENAME TO media;
CREATE INDEX media_src ON media (src);

-- terms
CREATE TABLE terms_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    taxonomy     TEXT NOT NULL CHECK (taxonomy IN ('product_cat', 'product_tag')),
    name         TEXT NOT NULL,
    slug         TEXT NOT NULL,
    parent_id    INTEGER REFERENCES terms (id),   -- categories only; NULL = top level
    description  TEXT NOT NULL DEFAULT '',
    display      TEXT NOT NULL DEFAULT 'default',
    image_id     INTEGER REFERENCES media (id) ON DELETE SET NULL,
    menu_order   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (taxonomy, slug)
);
INSERT INTO terms_new SELECT * FROM terms;
DROP TABLE terms;
ALTER TABLE terms_new RENAME TO terms;
CREATE INDEX terms_parent ON terms (parent_id);

-- attributes
CREATE TABLE attributes_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,            -- without the pa_ prefix
    type          TEXT NOT NULL DEFAULT 'select',
    order_by      TEXT NOT NULL DEFAULT 'menu_order',
    has_archives  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO attributes_new SELECT * FROM attributes;
DROP TABLE attributes;
ALTER TABLE attributes_new RENAME TO attributes;

-- attribute_terms
CREATE TABLE attribute_terms_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    attribute_id  INTEGER NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    menu_order    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (attribute_id, slug)
);
INSERT INTO attribute_terms_new SELECT * FROM attribute_terms;
DROP TABLE attribute_terms;
ALTER TABLE attribute_terms_new RENAME TO attribute_terms;

-- products
CREATE TABLE products_new (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id                  INTEGER REFERENCES products (id) ON DELETE CASCADE,
    type                       TEXT NOT NULL CHECK (type IN ('simple', 'variable', 'variation')),
    status                     TEXT NOT NULL
                               CHECK (status IN ('publish', 'draft', 'pending', 'private', 'trash')),
    name                       TEXT NOT NULL,
    slug                       TEXT,               -- NULL for variations
    sku                        TEXT NOT NULL DEFAULT '',
    description                TEXT NOT NULL DEFAULT '',
    short_description          TEXT NOT NULL DEFAULT '',
    featured                   INTEGER NOT NULL DEFAULT 0,
    catalog_visibility         TEXT NOT NULL DEFAULT 'visible',
    regular_price              INTEGER,            -- NULL = not set ("" in the API)
    sale_price                 INTEGER,
    sale_from                  TEXT,
    sale_to                    TEXT,
    virtual                    INTEGER NOT NULL DEFAULT 0,
    downloadable               INTEGER NOT NULL DEFAULT 0,
    downloads                  TEXT NOT NULL DEFAULT '[]',      -- JSON [{id, name, file}]
    download_limit             INTEGER NOT NULL DEFAULT -1,
    download_expiry            INTEGER NOT NULL DEFAULT -1,
    tax_status                 TEXT NOT NULL DEFAULT 'taxable',
    tax_class                  TEXT NOT NULL DEFAULT '',
    manage_stock               INTEGER NOT NULL DEFAULT 0,
    stock_quantity             INTEGER,
    backorders                 TEXT NOT NULL DEFAULT 'no',
    stock_status               TEXT NOT NULL DEFAULT 'instock',
    sold_individually          INTEGER NOT NULL DEFAULT 0,
    weight                     TEXT NOT NULL DEFAULT '',
    dimensions                 TEXT NOT NULL DEFAULT '{}',      -- JSON {length, width, height}
    menu_order                 INTEGER NOT NULL DEFAULT 0,
    total_sales                INTEGER NOT NULL DEFAULT 0,
    image_ids                  TEXT NOT NULL DEFAULT '[]',      -- JSON media ids, first = featured
    attributes                 TEXT NOT NULL DEFAULT '[]',      -- JSON; variations: [{id, name, option}]
    default_attributes         TEXT NOT NULL DEFAULT '[]',
    licensing_enabled          INTEGER NOT NULL DEFAULT 0,
    license_activation_method  TEXT NOT NULL DEFAULT 'simple',
    license_activation_limit   INTEGER,            -- NULL = unlimited
    license_validity_days      INTEGER,            -- NULL = lifetime
    created_at                 TEXT NOT NULL,
    modified_at                TEXT NOT NULL
);
INSERT INTO products_new SELECT * FROM products;
DROP TABLE products;
ALTER TABLE products_new RENAME TO products;
CREATE UNIQUE INDEX products_slug ON products (slug) WHERE slug IS NOT NULL;
CREATE UNIQUE INDEX products_sku ON products (lower(sku)) WHERE sku <> '' AND status <> 'trash';
CREATE INDEX products_parent ON products (parent_id);
CREATE INDEX products_listing ON products (type, status, created_at);

-- coupons
CREATE TABLE coupons_new (
    id                           INTEGER PRIMARY KEY AUTOINCREMENT,
    code                         TEXT NOT NULL,               -- as entered, trimmed
    code_key                     TEXT NOT NULL,               -- normalised: entities decoded, lower case
    status                       TEXT NOT NULL DEFAULT 'publish' CHECK (status IN ('publish', 'trash')),
    discount_type                TEXT NOT NULL
                                 CHECK (discount_type IN ('percent', 'fixed_cart', 'fixed_product')),
    amount                       INTEGER NOT NULL DEFAULT 0,  -- minor units; percent: hundredths of a percent
    description                  TEXT NOT NULL DEFAULT '',
    date_expires                 TEXT,
    usage_limit                  INTEGER,                     -- NULL = unlimited
    usage_limit_per_user         INTEGER,
    limit_usage_to_x_items       INTEGER,
    individual_use               INTEGER NOT NULL DEFAULT 0,
    product_ids                  TEXT NOT NULL DEFAULT '[]',  -- JSON lists of ids
    excluded_product_ids         TEXT NOT NULL DEFAULT '[]',
    product_categories           TEXT NOT NULL DEFAULT '[]',
    excluded_product_categories  TEXT NOT NULL DEFAULT '[]',
    exclude_sale_items           INTEGER NOT NULL DEFAULT 0,
    minimum_amount               INTEGER,                     -- NULL = no minimum
    maximum_amount               INTEGER,
    free_shipping                INTEGER NOT NULL DEFAULT 0,
    email_restrictions           TEXT NOT NULL DEFAULT '[]',  -- JSON list, '*' wildcards
    created_at                   TEXT NOT NULL,
    modified_at                  TEXT NOT NULL
);
INSERT INTO coupons_new SELECT * FROM coupons;
DROP TABLE coupons;
ALTER TABLE coupons_new RENAME TO coupons;
CREATE UNIQUE INDEX coupons_code ON coupons (code_key) WHERE status <> 'trash';
CREATE INDEX coupons_listing ON coupons (status, created_at);

-- orders
CREATE TABLE orders_new (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    order_key             TEXT NOT NULL UNIQUE,
    status                TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'on-hold',
                          'completed', 'cancelled', 'refunded', 'failed', 'trash')),
    created_via           TEXT NOT NULL DEFAULT 'rest-api',
    currency              TEXT NOT NULL,
    prices_include_tax    INTEGER NOT NULL DEFAULT 0,
    customer_id           INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- NULL = guest
    billing               TEXT NOT NULL DEFAULT '{}',  -- JSON, WooCommerce address fields
    shipping              TEXT NOT NULL DEFAULT '{}',
    billing_email         TEXT NOT NULL DEFAULT '',    -- lower case: guests' coupon limits, search
    payment_method        TEXT NOT NULL DEFAULT '',
    payment_method_title  TEXT NOT NULL DEFAULT '',
    transaction_id        TEXT NOT NULL DEFAULT '',
    customer_note         TEXT NOT NULL DEFAULT '',
    shipping_choice       TEXT,                        -- "flat_rate:3" or "flat_rate"; NULL = first offered
    discount_total        INTEGER NOT NULL DEFAULT 0,
    discount_tax          INTEGER NOT NULL DEFAULT 0,
    shipping_total        INTEGER NOT NULL DEFAULT 0,
    shipping_tax          INTEGER NOT NULL DEFAULT 0,
    cart_tax              INTEGER NOT NULL DEFAULT 0,
    total_tax             INTEGER NOT NULL DEFAULT 0,
    total                 INTEGER NOT NULL DEFAULT 0,
    stock_reduced         INTEGER NOT NULL DEFAULT 0,  -- stock taken and sales counted, until undone
    date_created          TEXT NOT NULL,
    date_modified         TEXT NOT NULL,
    date_paid             TEXT,
    date_completed        TEXT
);
INSERT INTO orders_new SELECT * FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_created ON orders (date_created, id);
CREATE INDEX orders_status ON orders (status, date_created);
CREATE INDEX orders_customer ON orders (customer_id, date_created);

-- order_items
CREATE TABLE order_items_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    item_type     TEXT NOT NULL CHECK (item_type IN ('line_item', 'shipping', 'coupon', 'tax')),
    position      INTEGER NOT NULL DEFAULT 0,
    name          TEXT NOT NULL DEFAULT '',
    ref           TEXT NOT NULL DEFAULT '',
    sku           TEXT NOT NULL DEFAULT '',
    product_id    INTEGER NOT NULL DEFAULT 0,
    variation_id  INTEGER NOT NULL DEFAULT 0,
    quantity      INTEGER NOT NULL DEFAULT 0,
    tax_class     TEXT NOT NULL DEFAULT '',
    subtotal      INTEGER NOT NULL DEFAULT 0,
    subtotal_tax  INTEGER NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    total_tax     INTEGER NOT NULL DEFAULT 0,
    taxes         TEXT NOT NULL DEFAULT '[]',  -- JSON [[rate id, subtotal tax, total tax], ...]
    details       TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO order_items_new SELECT * FROM order_items;
DROP TABLE order_items;
ALTER TABLE order_items_new RENAME TO order_items;
CREATE INDEX order_items_order ON order_items (order_id, item_type, position);
CREATE INDEX order_items_product ON order_items (product_id, order_id) WHERE item_type = 'line_item';

-- order_notes
CREATE TABLE order_notes_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id       INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    note           TEXT NOT NULL,
    customer_note  INTEGER NOT NULL DEFAULT 0,
    author         TEXT NOT NULL,              -- a display name, or 'system'
    added_by       INTEGER,                    -- user id; 0 = the console; NULL = the system
    date_created   TEXT NOT NULL
);
INSERT INTO order_notes_new SELECT * FROM order_notes;
DROP TABLE order_notes;
ALTER TABLE order_notes_new RENAME TO order_notes;
CREATE INDEX order_notes_order ON order_notes (order_id, id);

-- sqlite_sequence: the inserts above set it to each table's largest id; raise it to the
-- largest id still named elsewhere. (Integers only: a JSON list may hold anything.)
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'users', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users');
UPDATE sqlite_sequence SET seq = max(seq, (
    SELECT coalesce(max(ref), 0) FROM (
        SELECT added_by AS ref FROM order_notes
        UNION ALL SELECT created_by FROM licenses
        UNION ALL SELECT customer_id FROM licenses
        UNION ALL SELECT activated_by FROM license_activations
        UNION ALL SELECT confirmed_by FROM license_activation_requests
    ) WHERE typeof(ref) = 'integer'
)) WHERE name = 'users';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'media', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'media');
UPDATE sqlite_sequence SET seq = max(seq, (
    SELECT coalesce(max(ref), 0) FROM (
        SELECT value AS ref FROM products, json_each(CASE WHEN json_valid(image_ids) THEN image_ids ELSE '[]' END)
    ) WHERE typeof(ref) = 'integer'
)) WHERE name = 'media';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'terms', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'terms');
UPDATE sqlite_sequence SET seq = max(seq, (
    SELECT coalesce(max(ref), 0) FROM (
        SELECT value AS ref FROM coupons, json_each(CASE WHEN json_valid(product_categories) THEN product_categories ELSE '[]' END)
        UNION ALL SELECT value FROM coupons, json_each(CASE WHEN json_valid(excluded_product_categories) THEN excluded_product_categories ELSE '[]' END)
    ) WHERE typeof(ref) = 'integer'
)) WHERE name = 'terms';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'attributes', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'attributes');
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'attribute_terms', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'attribute_terms');
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'products', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'products');
UPDATE sqlite_sequence SET seq = max(seq, (
    SELECT coalesce(max(ref), 0) FROM (
        SELECT product_id AS ref FROM order_items
        UNION ALL SELECT variation_id FROM order_items
        UNION ALL SELECT product_id FROM licenses
        UNION ALL SELECT variation_id FROM licenses
        UNION ALL SELECT product_id FROM cart_items
        UNION ALL SELECT variation_id FROM cart_items
        UNION ALL SELECT value FROM coupons, json_each(CASE WHEN json_valid(product_ids) THEN product_ids ELSE '[]' END)
        UNION ALL SELECT value FROM coupons, json_each(CASE WHEN json_valid(excluded_product_ids) THEN excluded_product_ids ELSE '[]' END)
    ) WHERE typeof(ref) = 'integer'
)) WHERE name = 'products';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'coupons', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'coupons');
UPDATE sqlite_sequence SET seq = max(seq, (
    SELECT coalesce(max(ref), 0) FROM (
        SELECT json_extract(details, '$.coupon_id') AS ref FROM order_items WHERE item_type = 'coupon' AND json_valid(details)
    ) WHERE typeof(ref) = 'integer'
)) WHERE name = 'coupons';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'orders', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'orders');
UPDATE sqlite_sequence SET seq = max(seq, (
    SELECT coalesce(max(ref), 0) FROM (
        SELECT order_id AS ref FROM licenses
    ) WHERE typeof(ref) = 'integer'
)) WHERE name = 'orders';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'order_items', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'order_items');
UPDATE sqlite_sequence SET seq = max(seq, (
    SELECT coalesce(max(ref), 0) FROM (
        SELECT order_line_id AS ref FROM licenses
    ) WHERE typeof(ref) = 'integer'
)) WHERE name = 'order_items';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'order_notes', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'order_notes');
