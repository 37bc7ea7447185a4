-- The audit log (service/audit/): one row per state-changing action, on every face
-- (HTTP API, integration-token calls, console, SSH console, CLI), written by the
-- service layer in the same transaction as the change it describes.
-- Who acted is copied as it was at the time (no foreign keys: the record outlives
-- users and tokens). ``summary`` is JSON with secrets already removed.
-- Append-only: rows are never updated; only retention (store/audit.py prune) deletes.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    actor_kind     TEXT NOT NULL,          -- user | token | operator | system | anonymous
    actor_name     TEXT NOT NULL,          -- as shown: an email, "token …", "root (local)"
    actor_user_id  INTEGER,
    actor_email    TEXT,
    actor_token_id TEXT,
    face           TEXT NOT NULL,          -- api | wp | token | console | ssh | cli | system
    address        TEXT,                   -- client IP or SSH peer
    action         TEXT NOT NULL,          -- e.g. token.revoke, order.update
    target_type    TEXT NOT NULL,
    target_id      TEXT,
    summary        TEXT NOT NULL DEFAULT '{}',
    outcome        TEXT NOT NULL DEFAULT 'ok'
);

CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
