// Helpers shared by the identity tests (10-session, 11-user-cli, 12-users): TOTP codes computed here
// with node:crypto per RFC 6238 (independently of the server's liboath), a small unit tree made through
// the units API, and a read of the audit log straight from the database.
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(s) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, '')) {
    const i = B32.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// The 6-digit TOTP code (HMAC-SHA1, 30-second steps) of a base32 secret at Unix time t (seconds).
export function totp(secret, t = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const off = h[h.length - 1] & 0x0f;
  const code = (h.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

// A 6-digit code that is valid in none of the steps a server could accept around now.
export function wrongTotp(secret) {
  const now = Date.now() / 1000;
  const valid = new Set([-2, -1, 0, 1, 2].map((k) => totp(secret, now + 30 * k)));
  for (let n = 0; ; n++) {
    const c = String((Number(totp(secret, now)) + 1 + n) % 1000000).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

// Creates a unit through the API as `client`; returns the Unit.
export async function makeUnit(client, kind, code, name, parentId) {
  const body = { kind, code, name };
  if (parentId) body.parent_id = parentId;
  const res = await client.post('/api/v1/units', body);
  assert.equal(res.status, 201, `unit ${code}: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

// The audit log rows (action, actor, entity_id) for entity `user`, oldest first, read from the database
// with the engine's own client.
export function auditOf(srv, entityId) {
  const url = srv.env.TIENGMO_DB;
  const sql = `SELECT action || '|' || actor || '|' || entity_id FROM audit_log WHERE entity = 'user' ` +
    `AND entity_id = '${Number(entityId)}' ORDER BY seq`;
  const r = url.startsWith('sqlite:')
    ? spawnSync('sqlite3', [url.slice('sqlite:'.length), sql], { encoding: 'utf8' })
    : spawnSync('psql', ['-X', '-A', '-t', '-d', url, '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`audit query failed: ${r.stderr || r.error}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => {
    const [action, actor, id] = l.split('|');
    return { action, actor, entity_id: id };
  });
}
