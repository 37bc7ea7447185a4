-- Search versions: a search's matched ids are kept in memory and reused while the text
-- it searched cannot have changed (store/search_cache.py). Two meta rows count the
-- changes to what the trigram indexes of migration 0010 hold:
--
-- 'products_search_version': a product or variation inserted or deleted, its name,
--     SKU, short or long description changed, or moved under another product (the
--     variation SKU search names the parent).
-- 'orders_search_version': an order inserted or deleted, its billing, shipping, email,
--     transaction id or status changed (orders_search holds the status), a line item
--     inserted, deleted, renamed, moved or its SKU changed.
--
-- Each is bumped by the trigger that maintains the index, in the writer's own
-- transaction, whatever code or process writes: a reader that sees the new text sees
-- the new version, and one that reads the version a search was kept at reads the text
-- it was kept from. A stock, price or status change of a product leaves the version
-- alone (the product searches filter on those outside the index). The triggers are
-- those of migration 0010, recreated with the bump; an update bumps only when a column
-- it indexes really changed.

INSERT OR IGNORE INTO meta (key, value) VALUES ('products_search_version', '0');
INSERT OR IGNORE INTO meta (key, value) VALUES ('orders_search_version', '0');

DROP TRIGGER orders_search_insert;
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
    DELETE FROM orders_search WHERE rowid = NEW.id;
    INSERT INTO orders_search (rowid, email, txn, billing_name, phone, company, shipping_name, item_names, item_skus, state)
    SELECT o.id, lower(o.billing_email), lower(o.transaction_id),
           CASE WHEN json_valid(o.billing) THEN COALESCE(lower(
               json_extract(o.billing, '$.first_name') || ' ' || json_extract(o.billing, '$.last_name')
           ), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.phone')), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.company')), '') ELSE '' END,
           CASE WHEN json_valid(o.shipping) THEN COALESCE(lower(
               json_extract(o.shipping, '$.first_name') || ' ' || json_extract(o.shipping, '$.last_name')
           ), '') ELSE '' END,
           COALESCE((SELECT lower(group_concat(i.name, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           COALESCE((SELECT lower(group_concat(i.sku, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           o.status
    FROM orders o WHERE o.id = NEW.id;
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'orders_search_version';
END;

DROP TRIGGER orders_search_update;
CREATE TRIGGER orders_search_update
AFTER UPDATE OF billing, shipping, billing_email, transaction_id, status ON orders BEGIN
    DELETE FROM orders_search WHERE rowid = OLD.id;
    DELETE FROM orders_search WHERE rowid = NEW.id;
    INSERT INTO orders_search (rowid, email, txn, billing_name, phone, company, shipping_name, item_names, item_skus, state)
    SELECT o.id, lower(o.billing_email), lower(o.transaction_id),
           CASE WHEN json_valid(o.billing) THEN COALESCE(lower(
               json_extract(o.billing, '$.first_name') || ' ' || json_extract(o.billing, '$.last_name')
           ), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.phone')), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.company')), '') ELSE '' END,
           CASE WHEN json_valid(o.shipping) THEN COALESCE(lower(
               json_extract(o.shipping, '$.first_name') || ' ' || json_extract(o.shipping, '$.last_name')
           ), '') ELSE '' END,
           COALESCE((SELECT lower(group_concat(i.name, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           COALESCE((SELECT lower(group_concat(i.sku, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           o.status
    FROM orders o WHERE o.id = NEW.id;
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'orders_search_version'
        AND (NEW.billing IS NOT OLD.billing OR NEW.shipping IS NOT OLD.shipping
             OR NEW.billing_email IS NOT OLD.billing_email
             OR NEW.transaction_id IS NOT OLD.transaction_id OR NEW.status IS NOT OLD.status);
END;

DROP TRIGGER orders_search_delete;
CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
    DELETE FROM orders_search WHERE rowid = OLD.id;
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'orders_search_version';
END;

DROP TRIGGER orders_search_item_insert;
CREATE TRIGGER orders_search_item_insert AFTER INSERT ON order_items
WHEN NEW.item_type = 'line_item' BEGIN
    DELETE FROM orders_search WHERE rowid = NEW.order_id;
    INSERT INTO orders_search (rowid, email, txn, billing_name, phone, company, shipping_name, item_names, item_skus, state)
    SELECT o.id, lower(o.billing_email), lower(o.transaction_id),
           CASE WHEN json_valid(o.billing) THEN COALESCE(lower(
               json_extract(o.billing, '$.first_name') || ' ' || json_extract(o.billing, '$.last_name')
           ), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.phone')), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.company')), '') ELSE '' END,
           CASE WHEN json_valid(o.shipping) THEN COALESCE(lower(
               json_extract(o.shipping, '$.first_name') || ' ' || json_extract(o.shipping, '$.last_name')
           ), '') ELSE '' END,
           COALESCE((SELECT lower(group_concat(i.name, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           COALESCE((SELECT lower(group_concat(i.sku, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           o.status
    FROM orders o WHERE o.id = NEW.order_id;
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'orders_search_version';
END;

DROP TRIGGER orders_search_item_update;
CREATE TRIGGER orders_search_item_update
AFTER UPDATE OF order_id, item_type, name, sku ON order_items BEGIN
    DELETE FROM orders_search WHERE rowid = OLD.order_id;
    INSERT INTO orders_search (rowid, email, txn, billing_name, phone, company, shipping_name, item_names, item_skus, state)
    SELECT o.id, lower(o.billing_email), lower(o.transaction_id),
           CASE WHEN json_valid(o.billing) THEN COALESCE(lower(
               json_extract(o.billing, '$.first_name') || ' ' || json_extract(o.billing, '$.last_name')
           ), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.phone')), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.company')), '') ELSE '' END,
           CASE WHEN json_valid(o.shipping) THEN COALESCE(lower(
               json_extract(o.shipping, '$.first_name') || ' ' || json_extract(o.shipping, '$.last_name')
           ), '') ELSE '' END,
           COALESCE((SELECT lower(group_concat(i.name, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           COALESCE((SELECT lower(group_concat(i.sku, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           o.status
    FROM orders o WHERE o.id = OLD.order_id;
    DELETE FROM orders_search WHERE rowid = NEW.order_id;
    INSERT INTO orders_search (rowid, email, txn, billing_name, phone, company, shipping_name, item_names, item_skus, state)
    SELECT o.id, lower(o.billing_email), lower(o.transaction_id),
           CASE WHEN json_valid(o.billing) THEN COALESCE(lower(
               json_extract(o.billing, '$.first_name') || ' ' || json_extract(o.billing, '$.last_name')
           ), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.phone')), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.company')), '') ELSE '' END,
           CASE WHEN json_valid(o.shipping) THEN COALESCE(lower(
               json_extract(o.shipping, '$.first_name') || ' ' || json_extract(o.shipping, '$.last_name')
           ), '') ELSE '' END,
           COALESCE((SELECT lower(group_concat(i.name, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           COALESCE((SELECT lower(group_concat(i.sku, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           o.status
    FROM orders o WHERE o.id = NEW.order_id;
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'orders_search_version'
        AND (NEW.order_id IS NOT OLD.order_id OR NEW.item_type IS NOT OLD.item_type
             OR NEW.name IS NOT OLD.name OR NEW.sku IS NOT OLD.sku);
END;

DROP TRIGGER orders_search_item_delete;
CREATE TRIGGER orders_search_item_delete AFTER DELETE ON order_items
WHEN OLD.item_type = 'line_item' BEGIN
    DELETE FROM orders_search WHERE rowid = OLD.order_id;
    INSERT INTO orders_search (rowid, email, txn, billing_name, phone, company, shipping_name, item_names, item_skus, state)
    SELECT o.id, lower(o.billing_email), lower(o.transaction_id),
           CASE WHEN json_valid(o.billing) THEN COALESCE(lower(
               json_extract(o.billing, '$.first_name') || ' ' || json_extract(o.billing, '$.last_name')
           ), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.phone')), '') ELSE '' END,
           CASE WHEN json_valid(o.billing) THEN
               COALESCE(lower(json_extract(o.billing, '$.company')), '') ELSE '' END,
           CASE WHEN json_valid(o.shipping) THEN COALESCE(lower(
               json_extract(o.shipping, '$.first_name') || ' ' || json_extract(o.shipping, '$.last_name')
           ), '') ELSE '' END,
           COALESCE((SELECT lower(group_concat(i.name, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           COALESCE((SELECT lower(group_concat(i.sku, char(10))) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),
           o.status
    FROM orders o WHERE o.id = OLD.order_id;
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'orders_search_version';
END;

DROP TRIGGER products_search_insert;
CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_search (rowid, name, sku) VALUES (NEW.id, lower(NEW.name), lower(NEW.sku));
    INSERT INTO products_text_search (rowid, short_description, description)
    VALUES (NEW.id, lower(NEW.short_description), lower(NEW.description));
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'products_search_version';
END;

DROP TRIGGER products_search_update;
CREATE TRIGGER products_search_update AFTER UPDATE OF name, sku, parent_id ON products BEGIN
    DELETE FROM products_search WHERE rowid = OLD.id;
    INSERT INTO products_search (rowid, name, sku) VALUES (NEW.id, lower(NEW.name), lower(NEW.sku));
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'products_search_version'
        AND (NEW.name IS NOT OLD.name OR NEW.sku IS NOT OLD.sku
             OR NEW.parent_id IS NOT OLD.parent_id);
END;

DROP TRIGGER products_search_text_update;
CREATE TRIGGER products_search_text_update
AFTER UPDATE OF short_description, description ON products BEGIN
    DELETE FROM products_text_search WHERE rowid = OLD.id;
    INSERT INTO products_text_search (rowid, short_description, description)
    VALUES (NEW.id, lower(NEW.short_description), lower(NEW.description));
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'products_search_version'
        AND (NEW.short_description IS NOT OLD.short_description
             OR NEW.description IS NOT OLD.description);
END;

DROP TRIGGER products_search_delete;
CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    DELETE FROM products_search WHERE rowid = OLD.id;
    DELETE FROM products_text_search WHERE rowid = OLD.id;
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'products_search_version';
END;
