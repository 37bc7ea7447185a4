-- Render versions: the catalog read path keeps each product rendered until it changes
-- (service/catalog/cache.py). What a product's page shows comes from its row, its
-- variations' rows, its category/tag links, those terms' names and slugs, its media,
-- and the shop settings. Every write to any of them bumps a version here, by trigger,
-- so the bump is in the writer's own transaction whatever code (or process) writes:
-- a reader that sees the new data sees the new version, and one that sees the old
-- version can only hold the old data.
--
-- products.version: the product's own, bumped by a change to the product, to one of
-- its variations, to its term links, to a linked term's name or slug, or to its media.
-- meta 'settings_version': bumped by every shop settings write.

ALTER TABLE products ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

INSERT OR IGNORE INTO meta (key, value) VALUES ('settings_version', '0');

-- A write that leaves version alone bumps the row and its parent (a variation's
-- product). The trigger's own UPDATE changes version, so it does not fire again.
CREATE TRIGGER products_render_version AFTER UPDATE ON products
WHEN NEW.version = OLD.version
BEGIN
    UPDATE products SET version = version + 1
    WHERE id IN (NEW.id, NEW.parent_id, OLD.parent_id);
END;

CREATE TRIGGER products_render_version_insert AFTER INSERT ON products
WHEN NEW.parent_id IS NOT NULL
BEGIN
    UPDATE products SET version = version + 1 WHERE id = NEW.parent_id;
END;

CREATE TRIGGER products_render_version_delete AFTER DELETE ON products
WHEN OLD.parent_id IS NOT NULL
BEGIN
    UPDATE products SET version = version + 1 WHERE id = OLD.parent_id;
END;

CREATE TRIGGER product_terms_render_version_insert AFTER INSERT ON product_terms
BEGIN
    UPDATE products SET version = version + 1 WHERE id = NEW.product_id;
END;

CREATE TRIGGER product_terms_render_version_update AFTER UPDATE ON product_terms
BEGIN
    UPDATE products SET version = version + 1 WHERE id IN (NEW.product_id, OLD.product_id);
END;

CREATE TRIGGER product_terms_render_version_delete AFTER DELETE ON product_terms
BEGIN
    UPDATE products SET version = version + 1 WHERE id = OLD.product_id;
END;

-- A product shows its terms' id, name and slug (a deleted term's links go by cascade,
-- which fires the product_terms trigger above).
CREATE TRIGGER terms_render_version AFTER UPDATE OF name, slug, taxonomy ON terms
WHEN NEW.name IS NOT OLD.name OR NEW.slug IS NOT OLD.slug OR NEW.taxonomy IS NOT OLD.taxonomy
BEGIN
    UPDATE products SET version = version + 1
    WHERE id IN (SELECT product_id FROM product_terms WHERE term_id = NEW.id);
END;

-- Media: the products (or the products of the variations) whose image_ids name it.
CREATE TRIGGER media_render_version AFTER UPDATE ON media
WHEN NEW.src IS NOT OLD.src OR NEW.name IS NOT OLD.name OR NEW.alt IS NOT OLD.alt
    OR NEW.created_at IS NOT OLD.created_at OR NEW.id IS NOT OLD.id
BEGIN
    UPDATE products SET version = version + 1
    WHERE id IN (SELECT coalesce(p.parent_id, p.id) FROM products p, json_each(p.image_ids) j
                 WHERE j.value IN (NEW.id, OLD.id));
END;

CREATE TRIGGER media_render_version_delete AFTER DELETE ON media
BEGIN
    UPDATE products SET version = version + 1
    WHERE id IN (SELECT coalesce(p.parent_id, p.id) FROM products p, json_each(p.image_ids) j
                 WHERE j.value = OLD.id);
END;

CREATE TRIGGER shop_settings_render_version_insert AFTER INSERT ON shop_settings
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'settings_version';
END;

CREATE TRIGGER shop_settings_render_version_update AFTER UPDATE ON shop_settings
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'settings_version';
END;

CREATE TRIGGER shop_settings_render_version_delete AFTER DELETE ON shop_settings
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'settings_version';
END;
