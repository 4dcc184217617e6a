-- 0009_tip_search: an index for the inbox's search without tones and đ, so that it does not read every
-- tip. An FTS5 table with the trigram tokenizer over tips.description_folded (the vn_fold of the
-- description): any substring of three characters or more is found through it. It is an
-- external-content table (the text lives only in tips), kept in step by the triggers below, with
-- detail=none and columnsize=0 (no positions, no sizes: a third of the size, and less to write on
-- every submitted tip; nothing here ranks results).
-- store/tips.c (tips_search_sql, search_match) asks it for the tips holding the search's rarest
-- trigrams (estimated by a probe of each trigram's newest entries) and re-checks the old LIKE, so
-- results are exactly those of a LIKE '%…%' scan; shorter searches fall back to that scan. Twin of
-- pg/0009_tip_search.sql (pg_trgm there). A virtual table carries no commune_id; it is SQLite-only.
-- Also an index on public_throttle(at) (below).

CREATE VIRTUAL TABLE tips_fts USING fts5(
  description_folded,
  content = 'tips',
  content_rowid = 'id',
  tokenize = 'trigram',
  detail = 'none',
  columnsize = 0
);

CREATE TRIGGER tips_fts_insert AFTER INSERT ON tips BEGIN
  INSERT INTO tips_fts (rowid, description_folded) VALUES (new.id, new.description_folded);
END;

CREATE TRIGGER tips_fts_delete AFTER DELETE ON tips BEGIN
  INSERT INTO tips_fts (tips_fts, rowid, description_folded) VALUES ('delete', old.id, old.description_folded);
END;

CREATE TRIGGER tips_fts_update AFTER UPDATE OF description_folded ON tips BEGIN
  INSERT INTO tips_fts (tips_fts, rowid, description_folded) VALUES ('delete', old.id, old.description_folded);
  INSERT INTO tips_fts (rowid, description_folded) VALUES (new.id, new.description_folded);
END;

-- the tips that were there before this migration
INSERT INTO tips_fts (tips_fts) VALUES ('rebuild');

-- the per-address limits forget entries older than their window on every count (store/tips.c
-- throttle_add: DELETE … WHERE at < $1); without this index that DELETE read the whole table.
CREATE INDEX public_throttle_at ON public_throttle(at);
