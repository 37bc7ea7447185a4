-- PostgreSQL twin of 0008_ids_never_reused.sql: nothing to do. Every id column is an
-- identity column from 0001-0006 on (its sequence never hands a number out twice), which
-- is the shape SQLite reaches here by rebuilding its tables with AUTOINCREMENT.
SELECT 1;
