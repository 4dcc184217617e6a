-- 0013_tip_search_batch (PostgreSQL): nothing to do. The twin of sqlite/0013_tip_search_batch.sql,
-- which makes SQLite's FTS5 index of the tips write once per transaction instead of once per tip;
-- PostgreSQL's pg_trgm index (0009) is maintained by the index itself. Kept so that both engines
-- count the same schema versions.
SELECT 1;
