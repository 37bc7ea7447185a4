-- Orders (their items and notes), coupons and coupon uses. Money is integer minor units
-- at the store's currency precision (rescaled with it); timestamps are ISO-8601 UTC text.

CREATE TABLE coupons (
    id                           INTEGER PRIMARY KEY,
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
-- A code is unique among coupons outside the trash (WooCommerce looks codes up among those).
CREATE UNIQUE INDEX coupons_code ON coupons (code_key) WHERE status <> 'trash';
CREATE INDEX coupons_listing ON coupons (status, created_at);

CREATE TABLE orders (
    id                    INTEGER PRIMARY KEY,
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
CREATE INDEX orders_created ON orders (date_created, id);
CREATE INDEX orders_status ON orders (status, date_created);
CREATE INDEX orders_customer ON orders (customer_id, date_created);

-- WooCommerce's order items, one table for every kind. Columns a kind does not use stay 0/''.
--   line_item: name, sku, product_id, variation_id, quantity, tax_class, subtotal(_tax) before
--              discounts, total(_tax) after, taxes per rate
--   shipping:  name = method title, ref = rate id ("flat_rate:3"), total, total_tax, taxes
--   coupon:    name = code, ref = discount type, total = discount, total_tax = discount tax,
--              details {coupon_id}
--   tax:       name = label, ref = rate code, total = items tax, total_tax = shipping tax,
--              details {rate_id, compound, rate_percent}
CREATE TABLE order_items (
    id            INTEGER PRIMARY KEY,
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
CREATE INDEX order_items_order ON order_items (order_id, item_type, position);
CREATE INDEX order_items_product ON order_items (product_id, order_id) WHERE item_type = 'line_item';

CREATE TABLE order_notes (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    note           TEXT NOT NULL,
    customer_note  INTEGER NOT NULL DEFAULT 0,
    author         TEXT NOT NULL,              -- a display name, or 'system'
    added_by       INTEGER,                    -- user id; 0 = the console; NULL = the system
    date_created   TEXT NOT NULL
);
CREATE INDEX order_notes_order ON order_notes (order_id, id);

-- One row per order using a coupon while that order counts (not cancelled or failed):
-- usage_count, used_by and the per-customer limits are read from here.
CREATE TABLE coupon_uses (
    coupon_id  INTEGER NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- NULL = a guest
    email      TEXT NOT NULL DEFAULT '',                          -- billing email, lower case
    used_at    TEXT NOT NULL,
    PRIMARY KEY (coupon_id, order_id)
);
CREATE INDEX coupon_uses_order ON coupon_uses (order_id);
CREATE INDEX coupon_uses_user ON coupon_uses (coupon_id, user_id);
CREATE INDEX coupon_uses_email ON coupon_uses (coupon_id, email);
