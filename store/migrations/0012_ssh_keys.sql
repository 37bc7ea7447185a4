-- SSH public keys that open the admin console over SSH (service/accounts/ssh_keys.py).
-- Only the public half is kept; the fingerprint is SHA256 as OpenSSH prints it
-- (``SHA256:`` + unpadded base64), and the SSH server looks keys up by it.
CREATE TABLE ssh_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    key_type     TEXT NOT NULL,           -- e.g. ssh-ed25519
    public_key   TEXT NOT NULL,           -- "type base64", as in authorized_keys
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    UNIQUE (user_id, fingerprint)
);
