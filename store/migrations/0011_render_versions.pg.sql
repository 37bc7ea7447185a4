-- PostgreSQL twin of 0011_render_versions.sql: the same render versions, bumped by
-- plpgsql triggers in the writer's own transaction (see that file for what bumps what).

ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

INSERT INTO meta (key, value) VALUES ('settings_version', '0') ON CONFLICT (key) DO NOTHING;

CREATE FUNCTION bump_product_versions(ids BIGINT[]) RETURNS void LANGUAGE sql AS $$
    UPDATE products SET version = version + 1 WHERE id = ANY (ids)
$$;

-- A write that leaves version alone bumps the row and its parent; the trigger's own
-- UPDATE changes version, so it does not fire again.
CREATE FUNCTION products_render_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_product_versions(ARRAY[NEW.id, NEW.parent_id, OLD.parent_id]);
    RETURN NULL;
END $$;
CREATE TRIGGER products_render_version AFTER UPDATE ON products
    FOR EACH ROW WHEN (NEW.version = OLD.version)
    EXECUTE FUNCTION products_render_version();

CREATE FUNCTION products_render_version_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_product_versions(ARRAY[NEW.parent_id]);
    RETURN NULL;
END $$;
CREATE TRIGGER products_render_version_insert AFTER INSERT ON products
    FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL)
    EXECUTE FUNCTION products_render_version_insert();

CREATE FUNCTION products_render_version_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_product_versions(ARRAY[OLD.parent_id]);
    RETURN NULL;
END $$;
CREATE TRIGGER products_render_version_delete AFTER DELETE ON products
    FOR EACH ROW WHEN (OLD.parent_id IS NOT NULL)
    EXECUTE FUNCTION products_render_version_delete();

CREATE FUNCTION product_terms_render_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_product_versions(ARRAY[NEW.product_id]);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM bump_product_versions(ARRAY[NEW.product_id, OLD.product_id]);
    ELSE
        PERFORM bump_product_versions(ARRAY[OLD.product_id]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER product_terms_render_version AFTER INSERT OR UPDATE OR DELETE ON product_terms
    FOR EACH ROW EXECUTE FUNCTION product_terms_render_version();

CREATE FUNCTION terms_render_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products SET version = version + 1
    WHERE id IN (SELECT product_id FROM product_terms WHERE term_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER terms_render_version AFTER UPDATE OF name, slug, taxonomy ON terms
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.slug IS DISTINCT FROM OLD.slug
                       OR NEW.taxonomy IS DISTINCT FROM OLD.taxonomy)
    EXECUTE FUNCTION terms_render_version();

-- Media: the products (or the products of the variations) whose image_ids name it.
CREATE FUNCTION media_products(media_ids BIGINT[]) RETURNS SETOF BIGINT LANGUAGE sql STABLE AS $$
    SELECT coalesce(p.parent_id, p.id) FROM products p,
        jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(p.image_ids::jsonb) = 'array' THEN p.image_ids::jsonb
                 ELSE '[]'::jsonb END) AS j(value)
    WHERE j.value = ANY (media_ids::TEXT[])
$$;

CREATE FUNCTION media_render_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE products SET version = version + 1
        WHERE id IN (SELECT media_products(ARRAY[NEW.id, OLD.id]));
    ELSE
        UPDATE products SET version = version + 1
        WHERE id IN (SELECT media_products(ARRAY[OLD.id]));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER media_render_version AFTER UPDATE ON media
    FOR EACH ROW WHEN (NEW.src IS DISTINCT FROM OLD.src OR NEW.name IS DISTINCT FROM OLD.name
        OR NEW.alt IS DISTINCT FROM OLD.alt OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION media_render_version();
CREATE TRIGGER media_render_version_delete AFTER DELETE ON media
    FOR EACH ROW EXECUTE FUNCTION media_render_version();

CREATE FUNCTION shop_settings_render_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meta SET value = (value::BIGINT + 1)::TEXT WHERE key = 'settings_version';
    RETURN NULL;
END $$;
CREATE TRIGGER shop_settings_render_version AFTER INSERT OR UPDATE OR DELETE ON shop_settings
    FOR EACH ROW EXECUTE FUNCTION shop_settings_render_version();
