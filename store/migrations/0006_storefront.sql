-- Storefront cart sessions. A cart is reached by the random session key carried in
-- its signed Cart-Token, or by its customer when they are logged in (one cart each).
-- Anonymous carts that nobody touched for the token's lifetime are purged.
CREATE TABLE carts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused
    session_key       TEXT NOT NULL UNIQUE,
    customer_id       INTEGER UNIQUE REFERENCES users (id) ON DELETE CASCADE,  -- NULL = anonymous
    shipping_address  TEXT NOT NULL DEFAULT '{}',   -- JSON, WooCommerce's address fields
    billing_address   TEXT NOT NULL DEFAULT '{}',
    shipping_rate_id  TEXT,                         -- "flat_rate:3"; NULL = the first offered
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX carts_updated ON carts (updated_at);

-- A line of a cart; key = md5 of product, variation and chosen attributes, so adding the
-- same thing again merges into the line.
CREATE TABLE cart_items (
    cart_id       INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    item_key      TEXT NOT NULL,
    product_id    INTEGER NOT NULL,
    variation_id  INTEGER NOT NULL DEFAULT 0,
    variation     TEXT NOT NULL DEFAULT '[]',       -- JSON [{attribute, value}]
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    added_at      TEXT NOT NULL,
    PRIMARY KEY (cart_id, item_key)
);

CREATE TABLE cart_coupons (
    cart_id     INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    code        TEXT NOT NULL,                      -- normalised (lower-case, trimmed)
    applied_at  TEXT NOT NULL,
    PRIMARY KEY (cart_id, code)
);
