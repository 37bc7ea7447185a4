-- PostgreSQL twin of 0010_scale.sql: the same derived tables (order_days,
-- customer_first_paid), kept by triggers in the writer's own transaction, and the same
-- product indexes. The tables are empty here (a PostgreSQL database is created by this
-- sequence from 0001), so nothing is backfilled.
--
-- Not ported: the FTS5 trigram tables (orders_search, products_search,
-- products_text_search). On PostgreSQL the order and product searches take their LIKE
-- path (ILIKE), which store/orders.py and store/catalog.py choose by ``db.dialect``.

-- 1. Orders per creation day and status.
CREATE TABLE order_days (
    day       TEXT NOT NULL,
    status    TEXT NOT NULL,
    orders    BIGINT NOT NULL DEFAULT 0,
    revenue   BIGINT NOT NULL DEFAULT 0,
    tax       BIGINT NOT NULL DEFAULT 0,
    shipping  BIGINT NOT NULL DEFAULT 0,
    items     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, status)
);
CREATE INDEX order_days_status ON order_days (status, day, orders);

CREATE FUNCTION order_units(order_id_ BIGINT) RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT COALESCE(SUM(quantity), 0)::BIGINT FROM order_items
    WHERE order_id = order_id_ AND item_type = 'line_item'
$$;

CREATE FUNCTION order_days_add(o orders) RETURNS void LANGUAGE sql AS $$
    INSERT INTO order_days AS d (day, status, orders, revenue, tax, shipping, items)
    VALUES (substr(o.date_created, 1, 10), o.status, 1, o.total, o.total_tax,
            o.shipping_total, order_units(o.id))
    ON CONFLICT (day, status) DO UPDATE SET
        orders = d.orders + excluded.orders, revenue = d.revenue + excluded.revenue,
        tax = d.tax + excluded.tax, shipping = d.shipping + excluded.shipping,
        items = d.items + excluded.items
$$;

CREATE FUNCTION order_days_remove(o orders) RETURNS void LANGUAGE sql AS $$
    UPDATE order_days SET
        orders = orders - 1, revenue = revenue - o.total, tax = tax - o.total_tax,
        shipping = shipping - o.shipping_total, items = items - order_units(o.id)
    WHERE day = substr(o.date_created, 1, 10) AND status = o.status
$$;

CREATE FUNCTION order_days_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_days_add(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER order_days_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION order_days_insert();

CREATE FUNCTION order_days_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_days_remove(OLD);
    PERFORM order_days_add(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER order_days_update
    AFTER UPDATE OF date_created, status, total, total_tax, shipping_total ON orders
    FOR EACH ROW EXECUTE FUNCTION order_days_update();

-- Before the delete, while its items (deleted by the cascade) still exist.
CREATE FUNCTION order_days_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_days_remove(OLD);
    RETURN OLD;
END $$;
CREATE TRIGGER order_days_delete BEFORE DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION order_days_delete();

-- Items of an order that exists (a cascade from a deleted order finds none).
CREATE FUNCTION order_days_item_change(order_id_ BIGINT, units BIGINT) RETURNS void
LANGUAGE sql AS $$
    UPDATE order_days SET items = items + units
    WHERE (day, status) = (SELECT substr(date_created, 1, 10), status FROM orders
                           WHERE id = order_id_)
$$;

CREATE FUNCTION order_days_item_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_days_item_change(NEW.order_id, NEW.quantity);
    RETURN NULL;
END $$;
CREATE TRIGGER order_days_item_insert AFTER INSERT ON order_items
    FOR EACH ROW WHEN (NEW.item_type = 'line_item')
    EXECUTE FUNCTION order_days_item_insert();

CREATE FUNCTION order_days_item_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_days_item_change(OLD.order_id, -OLD.quantity);
    RETURN NULL;
END $$;
CREATE TRIGGER order_days_item_delete AFTER DELETE ON order_items
    FOR EACH ROW WHEN (OLD.item_type = 'line_item')
    EXECUTE FUNCTION order_days_item_delete();

CREATE FUNCTION order_days_item_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.item_type = 'line_item' THEN
        PERFORM order_days_item_change(OLD.order_id, -OLD.quantity);
    END IF;
    IF NEW.item_type = 'line_item' THEN
        PERFORM order_days_item_change(NEW.order_id, NEW.quantity);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER order_days_item_update
    AFTER UPDATE OF quantity, item_type, order_id ON order_items
    FOR EACH ROW EXECUTE FUNCTION order_days_item_update();

-- 2. Each customer's first paid order (processing or completed).
CREATE TABLE customer_first_paid (
    who         TEXT PRIMARY KEY,
    first_paid  TEXT NOT NULL
);
CREATE INDEX customer_first_paid_day ON customer_first_paid (first_paid);
CREATE INDEX orders_guest_email ON orders (billing_email, date_created) WHERE customer_id IS NULL;

-- Recompute the entries of an account and of a guest's email (either may be NULL).
CREATE FUNCTION customer_first_paid_refresh(customer_id_ BIGINT, guest_email TEXT)
RETURNS void LANGUAGE sql AS $$
    DELETE FROM customer_first_paid
    WHERE who IN ('u' || customer_id_, 'e' || guest_email);
    INSERT INTO customer_first_paid (who, first_paid)
    SELECT 'u' || customer_id, MIN(date_created) FROM orders
    WHERE customer_id = customer_id_ AND status IN ('processing', 'completed')
    GROUP BY customer_id;
    INSERT INTO customer_first_paid (who, first_paid)
    SELECT 'e' || billing_email, MIN(date_created) FROM orders
    WHERE customer_id IS NULL AND billing_email = guest_email
      AND status IN ('processing', 'completed')
    GROUP BY billing_email;
$$;

CREATE FUNCTION customer_first_paid_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_first_paid AS c (who, first_paid)
    VALUES (CASE WHEN NEW.customer_id IS NOT NULL THEN 'u' || NEW.customer_id
                 ELSE 'e' || NEW.billing_email END, NEW.date_created)
    ON CONFLICT (who) DO UPDATE SET first_paid = least(c.first_paid, excluded.first_paid);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_first_paid_insert AFTER INSERT ON orders
    FOR EACH ROW WHEN (NEW.status IN ('processing', 'completed'))
    EXECUTE FUNCTION customer_first_paid_insert();

CREATE FUNCTION customer_first_paid_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM customer_first_paid_refresh(
        OLD.customer_id, CASE WHEN OLD.customer_id IS NULL THEN OLD.billing_email END);
    PERFORM customer_first_paid_refresh(
        NEW.customer_id, CASE WHEN NEW.customer_id IS NULL THEN NEW.billing_email END);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_first_paid_update
    AFTER UPDATE OF status, date_created, customer_id, billing_email ON orders
    FOR EACH ROW EXECUTE FUNCTION customer_first_paid_update();

CREATE FUNCTION customer_first_paid_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM customer_first_paid_refresh(
        OLD.customer_id, CASE WHEN OLD.customer_id IS NULL THEN OLD.billing_email END);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_first_paid_delete AFTER DELETE ON orders
    FOR EACH ROW WHEN (OLD.status IN ('processing', 'completed'))
    EXECUTE FUNCTION customer_first_paid_delete();

-- 4. Product lists read in index order (as 0010_scale.sql).
DROP INDEX products_parent;
CREATE INDEX products_parent ON products (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX products_roots ON products (created_at, status) WHERE parent_id IS NULL;
CREATE INDEX products_shop ON products (status, created_at, catalog_visibility)
    WHERE parent_id IS NULL;
