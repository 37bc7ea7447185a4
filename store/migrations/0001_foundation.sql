-- Installation-wide values (signing secrets, demo marker).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL UNIQUE,            -- lower-cased email, for case-insensitive lookup
    display_name   TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL CHECK (role IN ('administrator', 'shop_manager', 'customer')),
    is_active      INTEGER NOT NULL DEFAULT 1,
    password_hash  TEXT NOT NULL,
    token_version  INTEGER NOT NULL DEFAULT 0,      -- bumped to revoke every refresh token
    created_at     TEXT NOT NULL
);
CREATE INDEX users_display_name ON users (display_name COLLATE NOCASE);

CREATE TABLE app_passwords (
    uuid          TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    digest        TEXT NOT NULL UNIQUE,             -- sha256 of the normalised password
    created_at    TEXT NOT NULL,
    last_used_at  TEXT
);
CREATE INDEX app_passwords_user ON app_passwords (user_id);
