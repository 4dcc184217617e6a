-- 0009_tip_search (PostgreSQL): the twin of sqlite/0009_tip_search.sql. An index for the inbox's
-- search without tones and đ: a pg_trgm GIN index on tips.description_folded (the vn_fold of the
-- description), which serves LIKE '%…%' of three characters or more directly, so the query in
-- store/tips.c stays the shared LIKE. store/tips.c (list_pg_search) walks the newest tips in id order
-- first and uses this index only for what a walk would not find soon (a rare search): the planner's
-- bitmap scan fetched and sorted every match of a middling word for a page of 50. pg_trgm ships with
-- Debian's postgresql package (contrib).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tips_description_trgm ON tips USING gin (description_folded gin_trgm_ops);

-- the per-address limits forget entries older than their window on every count (store/tips.c
-- throttle_add: DELETE … WHERE at < $1); without this index that DELETE read the whole table.
CREATE INDEX public_throttle_at ON public_throttle(at);
