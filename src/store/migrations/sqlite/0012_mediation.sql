-- 0012_mediation: grassroots mediation (hòa giải ở cơ sở, Law 35/2013/QH13) — the cases a mediation
-- team receives, their parties, the mediators (team members, people of the register), and the
-- sessions held; the team's yearly book (Sổ theo dõi hoạt động hòa giải ở cơ sở) is read from these.
-- Dates are 'YYYY-MM-DD' text (Vietnam's calendar day; they sort, compare and bucket by month with
-- substr on both engines); times are Unix seconds. Names and addresses of the requester and the
-- parties are personal data: sealed with the key file (crypto_seal), never stored in clear.
-- The pg/ twin holds the same tables.

CREATE TABLE mediation_cases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),   -- the team's unit (for scope)
  commune_id INTEGER NOT NULL,
  year INTEGER NOT NULL,                           -- the year of received_on: the book's year
  number INTEGER NOT NULL,                         -- số thứ tự in the team's book of that year
  received_on TEXT NOT NULL,
  requester_sealed TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('marriage_family', 'land', 'neighbours', 'civil',
    'minor_violation', 'other')),
  summary TEXT NOT NULL,
  invited TEXT,                                    -- people invited to help (free text)
  result TEXT CHECK (result IN ('settled', 'not_settled', 'withdrawn', 'transferred')),
  concluded_on TEXT,
  agreement TEXT,
  follow_up TEXT,
  follow_up_on TEXT,
  notes TEXT,                                      -- the book's "ghi chú"
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (result IS NULL OR concluded_on IS NOT NULL)
);
CREATE UNIQUE INDEX mediation_cases_number ON mediation_cases(team_id, year, number);
CREATE INDEX mediation_cases_commune ON mediation_cases(commune_id, received_on);
CREATE INDEX mediation_cases_unit ON mediation_cases(unit_id, received_on);

CREATE TABLE mediation_parties (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES mediation_cases(id),
  commune_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  name_sealed TEXT NOT NULL,
  birth_year INTEGER,
  address_sealed TEXT
);
CREATE INDEX mediation_parties_case ON mediation_parties(case_id, position);

CREATE TABLE mediation_mediators (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES mediation_cases(id),
  commune_id INTEGER NOT NULL,
  person_id INTEGER NOT NULL REFERENCES people(id)
);
CREATE UNIQUE INDEX mediation_mediators_case ON mediation_mediators(case_id, person_id);
CREATE INDEX mediation_mediators_person ON mediation_mediators(person_id);

CREATE TABLE mediation_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES mediation_cases(id),
  commune_id INTEGER NOT NULL,
  held_on TEXT NOT NULL,
  notes TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id, held_on, id);
