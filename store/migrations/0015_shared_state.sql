-- Counts of throttles and rate limits shared by every process of a deployment
-- (store/throttle.py): per scope and key, one row per time bucket. Only PostgreSQL
-- deployments count here (one SQLite process keeps its counts in memory); the table
-- exists on both so `db copy` finds the same tables.
CREATE TABLE throttle_counts (
    scope       TEXT NOT NULL,      -- e.g. guess.pair, token.ip, license.key
    key         TEXT NOT NULL,      -- JSON of the scope's parts
    bucket      INTEGER NOT NULL,   -- floor(epoch seconds / the scope's bucket length)
    count       INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,   -- epoch seconds after which the bucket no longer counts
    PRIMARY KEY (scope, key, bucket)
);
CREATE INDEX throttle_counts_expiry ON throttle_counts (expires_at);
