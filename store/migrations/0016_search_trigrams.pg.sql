-- Substring searches on PostgreSQL: the searches (LIKE '%x%', ILIKE here) of products,
-- orders and customers use pg_trgm GIN indexes, one per searched column or expression,
-- each search a UNION of per-index lookups (store/catalog.py pg_search and its callers).
-- Skipped with a notice where pg_trgm is not installed or not permitted: the searches
-- then scan, as before, with the same answers.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        RAISE NOTICE 'pg_trgm is not available: searches will scan';
        RETURN;
    END IF;
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'pg_trgm may not be created by this role: searches will scan';
        RETURN;
    END;
    CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops);
    CREATE INDEX products_sku_trgm ON products USING gin (sku gin_trgm_ops);
    CREATE INDEX products_short_description_trgm ON products
        USING gin (short_description gin_trgm_ops);
    CREATE INDEX products_description_trgm ON products USING gin (description gin_trgm_ops);
    CREATE INDEX orders_billing_email_trgm ON orders USING gin (billing_email gin_trgm_ops);
    CREATE INDEX orders_transaction_id_trgm ON orders USING gin (transaction_id gin_trgm_ops);
    CREATE INDEX orders_billing_name_trgm ON orders USING gin (
        ((billing::jsonb ->> 'first_name') || ' ' || (billing::jsonb ->> 'last_name')) gin_trgm_ops);
    CREATE INDEX orders_shipping_name_trgm ON orders USING gin (
        ((shipping::jsonb ->> 'first_name') || ' ' || (shipping::jsonb ->> 'last_name')) gin_trgm_ops);
    CREATE INDEX orders_billing_phone_trgm ON orders USING gin (
        (billing::jsonb ->> 'phone') gin_trgm_ops);
    CREATE INDEX orders_billing_company_trgm ON orders USING gin (
        (billing::jsonb ->> 'company') gin_trgm_ops);
    CREATE INDEX order_items_name_trgm ON order_items USING gin (name gin_trgm_ops);
    CREATE INDEX order_items_sku_trgm ON order_items USING gin (sku gin_trgm_ops);
    CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);
    CREATE INDEX users_display_name_trgm ON users USING gin (display_name gin_trgm_ops);
    CREATE INDEX customer_profiles_username_trgm ON customer_profiles
        USING gin (username gin_trgm_ops);
    CREATE INDEX customer_profiles_first_name_trgm ON customer_profiles
        USING gin (first_name gin_trgm_ops);
    CREATE INDEX customer_profiles_last_name_trgm ON customer_profiles
        USING gin (last_name gin_trgm_ops);
    CREATE INDEX customer_profiles_full_name_trgm ON customer_profiles
        USING gin ((first_name || ' ' || last_name) gin_trgm_ops);
END
$$;
