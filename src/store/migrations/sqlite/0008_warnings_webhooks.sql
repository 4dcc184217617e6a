-- 0008_warnings_webhooks: public warnings that officers issue (a storm, a wave of phone scams, a wanted
-- notice) and that the CAP 1.2 feeds and the public pages show; the tokens that open the restricted
-- CAP feed (alarms) to a partner system; and the webhooks that get a signed POST on alarm events, with
-- their deliveries (one row per webhook and event: the UNIQUE pair makes delivery once-only across
-- instances, and the row's next_try_at makes retries survive a restart). Times are Unix seconds.
-- Twin of pg/0008_warnings_webhooks.sql. Warnings and feed tokens carry their commune_id; a webhook
-- belongs to the installation (commune_id NULL: every commune) and a delivery carries its event's.

CREATE TABLE warnings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER NOT NULL REFERENCES units(id),      -- the area warned: the commune, a block or a group
  commune_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('storm', 'flood', 'scam_wave', 'wanted', 'epidemic', 'other')),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  instruction TEXT,
  severity TEXT NOT NULL CHECK (severity IN ('extreme', 'severe', 'moderate', 'minor')),
  lat REAL,                                           -- a point the warning is about, with its radius
  lng REAL,
  radius_km REAL,
  effective_at INTEGER NOT NULL,
  expires_at INTEGER,                                 -- NULL: until cancelled
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  cancelled_at INTEGER,                               -- NULL while in force
  cancelled_by INTEGER REFERENCES users(id),
  CHECK (expires_at IS NULL OR expires_at > effective_at),
  CHECK ((lat IS NULL) = (lng IS NULL))
);
CREATE INDEX warnings_commune ON warnings(commune_id, id);
CREATE INDEX warnings_current ON warnings(cancelled_at, expires_at);

CREATE TABLE feed_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_id INTEGER NOT NULL REFERENCES units(id),   -- the commune whose alarms the feed shows
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,                    -- keyed hash (purpose "feed_token"); the token is shown once
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  events TEXT NOT NULL,                               -- event names or "prefix.*", comma-separated
  commune_id INTEGER REFERENCES units(id),            -- NULL: events of every commune
  secret_sealed TEXT NOT NULL,                        -- crypto_seal of the signing secret
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  deleted_at INTEGER                                  -- NULL while active; deliveries keep their history
);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
  event_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  commune_id INTEGER,
  payload TEXT NOT NULL,                              -- the JSON body, signed at each attempt
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_code INTEGER,                                  -- the last HTTP status, NULL when none came back
  last_error TEXT,
  next_try_at INTEGER,                                -- NULL once delivered or given up
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_try_at);
