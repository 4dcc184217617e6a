-- 0010_outreach_models: the movement's outreach and models — the sessions that teach residents and
-- pupils the law (with their organisers, topics, audience groups and files), the extendable list of
-- topics, the models and clubs that partner organisations sponsor (their sites, activities and
-- evaluations), and the exemplars (điển hình tiên tiến) with their commendations. Times are Unix
-- seconds; every commune's row carries commune_id (Citus distributes by it); outreach_topics belongs to
-- the installation (seeded; listed in copy.c's seeded_tables). Twin of pg/0010_outreach_models.sql.

CREATE TABLE outreach_topics (
  code TEXT PRIMARY KEY,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outreach_topics (code, name_vi, name_en, sort) VALUES
  ('crime', 'Phòng, chống tội phạm', 'Crime prevention', 10),
  ('drugs', 'Phòng, chống ma túy', 'Drugs', 20),
  ('road_traffic', 'Luật Giao thông đường bộ', 'Road traffic law', 30),
  ('fire_explosion', 'Phòng cháy, chữa cháy và cháy nổ', 'Fire and explosion', 40),
  ('weapons', 'Vũ khí, vật liệu nổ, công cụ hỗ trợ', 'Weapons, explosives and support tools', 50),
  ('epidemics', 'Phòng, chống dịch bệnh', 'Epidemics', 60),
  ('trafficking', 'Phòng, chống mua bán người', 'Human trafficking', 70),
  ('domestic_violence', 'Phòng, chống bạo lực gia đình', 'Domestic violence', 80),
  ('online_fraud', 'Lừa đảo qua mạng', 'Online fraud', 90);

CREATE TABLE outreach_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('propaganda', 'campaign_launch', 'training', 'legal_consultation')),
  held_at INTEGER NOT NULL,
  place TEXT,
  participants INTEGER NOT NULL DEFAULT 0 CHECK (participants >= 0),
  notes TEXT,
  series_id INTEGER,  -- the id of the first session of a series entered at once; NULL for a single one
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX outreach_sessions_held ON outreach_sessions(commune_id, held_at);
CREATE INDEX outreach_sessions_unit ON outreach_sessions(unit_id, held_at);

CREATE TABLE outreach_organisers (
  session_id INTEGER NOT NULL REFERENCES outreach_sessions(id) ON DELETE CASCADE,
  organisation_id INTEGER NOT NULL REFERENCES organisations(id),
  commune_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY (session_id, organisation_id)
);
CREATE INDEX outreach_organisers_org ON outreach_organisers(organisation_id, session_id);

CREATE TABLE outreach_session_topics (
  session_id INTEGER NOT NULL REFERENCES outreach_sessions(id) ON DELETE CASCADE,
  topic TEXT NOT NULL REFERENCES outreach_topics(code),
  commune_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY (session_id, topic)
);
CREATE INDEX outreach_session_topics_topic ON outreach_session_topics(topic, session_id);

CREATE TABLE outreach_audiences (
  session_id INTEGER NOT NULL REFERENCES outreach_sessions(id) ON DELETE CASCADE,
  grp TEXT NOT NULL CHECK (grp IN ('residents', 'pupils', 'teachers', 'members')),
  organisation_id INTEGER REFERENCES organisations(id),  -- whose members (grp 'members' only)
  count INTEGER NOT NULL CHECK (count >= 0),
  commune_id INTEGER NOT NULL REFERENCES units(id)
);
CREATE INDEX outreach_audiences_session ON outreach_audiences(session_id);

CREATE TABLE outreach_files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id INTEGER NOT NULL REFERENCES outreach_sessions(id) ON DELETE CASCADE,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  role TEXT NOT NULL CHECK (role IN ('photo', 'sign_in')),
  sha256 TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX outreach_files_session ON outreach_files(session_id, id);

CREATE TABLE models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('club', 'team', 'residential', 'school')),
  name TEXT NOT NULL,
  description TEXT,
  sponsor_id INTEGER NOT NULL REFERENCES organisations(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX models_commune ON models(commune_id, id);
CREATE INDEX models_sponsor ON models(sponsor_id, id);

CREATE TABLE model_sites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  started_at INTEGER NOT NULL,
  members INTEGER NOT NULL DEFAULT 0 CHECK (members >= 0),
  created_at INTEGER NOT NULL
);
CREATE INDEX model_sites_model ON model_sites(model_id, id);

CREATE TABLE model_activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  held_at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('legal_consultation', 'meeting', 'propaganda', 'patrol', 'support',
    'reeducation', 'other')),
  people_reached INTEGER NOT NULL DEFAULT 0 CHECK (people_reached >= 0),
  cases_handled INTEGER NOT NULL DEFAULT 0 CHECK (cases_handled >= 0),
  notes TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX model_activities_held ON model_activities(commune_id, held_at);
CREATE INDEX model_activities_model ON model_activities(model_id, held_at);

CREATE TABLE model_evaluations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  period TEXT NOT NULL,   -- "2020", "2020-H1", "2020-Q3"
  rating TEXT NOT NULL CHECK (rating IN ('excellent', 'good', 'fair', 'weak')),
  notes TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX model_evaluations_model ON model_evaluations(model_id, id);

CREATE TABLE exemplars (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('person', 'team', 'organisation')),
  person_id INTEGER REFERENCES people(id),
  team_id INTEGER REFERENCES teams(id),
  organisation_id INTEGER REFERENCES organisations(id),
  name TEXT NOT NULL,
  achievement TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX exemplars_commune ON exemplars(commune_id, id);

CREATE TABLE exemplar_commendations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  exemplar_id INTEGER NOT NULL REFERENCES exemplars(id) ON DELETE CASCADE,
  commune_id INTEGER NOT NULL REFERENCES units(id),
  level TEXT NOT NULL CHECK (level IN ('commune', 'district', 'province', 'ministry')),
  awarded_at INTEGER NOT NULL,
  decision_no TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX exemplar_commendations_exemplar ON exemplar_commendations(exemplar_id, id);
