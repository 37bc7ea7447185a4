-- Cost flat as the shop grows (issue 15): what the lists, searches and the analytics
-- overview read instead of scanning every order or product. Everything here is derived
-- from orders, order_items and products by triggers, so it changes in the same
-- transaction as the rows it sums (nothing is ever stale after a write is acknowledged),
-- and is backfilled below from the rows already stored.

-- 1. Orders per creation day and status: count, totals and units sold on line items.
--    The analytics overview sums whole days from here (a year is 365 x 8 rows, whatever
--    the number of orders) and reads only the partial days at a window's edges from
--    orders; the orders list counts its statuses from here (X-WP-Total).
--    ``day`` is substr(date_created, 1, 10). An order's units are read from its items
--    when the order row changes, and items adjust them when they change. An order is
--    taken out BEFORE its delete, while its items (deleted by the cascade) still exist.
CREATE TABLE order_days (
    day       TEXT NOT NULL,
    status    TEXT NOT NULL,
    orders    INTEGER NOT NULL DEFAULT 0,
    revenue   INTEGER NOT NULL DEFAULT 0,   -- sum of total
    tax       INTEGER NOT NULL DEFAULT 0,   -- sum of total_tax
    shipping  INTEGER NOT NULL DEFAULT 0,   -- sum of shipping_total
    items     INTEGER NOT NULL DEFAULT 0,   -- sum of line-item quantities
    PRIMARY KEY (day, status)
) WITHOUT ROWID;
CREATE INDEX order_days_status ON order_days (status, day, orders);

INSERT INTO order_days (day, status, orders, revenue, tax, shipping, items)
SELECT substr(o.date_created, 1, 10), o.status, COUNT(*), SUM(o.total), SUM(o.total_tax),
       SUM(o.shipping_total), COALESCE(SUM(u.units), 0)
FROM orders o LEFT JOIN (
    SELECT order_id, SUM(quantity) AS units FROM order_items
    WHERE item_type = 'line_item' GROUP BY order_id
) u ON u.order_id = o.id
GROUP BY 1, 2;

CREATE TRIGGER order_days_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_days (day, status, orders, revenue, tax, shipping, items)
    VALUES (substr(NEW.date_created, 1, 10), NEW.status, 1, NEW.total, NEW.total_tax,
            NEW.shipping_total,
            (SELECT COALESCE(SUM(quantity), 0) FROM order_items
             WHERE order_id = NEW.id AND item_type = 'line_item'))
    ON CONFLICT (day, status) DO UPDATE SET
        orders = orders + excluded.orders, revenue = revenue + excluded.revenue,
        tax = tax + excluded.tax, shipping = shipping + excluded.shipping,
        items = items + excluded.items;
END;

CREATE TRIGGER order_days_update
AFTER UPDATE OF date_created, status, total, total_tax, shipping_total ON orders BEGIN
    UPDATE order_days SET
        orders = orders - 1, revenue = revenue - OLD.total, tax = tax - OLD.total_tax,
        shipping = shipping - OLD.shipping_total,
        items = items - (SELECT COALESCE(SUM(quantity), 0) FROM order_items
                         WHERE order_id = OLD.id AND item_type = 'line_item')
    WHERE day = substr(OLD.date_created, 1, 10) AND status = OLD.status;
    INSERT INTO order_days (day, status, orders, revenue, tax, shipping, items)
    VALUES (substr(NEW.date_created, 1, 10), NEW.status, 1, NEW.total, NEW.total_tax,
            NEW.shipping_total,
            (SELECT COALESCE(SUM(quantity), 0) FROM order_items
             WHERE order_id = NEW.id AND item_type = 'line_item'))
    ON CONFLICT (day, status) DO UPDATE SET
        orders = orders + excluded.orders, revenue = revenue + excluded.revenue,
        tax = tax + excluded.tax, shipping = shipping + excluded.shipping,
        items = items + excluded.items;
END;

CREATE TRIGGER order_days_delete BEFORE DELETE ON orders BEGIN
    UPDATE order_days SET
        orders = orders - 1, revenue = revenue - OLD.total, tax = tax - OLD.total_tax,
        shipping = shipping - OLD.shipping_total,
        items = items - (SELECT COALESCE(SUM(quantity), 0) FROM order_items
                         WHERE order_id = OLD.id AND item_type = 'line_item')
    WHERE day = substr(OLD.date_created, 1, 10) AND status = OLD.status;
END;

-- Items of an order that exists (a cascade from a deleted order finds none: the
-- order's BEFORE DELETE trigger already took its units out).
CREATE TRIGGER order_days_item_insert AFTER INSERT ON order_items
WHEN NEW.item_type = 'line_item' BEGIN
    UPDATE order_days SET items = items + NEW.quantity
    WHERE (day, status) = (SELECT substr(date_created, 1, 10), status FROM orders
                           WHERE id = NEW.order_id);
END;

CREATE TRIGGER order_days_item_delete AFTER DELETE ON order_items
WHEN OLD.item_type = 'line_item' BEGIN
    UPDATE order_days SET items = items - OLD.quantity
    WHERE (day, status) = (SELECT substr(date_created, 1, 10), status FROM orders
                           WHERE id = OLD.order_id);
END;

CREATE TRIGGER order_days_item_update AFTER UPDATE OF quantity, item_type, order_id ON order_items
BEGIN
    UPDATE order_days SET items = items - OLD.quantity
    WHERE OLD.item_type = 'line_item'
      AND (day, status) = (SELECT substr(date_created, 1, 10), status FROM orders
                           WHERE id = OLD.order_id);
    UPDATE order_days SET items = items + NEW.quantity
    WHERE NEW.item_type = 'line_item'
      AND (day, status) = (SELECT substr(date_created, 1, 10), status FROM orders
                           WHERE id = NEW.order_id);
END;

-- 2. Each customer's first paid order (processing or completed: PAID_STATUSES), for the
--    overview's "new customers": those whose first paid order falls in the window. A
--    customer is the account ('u' || id), or the billing email for a guest ('e' || email),
--    as in store/analytics.py. Recomputed for the customers an order change touches.
CREATE TABLE customer_first_paid (
    who         TEXT PRIMARY KEY,
    first_paid  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX customer_first_paid_day ON customer_first_paid (first_paid);
CREATE INDEX orders_guest_email ON orders (billing_email, date_created) WHERE customer_id IS NULL;

INSERT INTO customer_first_paid (who, first_paid)
SELECT CASE WHEN customer_id IS NOT NULL THEN 'u' || customer_id ELSE 'e' || billing_email END,
       MIN(date_created)
FROM orders WHERE status IN ('processing', 'completed') GROUP BY 1;

CREATE TRIGGER customer_first_paid_insert AFTER INSERT ON orders
WHEN NEW.status IN ('processing', 'completed') BEGIN
    INSERT INTO customer_first_paid (who, first_paid)
    VALUES (CASE WHEN NEW.customer_id IS NOT NULL THEN 'u' || NEW.customer_id
                 ELSE 'e' || NEW.billing_email END, NEW.date_created)
    ON CONFLICT (who) DO UPDATE SET first_paid = min(first_paid, excluded.first_paid);
END;

CREATE TRIGGER customer_first_paid_update
AFTER UPDATE OF status, date_created, customer_id, billing_email ON orders BEGIN
    DELETE FROM customer_first_paid WHERE who IN (
        CASE WHEN OLD.customer_id IS NOT NULL THEN 'u' || OLD.customer_id
             ELSE 'e' || OLD.billing_email END,
        CASE WHEN NEW.customer_id IS NOT NULL THEN 'u' || NEW.customer_id
             ELSE 'e' || NEW.billing_email END);
    INSERT OR REPLACE INTO customer_first_paid (who, first_paid)
    SELECT 'u' || customer_id, MIN(date_created) FROM orders
    WHERE customer_id IN (OLD.customer_id, NEW.customer_id)
      AND status IN ('processing', 'completed')
    GROUP BY customer_id;
    INSERT OR REPLACE INTO customer_first_paid (who, first_paid)
    SELECT 'e' || billing_email, MIN(date_created) FROM orders
    WHERE customer_id IS NULL
      AND billing_email IN (CASE WHEN OLD.customer_id IS NULL THEN OLD.billing_email END,
                            CASE WHEN NEW.customer_id IS NULL THEN NEW.billing_email END)
      AND status IN ('processing', 'completed')
    GROUP BY billing_email;
END;

CREATE TRIGGER customer_first_paid_delete AFTER DELETE ON orders
WHEN OLD.status IN ('processing', 'completed') BEGIN
    DELETE FROM customer_first_paid WHERE who =
        CASE WHEN OLD.customer_id IS NOT NULL THEN 'u' || OLD.customer_id
             ELSE 'e' || OLD.billing_email END;
    INSERT INTO customer_first_paid (who, first_paid)
    SELECT 'u' || customer_id, MIN(date_created) FROM orders
    WHERE customer_id = OLD.customer_id AND status IN ('processing', 'completed')
    GROUP BY customer_id;
    INSERT INTO customer_first_paid (who, first_paid)
    SELECT 'e' || billing_email, MIN(date_created) FROM orders
    WHERE OLD.customer_id IS NULL AND customer_id IS NULL
      AND billing_email = OLD.billing_email AND status IN ('processing', 'completed')
    GROUP BY billing_email;
END;

-- 3. Substring search (LIKE '%x%' cannot use an index): FTS5 trigram indexes holding,
--    column by column, exactly the text the order and product searches match with LIKE,
--    lower-cased as LIKE compares it (lower() and LIKE fold ASCII only; the index is
--    case-sensitive), so a phrase query in the right columns finds exactly the rows the
--    LIKE conditions find. An order's row also holds its line items' names and SKUs (one
--    a line) and its status, so a search counts its matches in the index alone.
--    store/catalog.py trigram_match builds the queries; shorter than 3 characters (no
--    trigram) the searches scan as before.
CREATE VIRTUAL TABLE orders_search USING fts5 (
    email, txn, billing_name, phone, company, shipping_name, item_names, item_skus, state,
    tokenize = 'trigram case_sensitive 1'
);
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
FROM orders o;

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
END;

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
END;

CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
    DELETE FROM orders_search WHERE rowid = OLD.id;
END;

-- Items of a deleted order (the cascade) find no order, so nothing is indexed again.
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
END;

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
END;

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
END;

-- Products: names and SKUs apart from the descriptions, so a search of names (the order
-- form's) reads only their short doclists.
CREATE VIRTUAL TABLE products_search USING fts5 (
    name, sku, tokenize = 'trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE products_text_search USING fts5 (
    short_description, description, tokenize = 'trigram case_sensitive 1'
);
INSERT INTO products_search (rowid, name, sku) SELECT id, lower(name), lower(sku) FROM products;
INSERT INTO products_text_search (rowid, short_description, description)
SELECT id, lower(short_description), lower(description) FROM products;

CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_search (rowid, name, sku) VALUES (NEW.id, lower(NEW.name), lower(NEW.sku));
    INSERT INTO products_text_search (rowid, short_description, description)
    VALUES (NEW.id, lower(NEW.short_description), lower(NEW.description));
END;

CREATE TRIGGER products_search_update AFTER UPDATE OF name, sku ON products BEGIN
    DELETE FROM products_search WHERE rowid = OLD.id;
    INSERT INTO products_search (rowid, name, sku) VALUES (NEW.id, lower(NEW.name), lower(NEW.sku));
END;

CREATE TRIGGER products_search_text_update
AFTER UPDATE OF short_description, description ON products BEGIN
    DELETE FROM products_text_search WHERE rowid = OLD.id;
    INSERT INTO products_text_search (rowid, short_description, description)
    VALUES (NEW.id, lower(NEW.short_description), lower(NEW.description));
END;

CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    DELETE FROM products_search WHERE rowid = OLD.id;
    DELETE FROM products_text_search WHERE rowid = OLD.id;
END;

-- 4. Product lists read in index order: the admin list (newest first, any status but
--    trash) and the shop (published, listed, newest first); each also covers its count.
--    The variations' index no longer holds the (many) NULLs of top-level products: with
--    them, SQLite took "parent_id IS NULL" for a selective lookup there, then read and
--    sorted every product for a page of ten.
DROP INDEX products_parent;
CREATE INDEX products_parent ON products (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX products_roots ON products (created_at, status) WHERE parent_id IS NULL;
CREATE INDEX products_shop ON products (status, created_at, catalog_visibility)
    WHERE parent_id IS NULL;
