// The ward's forces in the browser: the kinds of teams and organisations, member roles and genders as
// the API spells them, what each role may do (a mirror of src/domain/perm.c, to show only the buttons
// that will work — the server still decides), and date input in dd/MM/yyyy.
export const TEAM_KINDS = ['security_order', 'mediation', 'self_managed', 'shock', 'community_self_managed', 'fire_prevention'];
export const ORG_KINDS = ['police', 'fatherland_front', 'womens_union', 'farmers_union', 'veterans_association',
  'youth_union', 'school', 'military_command', 'health_station', 'other'];
export const MEMBER_ROLES = ['leader', 'deputy', 'member'];
export const GENDERS = ['male', 'female', 'other'];
export const USER_ROLES = ['admin', 'officer', 'coordinator', 'team_leader', 'member', 'viewer'];

const ROLES_FOR = {
  units_write: ['admin', 'officer'],
  people_write: ['admin', 'officer', 'team_leader'],
  teams_write: ['admin', 'officer', 'team_leader'],
  orgs_write: ['admin', 'officer', 'coordinator'],
  users_admin: ['admin'],
  audit_read: ['admin', 'officer'],
  sensitive: ['admin', 'officer'],
};

// Does the user hold, through any grant, a role that may do `what` (a key of ROLES_FOR)?
export function can(user, what) {
  const roles = ROLES_FOR[what] || [];
  return !!user && (user.grants || []).some((g) => roles.includes(g.role));
}

// "29/11/2026" (or "29/11/2026" with 1-digit day/month) → "2026-11-29"; '' → ''; null when malformed.
export function parseDate(text) {
  const s = (text || '').trim();
  if (!s) return '';
  const m = s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
  if (!m) return null;
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const y = Number(m[3]);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Today in Asia/Ho_Chi_Minh as "YYYY-MM-DD".
export function todayIso() {
  const p = {};
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date()).forEach((x) => { p[x.type] = x.value; });
  return `${p.year}-${p.month}-${p.day}`;
}

// A query string from an object, leaving out empty values: {q: 'an', kind: ''} → "?q=an".
export function qs(params) {
  const u = new URLSearchParams();
  Object.keys(params).forEach((k) => {
    if (params[k] !== undefined && params[k] !== null && params[k] !== '') u.set(k, String(params[k]));
  });
  const s = u.toString();
  return s ? '?' + s : '';
}
