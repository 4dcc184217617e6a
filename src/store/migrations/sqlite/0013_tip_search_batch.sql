-- 0013_tip_search_batch: the tips' full-text index (tips_fts, 0009) is written once per transaction
-- instead of once per tip. FTS5 writes its pending terms out as a new segment at every savepoint, and
-- the store runs each of a batch's transactions in a savepoint of its own (store/sqlite.c,
-- "Batching"), so 0009's insert trigger wrote a segment per tip. Now store/tips.c registers a
-- catch-up that sqlite.c runs right before every COMMIT, outside the savepoints: it indexes every tip
-- past the mark below and moves the mark to the newest tip (tips_fts_catchup in store/tips.c). A
-- committed tip is therefore always indexed; a tip not yet committed is not (its own transaction's
-- search does not find it).
-- The mark is the highest tip id indexed. Tip ids come from AUTOINCREMENT, so a new tip's id is
-- above every id ever committed, and a tip rolled back takes its id with it.
-- A tip deleted or re-folded before the catch-up indexed it is not in the index: the delete and
-- update triggers touch the index only for tips at or below the mark. Twin of pg/0013 (no-op).

DROP TRIGGER tips_fts_insert;
DROP TRIGGER tips_fts_delete;
DROP TRIGGER tips_fts_update;

CREATE TABLE tips_fts_mark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last INTEGER NOT NULL -- the highest tips.id in tips_fts
);

-- every tip so far was indexed by 0009's rebuild and trigger
INSERT INTO tips_fts_mark (id, last) VALUES (1, (SELECT COALESCE(MAX(id), 0) FROM tips));

CREATE TRIGGER tips_fts_delete AFTER DELETE ON tips
WHEN old.id <= (SELECT last FROM tips_fts_mark WHERE id = 1) BEGIN
  INSERT INTO tips_fts (tips_fts, rowid, description_folded) VALUES ('delete', old.id, old.description_folded);
END;

CREATE TRIGGER tips_fts_update AFTER UPDATE OF description_folded ON tips
WHEN old.id <= (SELECT last FROM tips_fts_mark WHERE id = 1) BEGIN
  INSERT INTO tips_fts (tips_fts, rowid, description_folded) VALUES ('delete', old.id, old.description_folded);
  INSERT INTO tips_fts (rowid, description_folded) VALUES (new.id, new.description_folded);
END;
