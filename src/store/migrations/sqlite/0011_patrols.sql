-- 0011_patrols: the security teams' movement books — duty shifts and week rosters with swaps, patrols
-- with their joint forces and members' check-ins, violation records (biên bản) with their kinds and
-- photos, and the secret-token iCalendar feeds of a team or a member. Times are Unix seconds; days are
-- 'YYYY-MM-DD' text in Vietnam. Every commune's row carries commune_id (Citus distributes by it);
-- violation_kinds belongs to the installation (seeded; extendable). Twin of pg/0011_patrols.sql.

-- A team's shifts: "Ca tối" 19:00–23:00; an end before the start runs past midnight.
CREATE TABLE duty_shifts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  commune_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),  -- minutes after midnight
  end_min INTEGER NOT NULL CHECK (end_min >= 0 AND end_min < 1440),
  created_at INTEGER NOT NULL
);
CREATE INDEX duty_shifts_team ON duty_shifts(team_id, id);

-- One member on one shift of one day; starts_at/ends_at are the shift's times on that day.
CREATE TABLE duty_slots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  commune_id INTEGER NOT NULL,
  shift_id INTEGER NOT NULL REFERENCES duty_shifts(id),
  day TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES people(id),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX duty_slots_one ON duty_slots(shift_id, day, person_id);
CREATE INDEX duty_slots_team ON duty_slots(team_id, starts_at);
CREATE INDEX duty_slots_person ON duty_slots(person_id, starts_at);
CREATE INDEX duty_slots_commune ON duty_slots(commune_id, starts_at);

-- A member asks to hand a duty to another member; the leader approves or refuses.
CREATE TABLE duty_swaps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  commune_id INTEGER NOT NULL,
  slot_id INTEGER NOT NULL REFERENCES duty_slots(id),
  from_person_id INTEGER NOT NULL REFERENCES people(id),
  to_person_id INTEGER NOT NULL REFERENCES people(id),
  reason TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
  requested_by INTEGER REFERENCES users(id),
  decided_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX duty_swaps_team ON duty_swaps(team_id, id);
CREATE INDEX duty_swaps_slot ON duty_swaps(slot_id);

CREATE TABLE patrols (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),   -- the team's block or group
  commune_id INTEGER NOT NULL,
  area TEXT NOT NULL,                              -- the area or route walked
  planned_start INTEGER NOT NULL,
  planned_end INTEGER NOT NULL,
  started_at INTEGER,                              -- NULL until the leader starts it
  ended_at INTEGER,                                -- NULL until the leader ends it
  findings TEXT,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX patrols_commune ON patrols(commune_id, planned_start);
CREATE INDEX patrols_team ON patrols(team_id, planned_start);

-- Joint forces: the organisations that walked with the team (police, military command, health station…).
CREATE TABLE patrol_forces (
  patrol_id INTEGER NOT NULL REFERENCES patrols(id),
  commune_id INTEGER NOT NULL,
  organisation_id INTEGER NOT NULL REFERENCES organisations(id),
  PRIMARY KEY (patrol_id, organisation_id)
);

CREATE TABLE patrol_members (
  patrol_id INTEGER NOT NULL REFERENCES patrols(id),
  commune_id INTEGER NOT NULL,
  person_id INTEGER NOT NULL REFERENCES people(id),
  checked_in_at INTEGER,                           -- NULL until the member checks in
  lat REAL,
  lng REAL,
  PRIMARY KEY (patrol_id, person_id)
);
CREATE INDEX patrol_members_person ON patrol_members(person_id);

CREATE TABLE violation_kinds (
  code TEXT PRIMARY KEY,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO violation_kinds (code, name_vi, name_en, sort) VALUES
  ('public_order', 'Trật tự công cộng', 'Public order', 10),
  ('road_traffic', 'Trật tự an toàn giao thông', 'Road traffic', 20),
  ('fire_safety', 'Phòng cháy, chữa cháy', 'Fire safety', 30),
  ('epidemic', 'Quy định phòng, chống dịch (Chỉ thị 16 về Covid-19)', 'Epidemic rules (Covid-19 Directive 16)', 40),
  ('other', 'Vi phạm khác', 'Other', 1000);

CREATE TABLE violations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  patrol_id INTEGER REFERENCES patrols(id),        -- NULL for a standalone record
  unit_id INTEGER NOT NULL REFERENCES units(id),
  commune_id INTEGER NOT NULL,
  place TEXT,
  occurred_at INTEGER NOT NULL,
  kind TEXT NOT NULL REFERENCES violation_kinds(code),
  legal_basis TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('reminder', 'record', 'fine', 'referral')),
  record_no TEXT,
  fine_vnd INTEGER CHECK (fine_vnd IS NULL OR fine_vnd > 0),
  person_id INTEGER REFERENCES people(id),
  identity_sealed TEXT,                            -- free-text violator (name, birth year, address), crypto_seal'd
  summary TEXT,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX violations_commune ON violations(commune_id, occurred_at);
CREATE INDEX violations_patrol ON violations(patrol_id);

CREATE TABLE violation_files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  violation_id INTEGER NOT NULL REFERENCES violations(id),
  commune_id INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX violation_files_violation ON violation_files(violation_id, id);

-- Calendar feeds: a token's keyed hash (never the token) for a team's or a member's duties.
CREATE TABLE ical_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('team', 'member')),
  team_id INTEGER REFERENCES teams(id),
  person_id INTEGER REFERENCES people(id),
  commune_id INTEGER NOT NULL,
  token_hash TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX ical_tokens_hash ON ical_tokens(token_hash);
CREATE INDEX ical_tokens_team ON ical_tokens(team_id);
CREATE INDEX ical_tokens_person ON ical_tokens(person_id);
