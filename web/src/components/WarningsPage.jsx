// "Cảnh báo" (/warnings, officers): issue a public warning for the commune or a block (kind, severity,
// title, what happened, what to do, how long it lasts) — it appears on the citizens' pages and in the
// public CAP feed — and cancel one in force. Expired and cancelled warnings stay listed, marked so.
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { errorText, fieldErrors } from '../errors.js';
import { ALARM_SECTION, WARNING_KINDS, WARNING_SEVERITIES, isInstallAdmin } from '../alarms.js';
import { SectionLinks } from './SectionLinks.jsx';
import { Link } from '../router.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';

const DURATIONS = [6, 12, 24, 72, 168, 0]; // hours; 0: until cancelled

// A time `hours` from now as "2026-11-29T18:20:00+07:00".
function vnTimeFromNow(hours) {
  const d = new Date(Date.now() + hours * 3600 * 1000 + 7 * 3600 * 1000);
  return d.toISOString().slice(0, 19) + '+07:00';
}

function inForce(w) {
  if (w.status) return w.status === 'active';
  if (w.cancelled_at) return false;
  return !w.expires_at || Date.parse(w.expires_at) > Date.now();
}

function IssueForm({ units, onIssued }) {
  const places = (units || []).filter((u) => ['commune', 'block', 'group'].includes(u.kind))
    .sort((a, b) => (a.kind === 'commune') === (b.kind === 'commune') ? byName(a, b) : a.kind === 'commune' ? -1 : 1);
  const blank = { unit_id: '', kind: '', severity: 'moderate', title: '', body: '', instruction: '', hours: '24' };
  const [f, setF] = useState(blank);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const unit = f.unit_id || (places[0] ? String(places[0].id) : '');
  const submit = async (e) => {
    e.preventDefault();
    const local = {};
    if (!f.kind) local.kind = t('warning.need_kind');
    if (!f.title.trim()) local.title = t('warning.need_title');
    if (!f.body.trim()) local.body = t('warning.need_body');
    if (Object.keys(local).length) { setError({ code: 'validation_failed', local }); return; }
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const body = { unit_id: Number(unit), kind: f.kind, severity: f.severity, title: f.title.trim(), body: f.body.trim() };
      if (f.instruction.trim()) body.instruction = f.instruction.trim();
      if (Number(f.hours)) body.expires_at = vnTimeFromNow(Number(f.hours));
      await api.post('/api/v1/warnings', body);
      setF(blank);
      setDone(t('warning.issued'));
      onIssued();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = error && error.local ? error.local : fieldErrors(error);
  return (
    <form class="card" onSubmit={submit} noValidate>
      <h2>{t('warning.add')}</h2>
      <FormError text={error && !error.local ? errorText(error) : ''} />
      <div class="row">
        <Field as="select" label={t('warning.unit')} value={unit} error={fields.unit_id} onChange={set('unit_id')}>
          {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
        </Field>
        <Field as="select" label={t('warning.kind_label')} value={f.kind} error={fields.kind} onChange={set('kind')}>
          <option value="">{t('warning.kind_choose')}</option>
          {WARNING_KINDS.map((k) => <option key={k} value={k}>{t('warning.kind.' + k)}</option>)}
        </Field>
        <Field as="select" label={t('warning.severity_label')} value={f.severity} error={fields.severity} onChange={set('severity')}>
          {WARNING_SEVERITIES.map((k) => <option key={k} value={k}>{t('warning.severity.' + k)}</option>)}
        </Field>
      </div>
      <Field label={t('warning.title_label')} value={f.title} maxlength={200} error={fields.title} onInput={set('title')} />
      <Field as="textarea" rows={4} label={t('warning.body_label')} value={f.body} maxlength={4000} error={fields.body} onInput={set('body')} />
      <Field as="textarea" rows={2} label={t('warning.instruction_label')} value={f.instruction} maxlength={2000}
        error={fields.instruction} onInput={set('instruction')} />
      <Field as="select" label={t('warning.duration')} value={f.hours} error={fields.expires_at} onChange={set('hours')}>
        {DURATIONS.map((h) => <option key={h} value={String(h)}>{h ? t('warning.hours', { n: h }) : t('warning.until_cancelled')}</option>)}
      </Field>
      <button type="submit" class="btn btn-primary" disabled={busy}>{t('warning.issue')}</button>
      {done && <p class="ok-text" role="status">{done}</p>}
    </form>
  );
}

function CancelButton({ w, onDone }) {
  const [ask, setAsk] = useState(false);
  const [error, setError] = useState('');
  const cancel = async () => {
    try { await api.post(`/api/v1/warnings/${w.id}/cancel`, {}); onDone(); } catch (err) { setError(errorText(err)); }
  };
  if (!ask) return <button type="button" class="btn btn-small" onClick={() => setAsk(true)} aria-label={t('warning.cancel_of', { title: w.title })}>{t('warning.cancel')}</button>;
  return (
    <span class="alarm-confirm">
      <span>{t('warning.cancel_confirm')}</span>
      <button type="button" class="btn btn-small btn-danger" onClick={cancel}>{t('warning.cancel_yes')}</button>
      <button type="button" class="btn btn-small" onClick={() => setAsk(false)}>{t('alarm.act.cancel')}</button>
      {error && <span class="error-text" role="alert">{error}</span>}
    </span>
  );
}

export function WarningsPage({ user }) {
  usePageTitle(t('warning.nav'));
  const { units } = useUnits();
  const list = useFetch('/api/v1/warnings', { all: true });
  const rows = (list.body && list.body.data) || [];
  return (
    <section class="page">
      <h1>{t('warning.nav')}</h1>
      <SectionLinks here="/warnings" links={ALARM_SECTION} label="alarm.nav" user={user} />
      <p class="muted">{t('warning.intro')}</p>
      {isInstallAdmin(user) && <p><Link href="/settings/alerts">{t('warning.settings_link')}</Link></p>}
      <IssueForm units={units} onIssued={list.reload} />
      <section class="card" aria-labelledby="warning-list-title">
        <h2 id="warning-list-title">{t('warning.list_title')}</h2>
        <FormError text={list.error ? errorText(list.error) : ''} />
        {list.body && !rows.length && <p class="muted">{t('warning.none')}</p>}
        <ul class="record-list">
          {rows.map((w) => (
            <li key={w.id}>
              <span class="record-title">{w.title}</span>
              <span class={`badge pw-badge-${w.severity}`}>{t('warning.severity.' + w.severity)}</span>
              {!inForce(w) && <span class="badge badge-off">{w.cancelled_at ? t('warning.cancelled') : t('warning.expired')}</span>}
              <p class="record-meta">
                <span>{t('warning.kind.' + w.kind)}</span>
                {w.unit_name && <span>{w.unit_name}</span>}
                <span>{t('warning.since', { at: formatDateTime(w.effective_at) })}</span>
                {w.expires_at && <span>{t('warning.until', { at: formatDateTime(w.expires_at) })}</span>}
              </p>
              <p class="tip-snippet">{w.body}</p>
              {w.cap_url && <p class="record-meta"><a href={w.cap_url}>{t('warning.cap_link')}</a></p>}
              {inForce(w) && <div class="member-actions"><CancelButton w={w} onDone={list.reload} /></div>}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
