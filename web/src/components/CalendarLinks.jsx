// "Lịch trên điện thoại": the iCalendar links (RFC 5545 feeds at secret addresses) of a team's roster
// (its leader's, on the roster page) or of a member's own duties (on "my duties"). A new link is shown
// once with a copy button and the hint for adding it to a phone's calendar — the server keeps only a
// keyed hash of it — and every link can be revoked (its address answers "not found" from then on).
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api, request } from '../api.js';
import { errorText } from '../errors.js';
import { FormError } from './FormError.jsx';
import { useFetch } from './useFetch.js';

function NewLink({ made, onDone }) {
  const [copied, setCopied] = useState(false);
  const url = window.location.origin + made.path;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch (e) {
      const sel = window.getSelection();
      const el = document.getElementById('ical-value');
      if (sel && el) { const r = document.createRange(); r.selectNodeContents(el); sel.removeAllRanges(); sel.addRange(r); }
    }
  };
  return (
    <div class="subform" role="region" aria-labelledby="ical-made">
      <h3 id="ical-made">{t('roster.ical_made')}</h3>
      <p class="code ical-value" id="ical-value" data-testid="ical-url">{url}</p>
      <p class="hint">{t('roster.ical_hint')}</p>
      <div class="alert alert-warn" role="note">{t('roster.ical_once')}</div>
      <div class="actions">
        <button type="button" class="btn btn-primary" onClick={copy}>{t('roster.ical_copy')}</button>
        <button type="button" class="btn" onClick={onDone}>{t('roster.ical_done')}</button>
      </div>
      {copied && <p class="hint" role="status">{t('roster.ical_copied')}</p>}
    </div>
  );
}

// base: "/api/v1/teams/7/ical" or "/api/v1/me/ical" (GET lists, POST issues, DELETE base/ID revokes).
export function CalendarLinks({ base, title }) {
  const list = useFetch(base);
  const [made, setMade] = useState(null);
  const [error, setError] = useState(null);
  const issue = async () => {
    setError(null);
    try {
      const res = await request('POST', base); // no body: the route takes none
      setMade(res.data);
      list.reload();
    } catch (err) { setError(err); }
  };
  const revoke = async (id) => {
    setError(null);
    try {
      await api.del(`${base}/${id}`);
      list.reload();
    } catch (err) { setError(err); }
  };
  const links = list.body ? list.body.data.filter((l) => !l.revoked_at) : null;
  return (
    <div class="card">
      <h2>{title || t('roster.ical_title')}</h2>
      <p>{t('roster.ical_explain')}</p>
      <FormError text={error ? errorText(error) : list.error ? errorText(list.error) : ''} />
      {made && <NewLink made={made} onDone={() => setMade(null)} />}
      {links && links.length > 0 && (
        <ul class="record-list">
          {links.map((l) => (
            <li key={l.id} class="card-head">
              <span>{t('roster.ical_issued', { at: formatDateTime(l.created_at) })}</span>
              <button type="button" class="btn btn-small" onClick={() => revoke(l.id)}>
                {t('roster.ical_revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {links && links.length === 0 && !made && <p class="muted">{t('roster.ical_none')}</p>}
      {!made && <button type="button" class="btn" onClick={issue}>{t('roster.ical_issue')}</button>}
    </div>
  );
}
