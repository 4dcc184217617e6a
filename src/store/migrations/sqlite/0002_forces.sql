-- 0002_forces: the ward's forces — people, partner organisations, teams and their members.
-- Dates of birth and terms are 'YYYY-MM-DD' text (they sort and compare as text); times are Unix
-- seconds. The pg/ twin holds the same tables.

CREATE TABLE people (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  commune_id INTEGER,              -- the commune of unit_id (Citus distributes by it)
  full_name TEXT NOT NULL,
  name_key TEXT NOT NULL,          -- vn_name_key(full_name): Vietnamese order, by given name first
  name_folded TEXT NOT NULL,       -- vn_fold(full_name): search without tones and đ
  gender TEXT CHECK (gender IN ('male', 'female', 'other')),
  birth_date TEXT,                 -- 'YYYY-MM-DD' when the whole date is known
  birth_year INTEGER,              -- always set when birth_date is, else the year alone (or NULL)
  phone TEXT,
  address TEXT,
  national_id_sealed TEXT,         -- CCCD sealed with the key file (crypto_seal); never stored in clear
  national_id_last4 TEXT,          -- the last 4 digits, for the masked display
  national_id_hash TEXT,           -- keyed hash of the CCCD, to find duplicates without opening it
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX people_unit ON people(unit_id, id);
CREATE INDEX people_name ON people(name_key, id);
CREATE INDEX people_commune ON people(commune_id, id);
CREATE UNIQUE INDEX people_national_id ON people(national_id_hash);

CREATE TABLE organisations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  commune_id INTEGER,
  kind TEXT NOT NULL CHECK (kind IN ('police', 'fatherland_front', 'womens_union', 'farmers_union',
    'veterans_association', 'youth_union', 'school', 'military_command', 'health_station', 'other')),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX organisations_unit ON organisations(unit_id, id);

CREATE TABLE teams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER NOT NULL REFERENCES units(id),   -- a block or a residential group
  commune_id INTEGER,
  kind TEXT NOT NULL CHECK (kind IN ('security_order', 'mediation', 'self_managed', 'shock',
    'community_self_managed', 'fire_prevention')),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX teams_unit ON teams(unit_id, id);
CREATE INDEX teams_commune ON teams(commune_id, kind, id);

CREATE TABLE team_members (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  commune_id INTEGER,
  role TEXT NOT NULL CHECK (role IN ('leader', 'deputy', 'member')),
  term_from TEXT NOT NULL,         -- 'YYYY-MM-DD', the day of appointment
  term_to TEXT,                    -- 'YYYY-MM-DD', NULL while serving
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX team_members_team ON team_members(team_id, id);
CREATE INDEX team_members_person ON team_members(person_id);
