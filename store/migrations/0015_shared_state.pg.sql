-- PostgreSQL twin of 0015_shared_state.sql: the shared throttle counts, and the
-- notifications that tell every process's caches a user or an integration token
-- changed (store/notify.py listens; service/app/shared.py drops the entries).
-- NOTIFY is transactional: it is delivered when the writing transaction commits,
-- whichever code or process wrote.
CREATE TABLE throttle_counts (
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    bucket      BIGINT NOT NULL,
    count       BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (scope, key, bucket)
);
CREATE INDEX throttle_counts_expiry ON throttle_counts (expires_at);

CREATE FUNCTION shopkeep_notify_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify(TG_ARGV[0], OLD.id::text);
    ELSE
        PERFORM pg_notify(TG_ARGV[0], NEW.id::text);
    END IF;
    RETURN NULL;
END;
$$;

-- Every change of a user counts for authentication (role, activity, token version, email).
CREATE TRIGGER users_notify AFTER UPDATE OR DELETE ON users
FOR EACH ROW EXECUTE FUNCTION shopkeep_notify_id('shopkeep_users');

-- A token's use (usage_count, last_used_at, flushed often) does not change whether it
-- authenticates; everything else does.
CREATE TRIGGER integration_tokens_notify AFTER UPDATE ON integration_tokens
FOR EACH ROW
WHEN ((OLD.user_id, OLD.name, OLD.integration_type, OLD.digest, OLD.is_active, OLD.allowed_ips,
       OLD.expires_at, OLD.revoked_at)
      IS DISTINCT FROM
      (NEW.user_id, NEW.name, NEW.integration_type, NEW.digest, NEW.is_active, NEW.allowed_ips,
       NEW.expires_at, NEW.revoked_at))
EXECUTE FUNCTION shopkeep_notify_id('shopkeep_tokens');

CREATE TRIGGER integration_tokens_notify_delete AFTER DELETE ON integration_tokens
FOR EACH ROW EXECUTE FUNCTION shopkeep_notify_id('shopkeep_tokens');
