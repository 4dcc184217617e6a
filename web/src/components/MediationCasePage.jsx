// One mediation case (/mediation/:id), from receipt to result: its facts, the parties and mediators,
// the main content; the sessions held (and a form to record one); the result with its conclusion
// date, the agreement of a settled case and the follow-up (saved with PATCH; the server's rules answer
// field by field); and deleting a case entered by mistake while no session is recorded.
import { useState } from 'preact/hooks';
import '../mediation.css';
import { t, formatDate } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { parseDate, todayIso } from '../forces.js';
import { MEDIATION_RESULTS, canMediationWrite, partyLine } from '../mediation.js';
import { DateField, isoToText } from './DateField.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LoadState } from './LoadState.jsx';
import { ResultBadge } from './MediationCasesPage.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

function SessionForm({ c, onSaved }) {
  const [day, setDay] = useState(isoToText(todayIso()));
  const [notes, setNotes] = useState('');
  const [error, setError] = useState(null);
  const [dateErr, setDateErr] = useState('');
  const onSubmit = async (e) => {
    e.preventDefault();
    const held = parseDate(day);
    if (!held) { setDateErr(t('inbox.date_invalid')); return; }
    setDateErr('');
    setError(null);
    try {
      await api.post(`/api/v1/mediation/cases/${c.id}/sessions`, { held_on: held, notes: notes.trim() });
      setNotes('');
      onSaved();
    } catch (err) { setError(err); }
  };
  const fe = fieldErrors(error);
  return (
    <form class="subform" onSubmit={onSubmit} noValidate aria-label={t('mediation.session_add')}>
      <FormError text={error ? errorText(error) : ''} />
      <DateField label={t('mediation.held_on')} value={day} error={dateErr || fe.held_on} onInput={setDay} />
      <Field as="textarea" label={t('mediation.session_notes')} value={notes} error={fe.notes} rows={3} maxlength={5000} onInput={(e) => setNotes(e.currentTarget.value)} />
      <button type="submit" class="btn btn-primary">{t('mediation.session_add')}</button>
    </form>
  );
}

function ResultForm({ c, onSaved }) {
  const [v, setV] = useState({
    result: c.result || '', concluded: isoToText(c.concluded_on || ''), agreement: c.agreement || '',
    follow_up: c.follow_up || '', follow_up_on: isoToText(c.follow_up_on || ''),
  });
  const [error, setError] = useState(null);
  const [bad, setBad] = useState({});
  const [saved, setSaved] = useState(false);
  const set = (k) => (e) => { setSaved(false); setV({ ...v, [k]: typeof e === 'string' ? e : e.currentTarget.value }); };
  const onSubmit = async (e) => {
    e.preventDefault();
    const concluded = parseDate(v.concluded);
    const followOn = parseDate(v.follow_up_on);
    const errs = {};
    if (concluded === null) errs.concluded_on = t('inbox.date_invalid');
    if (followOn === null) errs.follow_up_on = t('inbox.date_invalid');
    setBad(errs);
    if (Object.keys(errs).length) return;
    setError(null);
    const body = {
      result: v.result || null, concluded_on: concluded || null,
      agreement: v.result === 'settled' && v.agreement.trim() ? v.agreement.trim() : null,
      follow_up: v.follow_up.trim() || null, follow_up_on: followOn || null,
    };
    try {
      await api.patch(`/api/v1/mediation/cases/${c.id}`, body);
      setSaved(true);
      onSaved();
    } catch (err) { setError(err); }
  };
  const fe = { ...fieldErrors(error), ...bad };
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('mediation.result_title')}>
      <FormError text={error ? errorText(error) : ''} />
      <div class="filter-grid">
        <Field as="select" label={t('mediation.result')} value={v.result} error={fe.result} onChange={set('result')}>
          <option value="">{t('mediation.result.open')}</option>
          {MEDIATION_RESULTS.map((k) => <option key={k} value={k}>{t('mediation.result.' + k)}</option>)}
        </Field>
        <DateField label={t('mediation.concluded_on')} value={v.concluded} error={fe.concluded_on} onInput={set('concluded')} />
      </div>
      {v.result === 'settled' && (
        <Field as="textarea" label={t('mediation.agreement')} value={v.agreement} error={fe.agreement} rows={3} maxlength={5000} onInput={set('agreement')} />
      )}
      <div class="filter-grid">
        <Field label={t('mediation.follow_up')} value={v.follow_up} error={fe.follow_up} maxlength={1000} onInput={set('follow_up')} />
        <DateField label={t('mediation.follow_up_on')} value={v.follow_up_on} error={fe.follow_up_on} onInput={set('follow_up_on')} />
      </div>
      {fe.mediator_ids && <p class="error-text">{fe.mediator_ids}</p>}
      <button type="submit" class="btn btn-primary">{t('action.save')}</button>
      {saved && <p role="status" class="alert-ok">{t('mediation.saved')}</p>}
    </form>
  );
}

export function MediationCasePage({ params, user }) {
  const f = useFetch(`/api/v1/mediation/cases/${encodeURIComponent(params.id)}`);
  const [error, setError] = useState(null);
  const c = f.body && f.body.data;
  usePageTitle(c ? t('mediation.case_title', { number: c.number, year: c.year }) : t('mediation.title'));
  if (!c) return <LoadState fetch={f} title={t('mediation.title')} notFound={t('mediation.not_found')} />;
  const write = canMediationWrite(user);
  const onDelete = async () => {
    if (!window.confirm(t('mediation.delete_confirm'))) return;
    try {
      await api.del(`/api/v1/mediation/cases/${c.id}`);
      navigate('/mediation');
    } catch (err) { setError(err); }
  };
  return (
    <section class="page">
      <p class="crumbs"><Link href="/mediation">{t('mediation.title')}</Link></p>
      <h1>{t('mediation.case_title', { number: c.number, year: c.year })} — {t('mediation.kind.' + c.kind)}</h1>
      <dl class="facts">
        <div><dt>{t('mediation.result')}</dt><dd><ResultBadge c={c} /></dd></div>
        <div><dt>{t('mediation.received_on')}</dt><dd>{formatDate(c.received_on)}</dd></div>
        <div><dt>{t('mediation.team')}</dt><dd>{c.team_name}</dd></div>
        <div><dt>{t('mediation.requester')}</dt><dd>{c.requester}</dd></div>
        {c.concluded_on && <div><dt>{t('mediation.concluded_on')}</dt><dd>{formatDate(c.concluded_on)}</dd></div>}
      </dl>
      <p class="links-row"><Link href={`/mediation/book?team_id=${c.team_id}&year=${c.year}`}>{t('mediation.in_book')}</Link></p>
      <div class="card">
        <h2>{t('mediation.parties')}</h2>
        <ul>{c.parties.map((p, i) => <li key={i}>{partyLine(p, c.year)}</li>)}</ul>
        <h2>{t('mediation.summary')}</h2>
        <p class="tip-description">{c.summary}</p>
        <h2>{t('mediation.mediators')}</h2>
        <p>{c.mediators.length ? c.mediators.map((m) => m.full_name).join(', ') : '—'}</p>
        {c.invited && <p><strong>{t('mediation.invited')}:</strong> {c.invited}</p>}
        {c.notes && <p><strong>{t('mediation.notes')}:</strong> {c.notes}</p>}
      </div>
      <div class="card">
        <h2>{t('mediation.sessions')}</h2>
        {c.sessions.length === 0 ? <p>{t('mediation.no_sessions')}</p> : (
          <ul class="record-list">
            {c.sessions.map((s) => (
              <li key={s.id}><div class="record-title">{formatDate(s.held_on)}</div><p class="tip-description">{s.notes}</p></li>
            ))}
          </ul>
        )}
        {write && !c.concluded_on && <SessionForm c={c} onSaved={f.reload} />}
      </div>
      <div class="card">
        <h2>{t('mediation.result_title')}</h2>
        {c.agreement && <p><strong>{t('mediation.agreement')}:</strong> {c.agreement}</p>}
        {c.follow_up && <p><strong>{t('mediation.follow_up')}:</strong> {c.follow_up}{c.follow_up_on ? ` (${formatDate(c.follow_up_on)})` : ''}</p>}
        {write ? <ResultForm key={c.updated_at} c={c} onSaved={f.reload} /> : <p><ResultBadge c={c} /></p>}
      </div>
      {write && c.sessions.length === 0 && (
        <div class="card danger-zone">
          <FormError text={error ? errorText(error) : ''} />
          <button type="button" class="btn btn-danger" onClick={onDelete}>{t('mediation.delete')}</button>
        </div>
      )}
    </section>
  );
}
