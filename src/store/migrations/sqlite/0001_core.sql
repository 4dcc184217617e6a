-- 0001_core: units, users and their grants, sessions, login throttling, the audit chain.
-- Times are Unix seconds; flags are 0/1. The pg/ twin of this file holds the same tables.

CREATE TABLE units (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a deleted unit's id (and its audit history) stays its own
  parent_id INTEGER REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('province', 'commune', 'block', 'group')),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path TEXT NOT NULL,            -- '/1/5/23/': ids from the root; a subtree is path LIKE prefix || '%'
  commune_id INTEGER,            -- the commune the unit lies in (itself for a commune), NULL for a province
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX units_parent ON units(parent_id, id);
CREATE INDEX units_path ON units(path);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  totp_secret TEXT,              -- sealed with the key file; NULL until enrolment starts
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE grants (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'coordinator', 'team_leader', 'member', 'viewer')),
  unit_id INTEGER REFERENCES units(id),   -- NULL: the whole installation (admins only)
  team_id INTEGER,                        -- a grant on one team (teams arrive with the forces)
  created_at INTEGER NOT NULL
);
CREATE INDEX grants_user ON grants(user_id);
CREATE INDEX grants_unit ON grants(unit_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,   -- SHA-256 of the cookie's token; the token itself is never stored
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,             -- 'u:' + username, or 'a:' + SHA-256 of the client address
  at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id INTEGER,
  actor TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, seq);

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
