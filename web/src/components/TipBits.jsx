// Small pieces shared by the officer's tip and case pages: the status badge in words, the tip
// categories' names (from GET /api/v1/public/tip-categories), a tip's one-line title, and the API's own
// reason for a refusal next to the general error text.
import { t, getLang } from '../i18n.js';
import { errorText, fieldText } from '../errors.js';
import { useFetch } from './useFetch.js';

export function TipStatusBadge({ status }) {
  return <span class={`badge badge-tip-${status}`}>{t('inbox_status.' + status)}</span>;
}

export function CaseStatusBadge({ status }) {
  return <span class={`badge badge-case-${status}`}>{t('casestatus.' + status)}</span>;
}

// { list: [{code, name, public}] | null, name(code) }
export function useTipCategories() {
  const f = useFetch('/api/v1/public/tip-categories');
  const list = f.body ? f.body.data : null;
  const name = (code) => {
    const c = list && list.find((x) => x.code === code);
    return c ? c.name : code;
  };
  return { list, name };
}

// "Tin báo #12" or the case's number.
export function tipTitle(tip) {
  return t('tipdesk.title', { id: tip.id });
}

// The API's refusals about tips (the state machine's, the reveal's reason) in the current language;
// null for any other message.
const TIP_PATTERNS = [
  [/^the tip is already '(\w+)'$/, 'tipdesk.refuse_same', ['s']],
  [/^a tip cannot go from '(\w+)' to '(\w+)'; set it to 'verifying' first$/, 'tipdesk.refuse_verify_first', ['from', 'to']],
  [/^a tip cannot go from '(\w+)' to '(\w+)'$/, 'tipdesk.refuse_move', ['from', 'to']],
  [/^say which tip this one repeats/, 'tipdesk.refuse_dup_missing', []],
  [/^say why you need the identity/, 'tipdesk.reason_short', []],
];

export function tipMessage(msg) {
  if (!msg) return null;
  for (const [re, key, names] of TIP_PATTERNS) {
    const m = msg.match(re);
    if (!m) continue;
    if (getLang() === 'en') return msg;
    const params = {};
    names.forEach((n, i) => { params[n] = t('inbox_status.' + m[i + 1]); });
    return t(key, params);
  }
  return null;
}

// One field's message, the tip refusals first.
export function tipFieldText(err, name) {
  const msg = err && err.fields && err.fields[name];
  return msg ? tipMessage(msg) || fieldText(msg) : '';
}

// An error's text with the reasons the server gave (the state machine's refusal is one), as words.
export function refusalText(err) {
  if (!err) return '';
  const own = err.code === 'conflict' ? tipMessage(err.message) : null;
  const fields = Object.keys(err.fields || {}).map((k) => tipFieldText(err, k));
  const main = own || (err.code === 'validation_failed' && fields.length ? '' : errorText(err));
  return [main, ...fields].filter(Boolean).join(' ');
}
