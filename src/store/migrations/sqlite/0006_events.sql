-- 0006_events: the live events (an alarm raised, a tip arrived) recorded in the same transaction as the
-- change that made them, so that a client reconnecting with Last-Event-ID replays exactly what it
-- missed (http/stream.h). `perm` is the enum perm a reader needs, `reach` the stream.h reach rule
-- (0 record, 1 area), `unit_path` the materialised path of the unit the event concerns. The hub prunes
-- rows older than a week. Twin of pg/0006_events.sql.

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  name TEXT NOT NULL,
  perm INTEGER NOT NULL,
  reach INTEGER NOT NULL DEFAULT 0 CHECK (reach IN (0, 1)),
  unit_path TEXT NOT NULL,
  commune_id INTEGER,
  data TEXT NOT NULL
);
-- Replay reads by id (the primary key); pruning by time.
CREATE INDEX events_at ON events(at);
