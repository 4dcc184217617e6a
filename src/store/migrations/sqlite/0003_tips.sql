-- 0003_tips: what citizens tell the police — tip categories, tips with their messages, timeline and
-- files — and the cases (vụ việc) that tips and other sources lead to; plus the counters that
-- rate-limit the public tip routes. Times are Unix seconds; flags are 0/1. The pg/ twin holds the
-- same tables. Every commune's row carries commune_id (Citus distributes by it); tip_categories and
-- public_throttle belong to the installation and carry none.

CREATE TABLE tip_categories (
  code TEXT PRIMARY KEY,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),  -- 1: listed publicly (Open311); 0: accepted, never listed
  sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tip_categories (code, name_vi, name_en, is_public, sort) VALUES
  ('drugs', 'Ma túy', 'Drugs', 0, 10),
  ('theft', 'Trộm cắp, cướp giật', 'Theft and robbery', 0, 20),
  ('gambling', 'Cờ bạc, lô đề', 'Gambling', 0, 30),
  ('trafficking', 'Mua bán người', 'Human trafficking', 0, 40),
  ('violence', 'Bạo lực, gây rối', 'Violence and fights', 0, 50),
  ('wanted_person', 'Đối tượng truy nã', 'Wanted person', 0, 60),
  ('noise', 'Gây ồn ào', 'Noise', 1, 70),
  ('obstruction', 'Lấn chiếm lòng đường, vỉa hè', 'Obstruction of streets and pavements', 1, 80),
  ('unlit_alley', 'Đường ngõ thiếu đèn', 'Unlit alley', 1, 90),
  ('fire_hazard', 'Nguy cơ cháy nổ', 'Fire hazard', 1, 100),
  ('other', 'Việc khác', 'Other', 0, 1000);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  commune_id INTEGER NOT NULL REFERENCES units(id),
  category TEXT NOT NULL CHECK (category IN ('crime', 'social_evil', 'traffic_accident', 'fire', 'dispute',
    'public_order', 'epidemic', 'other')),
  occurred_at INTEGER NOT NULL,
  place TEXT,
  source TEXT NOT NULL CHECK (source IN ('tip', 'patrol', 'alarm', 'walk_in', 'referral')),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating', 'transferred', 'closed')),
  summary TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX cases_commune ON cases(commune_id, id);
CREATE INDEX cases_unit ON cases(unit_id, id);
CREATE INDEX cases_occurred ON cases(commune_id, occurred_at);

CREATE TABLE tips (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER NOT NULL REFERENCES units(id),     -- the block or group chosen, else the commune itself
  commune_id INTEGER NOT NULL REFERENCES units(id),
  category TEXT NOT NULL REFERENCES tip_categories(code),
  description TEXT NOT NULL,
  description_folded TEXT NOT NULL,                  -- vn_fold(description): search without tones and đ
  address TEXT,
  lat REAL,
  lng REAL,
  occurred_at INTEGER,
  anonymous INTEGER NOT NULL DEFAULT 1 CHECK (anonymous IN (0, 1)),
  identity_sealed TEXT,                              -- crypto_seal of the identity JSON; NULL when anonymous
  receipt_hash TEXT NOT NULL UNIQUE,                 -- keyed hash of the 16-digit receipt; the receipt is never stored
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'verifying', 'forwarded', 'resolved',
    'unfounded', 'duplicate')),
  duplicate_of INTEGER REFERENCES tips(id),
  assigned_to INTEGER REFERENCES users(id),
  case_id INTEGER REFERENCES cases(id),
  source TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'phone', 'walk_in', 'open311')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL)),
  CHECK (anonymous = 0 OR identity_sealed IS NULL)
);
CREATE INDEX tips_commune ON tips(commune_id, id);
CREATE INDEX tips_unit ON tips(unit_id, id);
CREATE INDEX tips_status ON tips(commune_id, status, id);
CREATE INDEX tips_category ON tips(commune_id, category, id);
CREATE INDEX tips_created ON tips(commune_id, created_at);
CREATE INDEX tips_case ON tips(case_id);

CREATE TABLE tip_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tip_id INTEGER NOT NULL REFERENCES tips(id),
  commune_id INTEGER NOT NULL,
  author TEXT NOT NULL CHECK (author IN ('citizen', 'officer')),
  user_id INTEGER REFERENCES users(id),              -- the officer; NULL for the citizen
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX tip_messages_tip ON tip_messages(tip_id, id);

CREATE TABLE tip_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tip_id INTEGER NOT NULL REFERENCES tips(id),
  commune_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('received', 'status', 'assigned', 'case', 'message', 'reveal')),
  user_id INTEGER REFERENCES users(id),              -- NULL for the citizen
  from_value TEXT,                                   -- e.g. the old status
  to_value TEXT                                      -- e.g. the new status
);
CREATE INDEX tip_events_tip ON tip_events(tip_id, id);

CREATE TABLE tip_files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tip_id INTEGER NOT NULL REFERENCES tips(id),
  commune_id INTEGER NOT NULL,
  sha256 TEXT NOT NULL,                              -- of the stored (stripped) content: DATA_DIR/uploads/ab/cdef…
  mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'video/mp4', 'video/webm',
    'application/pdf')),
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX tip_files_tip ON tip_files(tip_id, id);
CREATE INDEX tip_files_sha ON tip_files(sha256);

CREATE TABLE public_throttle (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,             -- what was counted + ':' + keyed hash of the client address (never the address)
  at INTEGER NOT NULL
);
CREATE INDEX public_throttle_key ON public_throttle(key, at);
