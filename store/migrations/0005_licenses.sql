-- Licenses for licensed products, their site activations and pending OAuth approvals.
-- No foreign key to products or orders: a license outlives a deleted product, and the
-- orders table belongs to another migration.
CREATE TABLE licenses (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused
    license_key       TEXT NOT NULL UNIQUE,
    product_id        INTEGER NOT NULL,
    variation_id      INTEGER NOT NULL DEFAULT 0,
    order_id          INTEGER,                      -- NULL: issued by hand
    order_line_id     INTEGER,
    order_unit        INTEGER,                      -- 0..quantity-1 within the order line
    customer_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    billing_email     TEXT NOT NULL DEFAULT '',     -- the order's, for guests and search
    status            TEXT NOT NULL DEFAULT 'inactive'
                      CHECK (status IN ('active', 'inactive', 'disabled', 'revoked')),
    activation_limit  INTEGER CHECK (activation_limit IS NULL OR activation_limit >= 1),
    expires_at        TEXT,                         -- NULL = lifetime
    valid_for_days    INTEGER,
    source            TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('order', 'manual', 'demo')),
    created_by        INTEGER,                      -- user id; 0 = the console; NULL = an order
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX licenses_order_unit ON licenses (order_id, order_line_id, order_unit)
    WHERE order_id IS NOT NULL;
CREATE INDEX licenses_customer ON licenses (customer_id);
CREATE INDEX licenses_product ON licenses (product_id);
CREATE INDEX licenses_created ON licenses (created_at, id);

-- One row per (license, domain): re-activating a domain reopens its row.
CREATE TABLE license_activations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    license_id      INTEGER NOT NULL REFERENCES licenses (id) ON DELETE CASCADE,
    domain          TEXT NOT NULL,                  -- normalised host
    raw_url         TEXT NOT NULL DEFAULT '',
    token_digest    TEXT NOT NULL UNIQUE,           -- sha256 of the activation token
    is_local        INTEGER NOT NULL DEFAULT 0,
    environment     TEXT NOT NULL DEFAULT 'production',
    label           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
    method          TEXT NOT NULL CHECK (method IN ('simple', 'oauth', 'console')),
    activated_by    INTEGER,                        -- who approved (oauth, console); NULL = key only
    ip              TEXT,
    user_agent      TEXT NOT NULL DEFAULT '',
    activated_at    TEXT NOT NULL,
    deactivated_at  TEXT,
    last_seen_at    TEXT
);
CREATE UNIQUE INDEX license_activations_domain ON license_activations (license_id, domain);
CREATE INDEX license_activations_live ON license_activations (license_id, status, is_local);

CREATE TABLE license_activation_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    state_hash      TEXT NOT NULL UNIQUE,           -- sha256 of the state
    license_id      INTEGER NOT NULL REFERENCES licenses (id) ON DELETE CASCADE,
    domain          TEXT NOT NULL,
    raw_url         TEXT NOT NULL DEFAULT '',
    is_local        INTEGER NOT NULL DEFAULT 0,
    environment     TEXT NOT NULL DEFAULT 'production',
    label           TEXT NOT NULL DEFAULT '',
    return_url      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
    ip              TEXT,
    user_agent      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT,
    confirmed_by    INTEGER,                        -- user id; 0 = the console
    activation_id   INTEGER REFERENCES license_activations (id) ON DELETE SET NULL
);
CREATE INDEX license_requests_pending ON license_activation_requests (status, expires_at);
