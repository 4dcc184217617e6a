// The "Lịch sử" tab: a record's history from GET /api/v1/audit (newest first), read from one or more
// sources ({entity, id, label?}: a team's history is the team's entries and those of its memberships). Each
// entry shows when, who, what was done (in words) and the details the log keeps — as text.
import { useEffect, useState } from 'preact/hooks';
import { t, hasText, formatDateTime } from '../i18n.js';
import { getAll } from '../api.js';
import { errorText } from '../errors.js';
import { FormError } from './FormError.jsx';

function actionText(action) {
  const key = 'audit.' + action;
  return hasText(key) ? t(key) : action;
}

// A detail's value in words: roles, kinds, genders and dates the way the rest of the app says them.
function valueText(k, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map((x) => (hasText('field.' + x) ? t('field.' + x) : valueText('', x))).join(', ');
  if (typeof v === 'object') return Object.keys(v).map((x) => `${label(x)}: ${valueText(x, v[x])}`).join('; ');
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (k === 'role' && hasText('member.role.' + v)) return t('member.role.' + v);
  if (k === 'role' && hasText('role.' + v)) return t('role.' + v);
  if (k === 'kind' && hasText('team.kind.' + v)) return t('team.kind.' + v);
  if (k === 'kind' && hasText('org.kind.' + v)) return t('org.kind.' + v);
  if (k === 'kind' && hasText('unit.kind.' + v)) return t('unit.kind.' + v);
  if (k === 'gender' && hasText('gender.' + v)) return t('gender.' + v);
  if (k === 'status' && hasText('inbox_status.' + v)) return t('inbox_status.' + v); /* a tip's */
  if (k === 'status' && hasText('casestatus.' + v)) return t('casestatus.' + v);
  if (k === 'category' && hasText('casecat.' + v)) return t('casecat.' + v);
  if (v === 0 && ['duplicate_of', 'assigned_to', 'case_id'].includes(k)) return '—'; /* a tip's "none" */
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return formatDateTime(v);
  return String(v);
}

function label(k) {
  return hasText('auditkey.' + k) ? t('auditkey.' + k) : k;
}

// Ids mean nothing to a reader; the rest is shown.
const HIDDEN = ['unit_id', 'commune_id', 'team_id', 'person_id', 'member_id', 'grant_id', 'user_id'];

export function HistoryDetail({ detail }) {
  const keys = detail ? Object.keys(detail).filter((k) => !HIDDEN.includes(k) && detail[k] !== null && detail[k] !== '') : [];
  if (keys.length === 0) return null;
  return (
    <ul class="history-detail">
      {keys.map((k) => (
        <li key={k}>
          <span class="muted">{label(k)}:</span> {valueText(k, detail[k])}
        </li>
      ))}
    </ul>
  );
}

export function HistoryList({ sources }) {
  const [entries, setEntries] = useState(null);
  const [error, setError] = useState(null);
  const key = sources.map((s) => `${s.entity}:${s.id}`).join(',');
  useEffect(() => {
    let live = true;
    setEntries(null);
    Promise.all(sources.map((s) => getAll(`/api/v1/audit?entity=${s.entity}&entity_id=${s.id}`, 5)))
      .then((lists) => {
        if (!live) return;
        const all = [].concat(...lists.map((l, i) => l.map((e) => ({ ...e, about: sources[i].label }))));
        all.sort((a, b) => b.seq - a.seq);
        setEntries(all);
      })
      .catch((e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [key]);

  return (
    <div class="card">
      <h2>{t('tabs.history')}</h2>
      <FormError text={error ? errorText(error) : ''} />
      {!entries && !error && <p role="status">{t('app.loading')}</p>}
      {entries && entries.length === 0 && <p>{t('history.empty')}</p>}
      {entries && entries.length > 0 && (
        <ol class="history">
          {entries.map((e) => (
            <li key={e.seq}>
              <p class="history-head">
                <strong>{actionText(e.action)}{e.about ? ` — ${e.about}` : ''}</strong>
                <span class="muted">{t('history.by', { who: e.actor || '—', at: formatDateTime(e.at) })}</span>
              </p>
              <HistoryDetail detail={e.detail} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
