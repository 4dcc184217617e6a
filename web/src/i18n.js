// Text and formats: every visible string comes from web/i18n/vi.json or en.json through t(key, params).
// Vietnamese by default; the English switch is kept in localStorage and sets <html lang>.
// Dates are shown dd/MM/yyyy in Asia/Ho_Chi_Minh, numbers the vi-VN way, whatever the language.
import vi from '../i18n/vi.json';
import en from '../i18n/en.json';

const dicts = { vi, en };
const STORE_KEY = 'tiengmo.lang';
const listeners = new Set();

function initialLang() {
  try {
    const saved = localStorage.getItem(STORE_KEY);
    if (saved && dicts[saved]) return saved;
  } catch (e) { /* storage may be off */ }
  return 'vi';
}

let lang = initialLang();
document.documentElement.lang = lang;

export function getLang() { return lang; }

export function setLang(next) {
  if (!dicts[next] || next === lang) return;
  lang = next;
  document.documentElement.lang = next;
  try { localStorage.setItem(STORE_KEY, next); } catch (e) { /* storage may be off */ }
  listeners.forEach((fn) => fn(next));
}

// Calls fn(lang) after each switch; returns the unsubscribe function.
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// The text for key in the current language ({name} replaced from params), the Vietnamese text when the
// English one is missing, or the key itself (so a missing text is visible, never blank).
export function t(key, params) {
  let s = dicts[lang][key];
  if (s === undefined) s = dicts.vi[key];
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? String(params[k]) : m));
  return s;
}

// True when the current language has a text for key.
export function hasText(key) {
  return dicts[lang][key] !== undefined || dicts.vi[key] !== undefined;
}

const TZ = 'Asia/Ho_Chi_Minh';
const dateParts = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeParts = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const numberFmt = new Intl.NumberFormat('vi-VN');

function parts(fmt, d) {
  const o = {};
  fmt.formatToParts(d).forEach((p) => { o[p.type] = p.value; });
  return o;
}

// "2026-11-29T10:20:00+07:00" or "2026-11-29" → "29/11/2026" (Asia/Ho_Chi_Minh); '' for nothing.
export function formatDate(value) {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const p = parts(dateParts, d);
  return `${p.day}/${p.month}/${p.year}`;
}

// A time as "29/11/2026 10:20" in Asia/Ho_Chi_Minh.
export function formatDateTime(value) {
  const day = formatDate(value);
  if (!day || /^\d{4}-\d{2}-\d{2}$/.test(value)) return day;
  const p = parts(timeParts, new Date(value));
  return `${day} ${p.hour}:${p.minute}`;
}

// 4600 → "4.600".
export function formatNumber(n) {
  return numberFmt.format(n);
}
