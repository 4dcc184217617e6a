// Small pieces shared by the officer's tip and case pages: the status badge in words, the tip
// categories' names (from GET /api/v1/public/tip-categories), a tip's one-line title, and the API's own
// reason for a refusal next to the general error text.
import { t } from '../i18n.js';
import { errorText, fieldErrors } from '../errors.js';
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

// An error's text with the reasons the server gave for each field (the state machine's refusal is one).
export function refusalText(err) {
  if (!err) return '';
  const fields = Object.values(fieldErrors(err));
  const main = err.code === 'validation_failed' && fields.length ? '' : errorText(err);
  return [main, ...fields].filter(Boolean).join(' ');
}
