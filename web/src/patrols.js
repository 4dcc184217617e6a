// Patrols, duty rosters and violation records in the browser: the states and actions as the API spells
// them (src/api/patrols.c, src/domain/patrol_rules.c), who may read and keep them (a mirror of
// src/domain/perm.c's BOOKS_READ / BOOKS_WRITE / PERM_CHECKIN, to show only what will work — the server
// still decides by team and unit), ISO weeks in Vietnam time for the roster, and small formatters.
import { t, formatDate, formatNumber } from './i18n.js';
import './patrols.css';

export const PATROL_STATES = ['planned', 'open', 'ended'];
export const VIOLATION_ACTIONS = ['reminder', 'record', 'fine', 'referral'];

const READ = ['admin', 'officer', 'team_leader', 'member', 'viewer'];
const WRITE = ['admin', 'officer', 'team_leader'];

// Does the user read patrols, rosters and violation records somewhere (patrols.read)?
export function canPatrols(user) {
  return !!user && (user.grants || []).some((g) => READ.includes(g.role));
}

// Does the user keep rosters and record patrols and violations somewhere (patrols.write)?
export function canPatrolsWrite(user) {
  return !!user && (user.grants || []).some((g) => WRITE.includes(g.role));
}

const DAY = 86400000;
const VN = 7 * 3600000;

// The ISO week ("2026-W10") holding the Vietnamese day `iso` ("YYYY-MM-DD"; today when empty).
export function isoWeekOf(iso) {
  const base = iso ? new Date(iso + 'T00:00:00Z') : new Date(Date.now() + VN);
  const day = (base.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate() - day + 3));
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * DAY)) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

// The Monday ("YYYY-MM-DD") of an ISO week; null when malformed.
export function weekMonday(week) {
  const m = /^(\d{4})-W(\d{2})$/.exec(week || '');
  if (!m) return null;
  const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
  const monday1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY;
  return new Date(monday1 + (Number(m[2]) - 1) * 7 * DAY).toISOString().slice(0, 10);
}

// The ISO week `n` weeks after `week` (before when negative).
export function shiftWeek(week, n) {
  const monday = weekMonday(week);
  if (!monday) return isoWeekOf('');
  return isoWeekOf(new Date(new Date(monday + 'T00:00:00Z').getTime() + n * 7 * DAY).toISOString().slice(0, 10));
}

// "Thứ Hai, 02/03/2026" for a day "YYYY-MM-DD".
export function dayText(iso) {
  const wd = (new Date(iso + 'T00:00:00Z').getUTCDay() + 6) % 7;
  return `${t('roster.weekday.' + wd)}, ${formatDate(iso)}`;
}

// "19:00" of an API time, in Vietnam.
export function timeText(value) {
  if (!value) return '';
  const d = new Date(new Date(value).getTime() + VN);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

// The API time of a Vietnamese day "YYYY-MM-DD" at "HH:MM".
export function vnInstant(iso, hhmm) {
  return `${iso}T${hhmm}:00+07:00`;
}

// The Vietnamese day "YYYY-MM-DD" of an API time.
export function vnDay(value) {
  return new Date(new Date(value).getTime() + VN).toISOString().slice(0, 10);
}

// "2.000.000 ₫".
export function vndText(n) {
  return `${formatNumber(n)} ₫`;
}

// The state's words for a patrol.
export function stateText(state) {
  return t('patrol.state.' + state);
}

// Is "HH:MM" a time of day?
export function isHhmm(s) {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(s || '');
}
