// Alarms in the browser (the digital mõ): the kinds of alarm in the order the household page shows
// them, the statuses as the API spells them, who may do what (a mirror of src/domain/perm.c: ALARMS,
// PERM_ENROL, PERM_WARNINGS_WRITE — to show only the buttons that will work; the server still
// decides), the buttons an alarm in a status offers, and small formatting helpers shared by the
// household page, the live banner and the alarm pages.
import { t, hasText, getLang, formatNumber } from './i18n.js';
import './alarms.css';

export const ALARM_KINDS = ['fire', 'robbery', 'theft', 'fight', 'medical', 'flood_storm', 'other'];
export const OPEN_STATUSES = ['raised', 'acknowledged', 'responding'];
export const WARNING_KINDS = ['storm', 'flood', 'scam_wave', 'wanted', 'epidemic', 'other'];
export const WARNING_SEVERITIES = ['extreme', 'severe', 'moderate', 'minor'];

const ROLES_FOR = {
  alarms: ['admin', 'officer', 'team_leader', 'member'],
  enrol: ['admin', 'officer', 'team_leader'],
  warnings: ['admin', 'officer'],
};

function holds(user, what) {
  const roles = ROLES_FOR[what] || [];
  return !!user && (user.grants || []).some((g) => roles.includes(g.role));
}

// May the user see alarms, receive them live and answer them (admin, officer, team leader, member)?
export const canAlarms = (user) => holds(user, 'alarms');
// May the user enrol households (admin, officer, team leader)?
export const canEnrol = (user) => holds(user, 'enrol');
// May the user issue public warnings (admin, officer)?
export const canWarn = (user) => holds(user, 'warnings');
// Is the user an installation admin (an admin grant on no unit): feed tokens and webhooks.
export function isInstallAdmin(user) {
  return !!user && (user.grants || []).some((g) => g.role === 'admin' && !g.unit_id && !g.team_id);
}

// Is the alarm still open (raised, acknowledged or responding)?
export function isOpen(alarm) {
  return !!alarm && OPEN_STATUSES.includes(alarm.status);
}

// The buttons an alarm offers in its status: ack, respond, resolve, false_alarm (the server's state
// machine, src/domain/alarm_rules.h: raised → acknowledged → responding → resolved | false_alarm; a
// response also acknowledges, another member may respond to a responding alarm, and any open alarm
// may be resolved or marked a false alarm).
export function alarmActions(alarm) {
  if (!isOpen(alarm)) return [];
  if (alarm.status === 'raised') return ['ack', 'respond', 'resolve', 'false_alarm'];
  return ['respond', 'resolve', 'false_alarm'];
}

// The kind's name in the current language: our text, else the API's name for it, else the code.
export function kindName(code, kinds) {
  if (hasText('alarm.kind.' + code)) return t('alarm.kind.' + code);
  const k = (kinds || []).find((x) => x.code === code);
  if (k) return (getLang() === 'en' ? k.name_en : k.name_vi) || k.name || code;
  return code;
}

// The status in words; "false alarm" when a resolved alarm was marked so.
export function statusText(alarm) {
  if (!alarm) return '';
  if (alarm.false_alarm) return t('alarm.status.false_alarm');
  return hasText('alarm.status.' + alarm.status) ? t('alarm.status.' + alarm.status) : alarm.status;
}

// "Đang đến, khoảng 5 phút" for a responding alarm with an ETA, else the status.
export function statusLine(alarm) {
  if (alarm && alarm.status === 'responding' && alarm.eta_minutes) {
    return t('alarm.responding_eta', { n: formatNumber(alarm.eta_minutes) });
  }
  return statusText(alarm);
}

// 1234 → "1,2 km", 350 → "350 m".
export function distanceText(m) {
  if (m === null || m === undefined) return '';
  if (m >= 1000) return `${formatNumber(Math.round(m / 100) / 10)} km`;
  return `${formatNumber(Math.round(m))} m`;
}

// A link to the coordinates on OpenStreetMap (opened outside the app), or '' without a point.
export function mapLink(lat, lng) {
  if (lat === null || lat === undefined || lng === null || lng === undefined) return '';
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=18/${lat}/${lng}`;
}

// The gong pattern of a kind ("3-1") from the kinds list; "3" when unknown.
export function kindPattern(code, kinds) {
  const k = (kinds || []).find((x) => x.code === code);
  return (k && k.gong_pattern) || '3';
}

// The point of the phone as {lat, lng} (6 decimals), or throws 'denied' / 'unsupported'.
export function locateMe() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('unsupported')); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: Math.round(p.coords.latitude * 1e6) / 1e6, lng: Math.round(p.coords.longitude * 1e6) / 1e6 }),
      () => reject(new Error('denied')),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

// The alarm area's pages, for the links between them (SectionLinks): one entry in the main navigation.
export const ALARM_SECTION = [['/alarms', 'alarm.nav', canAlarms], ['/enrolments', 'enrol.nav', canEnrol], ['/warnings', 'warning.nav', canWarn]];
