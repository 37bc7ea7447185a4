-- Catalog (products, their variations, categories, tags, global attributes, images),
-- customer profiles and the shop settings. Money is integer minor units at the
-- store's currency precision; timestamps are ISO-8601 UTC text.

CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    src         TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    alt         TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX media_src ON media (src);

-- Product categories and tags share one id space, as WordPress terms do.
CREATE TABLE terms (
    id           INTEGER PRIMARY KEY,
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
CREATE INDEX terms_parent ON terms (parent_id);

-- Global attributes (WooCommerce's pa_* taxonomies) and their terms.
CREATE TABLE attributes (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,            -- without the pa_ prefix
    type          TEXT NOT NULL DEFAULT 'select',
    order_by      TEXT NOT NULL DEFAULT 'menu_order',
    has_archives  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE attribute_terms (
    id            INTEGER PRIMARY KEY,
    attribute_id  INTEGER NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    menu_order    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (attribute_id, slug)
);

-- Products and their variations (type 'variation', parent_id = the variable product):
-- one id space, as WooCommerce's posts, so order lines can name either.
CREATE TABLE products (
    id                         INTEGER PRIMARY KEY,
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
CREATE UNIQUE INDEX products_slug ON products (slug) WHERE slug IS NOT NULL;
-- A SKU is unique among products and variations that are not in the trash.
CREATE UNIQUE INDEX products_sku ON products (lower(sku)) WHERE sku <> '' AND status <> 'trash';
CREATE INDEX products_parent ON products (parent_id);
CREATE INDEX products_listing ON products (type, status, created_at);

CREATE TABLE product_terms (
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    term_id     INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, term_id)
);
CREATE INDEX product_terms_term ON product_terms (term_id);

-- A customer is a users row with the customer role; this holds the rest of the profile.
CREATE TABLE customer_profiles (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL UNIQUE,            -- lower-cased username
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    billing       TEXT NOT NULL DEFAULT '{}',      -- JSON, WooCommerce address fields
    shipping      TEXT NOT NULL DEFAULT '{}',
    modified_at   TEXT NOT NULL
);

-- Shop settings, one JSON object per group (store, tax, shipping, payments).
CREATE TABLE shop_settings (
    group_id     TEXT PRIMARY KEY,
    value        TEXT NOT NULL,
    modified_at  TEXT NOT NULL
);
