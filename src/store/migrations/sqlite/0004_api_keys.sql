-- 0004_api_keys: the keys that Open311 clients send as `api_key` when they POST a service request.
-- Only a keyed hash of each key is stored (crypto_keyed_hash_hex, purpose "api_key"); the key itself is
-- shown once when it is made. A revoked key keeps its row (revoked_at set) so the list shows its
-- history. The pg/ twin holds the same table. Keys belong to the installation and carry no commune.

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL UNIQUE,
  created_by INTEGER REFERENCES users(id),   -- NULL when made from the command line
  created_at INTEGER NOT NULL,
  revoked_at INTEGER                         -- NULL while the key works
);
