-- 0007_alarms: the digital mõ. Alarm kinds with their gong patterns (seeded; the web app plays the
-- pattern), household enrolments (the secret link and QR card: the token is stored only as a keyed
-- hash, the phone sealed with the key file), alarms with their timeline of steps, and the members'
-- duty status with the location they share (for "who is nearest"). Rate limits reuse public_throttle
-- (0003). Times are Unix seconds; flags are 0/1. Every commune's row carries commune_id (Citus
-- distributes by it); alarm_kinds belongs to the installation, duty to a user account (like users).
-- Twin of pg/0007_alarms.sql.

CREATE TABLE alarm_kinds (
  code TEXT PRIMARY KEY,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  gong_pattern TEXT NOT NULL,    -- strike groups: "3-1" is three strikes, a pause, one strike
  sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO alarm_kinds (code, name_vi, name_en, gong_pattern, sort) VALUES
  ('theft', 'Trộm', 'Theft', '2-2', 10),
  ('robbery', 'Cướp', 'Robbery', '3-3', 20),
  ('fight', 'Đánh nhau', 'Fight', '2-1', 30),
  ('fire', 'Cháy', 'Fire', '5', 40),
  ('medical', 'Cấp cứu', 'Medical emergency', '1-1-1', 50),
  ('flood_storm', 'Lũ lụt, bão', 'Flood or storm', '4-4', 60),
  ('other', 'Việc khác', 'Other', '3-1', 1000);

CREATE TABLE alarm_enrolments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER NOT NULL REFERENCES units(id),     -- a block or a residential group
  commune_id INTEGER NOT NULL REFERENCES units(id),
  label TEXT NOT NULL,                               -- "Nhà ông Ba, 12 Trần Phú"
  phone_sealed TEXT,                                 -- crypto_seal of the contact phone; NULL when none
  token_hash TEXT NOT NULL UNIQUE,                   -- keyed hash of the secret token; the token is never stored
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER                                 -- NULL while the link works
);
CREATE INDEX alarm_enrolments_commune ON alarm_enrolments(commune_id, id);
CREATE INDEX alarm_enrolments_unit ON alarm_enrolments(unit_id, id);

CREATE TABLE alarms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),     -- the household's (or the member's) block or group
  audience_path TEXT NOT NULL,                       -- who it reaches: the block's path, the commune's once escalated
  enrolment_id INTEGER REFERENCES alarm_enrolments(id),
  raised_by INTEGER REFERENCES users(id),
  kind TEXT NOT NULL REFERENCES alarm_kinds(code),
  note TEXT,
  address TEXT,
  lat REAL,
  lng REAL,
  status TEXT NOT NULL DEFAULT 'raised' CHECK (status IN ('raised', 'acknowledged', 'responding', 'resolved',
    'false_alarm')),
  presses INTEGER NOT NULL DEFAULT 1,
  raised_at INTEGER NOT NULL,
  last_press_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  responding_at INTEGER,
  escalated_at INTEGER,
  resolved_at INTEGER,
  CHECK ((enrolment_id IS NULL) <> (raised_by IS NULL)),
  CHECK ((lat IS NULL) = (lng IS NULL))
);
CREATE INDEX alarms_commune ON alarms(commune_id, id);
CREATE INDEX alarms_status ON alarms(status, raised_at);
CREATE INDEX alarms_enrolment ON alarms(enrolment_id, id);
CREATE INDEX alarms_raised_by ON alarms(raised_by, id);

CREATE TABLE alarm_steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alarm_id INTEGER NOT NULL REFERENCES alarms(id),
  commune_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('raised', 'pressed', 'acknowledged', 'responding', 'escalated', 'resolved',
    'false_alarm')),
  user_id INTEGER REFERENCES users(id),              -- NULL for the household or the system
  eta_minutes INTEGER,
  note TEXT
);
CREATE INDEX alarm_steps_alarm ON alarm_steps(alarm_id, id);

CREATE TABLE duty (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  on_duty INTEGER NOT NULL DEFAULT 0 CHECK (on_duty IN (0, 1)),
  lat REAL,
  lng REAL,
  updated_at INTEGER NOT NULL,
  CHECK ((lat IS NULL) = (lng IS NULL))
);
CREATE INDEX duty_on ON duty(on_duty, updated_at);
