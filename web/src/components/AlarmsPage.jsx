// "Báo động" (/alarms): the open alarms of the user's scope, live (the shared list of alarmLive.js, with
// the answers each allows), the recent ones (GET /api/v1/alarms?status=all, asked again whenever the
// live list changes), the member's duty switch with "share my location" (PUT /api/v1/me/duty: the
// alarm page then lists the nearest on-duty members), and raising an alarm from the app.
import { useEffect, useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api, request } from '../api.js';
import { Link } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { ALARM_KINDS, ALARM_SECTION, kindName, locateMe, statusLine } from '../alarms.js';
import { applyAlarm, reloadAlarms, useLiveAlarms } from '../alarmLive.js';
import { AlarmActions } from './AlarmActions.jsx';
import { GongControls } from './AlarmBanner.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { usePageTitle } from './usePageTitle.js';
import { SectionLinks } from './SectionLinks.jsx';
import { byName, useUnits } from './useUnits.js';

function DutyCard() {
  const [duty, setDuty] = useState(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api.get('/api/v1/me/duty').then((r) => setDuty(r.data)).catch((e) => setError(errorText(e)));
  }, []);
  const put = async (body, okText) => {
    const before = duty;
    setDuty({ ...duty, on_duty: body.on_duty }); /* the switch moves at once; back if refused */
    setBusy(true);
    setError('');
    setMsg('');
    try {
      const r = await request('PUT', '/api/v1/me/duty', body);
      setDuty(r.data);
      setMsg(okText);
    } catch (e) {
      setDuty(before);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (e) => {
    const on = e.currentTarget.checked;
    put({ on_duty: on }, on ? t('alarm.duty_on_msg') : t('alarm.duty_off_msg'));
  };
  const share = async () => {
    setError('');
    try {
      const p = await locateMe();
      await put({ on_duty: true, lat: p.lat, lng: p.lng }, t('alarm.duty_located'));
    } catch (e) {
      setError(t(e.message === 'unsupported' ? 'alarm.loc_unsupported' : 'alarm.loc_denied'));
    }
  };
  return (
    <section class="card duty-card" aria-labelledby="duty-title">
      <h2 id="duty-title">{t('alarm.duty_title')}</h2>
      {duty && (
        <>
          <label class="switch">
            <input type="checkbox" role="switch" checked={!!duty.on_duty} disabled={busy} onChange={toggle}
              aria-describedby="duty-hint" />
            <span>{t('alarm.duty_switch')}</span>
          </label>
          <p class="hint" id="duty-hint">
            {duty.on_duty
              ? (duty.lat !== null && duty.lat !== undefined
                ? t('alarm.duty_with_place', { at: formatDateTime(duty.updated_at) })
                : t('alarm.duty_no_place'))
              : t('alarm.duty_off_hint')}
          </p>
          <div class="actions">
            <button type="button" class="btn" disabled={busy} onClick={share}>{t('alarm.duty_share')}</button>
          </div>
        </>
      )}
      {msg && <p class="ok-text" role="status">{msg}</p>}
      {error && <p class="error-text" role="alert">{error}</p>}
    </section>
  );
}

function RaiseForm({ kinds }) {
  const { units } = useUnits();
  const [kind, setKind] = useState('');
  const [unitId, setUnitId] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  const places = (units || []).filter((u) => u.kind === 'block' || u.kind === 'group').sort(byName);
  const submit = async (e) => {
    e.preventDefault();
    if (!kind) { setError({ code: 'validation_failed', local: { kind: t('alarm.need_kind') } }); return; }
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const body = { kind };
      if (unitId) body.unit_id = Number(unitId);
      if (note.trim()) body.note = note.trim();
      const r = await api.post('/api/v1/alarms', body);
      applyAlarm(r.data);
      setDone(t('alarm.raised_ok'));
      setNote('');
      setKind('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = error && error.local ? error.local : fieldErrors(error);
  return (
    <details class="card raise-card">
      <summary>{t('alarm.raise_title')}</summary>
      <form onSubmit={submit} noValidate>
        <FormError text={error && !error.local ? errorText(error) : ''} />
        <div class="row">
          <Field as="select" label={t('alarm.kind_label')} value={kind} error={fields.kind}
            onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{t('alarm.kind_choose')}</option>
            {ALARM_KINDS.map((k) => <option key={k} value={k}>{kindName(k, kinds)}</option>)}
          </Field>
          <Field as="select" label={t('alarm.unit_label')} hint={t('alarm.unit_hint')} value={unitId}
            error={fields.unit_id} onChange={(e) => setUnitId(e.currentTarget.value)}>
            <option value="">{t('alarm.unit_mine')}</option>
            {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
          </Field>
        </div>
        <Field as="textarea" label={t('alarm.note_label')} rows={2} maxlength={500} value={note}
          error={fields.note} onInput={(e) => setNote(e.currentTarget.value)} />
        <button type="submit" class="btn btn-danger" disabled={busy}>{t('alarm.raise_send')}</button>
        {done && <p class="ok-text" role="status">{done}</p>}
      </form>
    </details>
  );
}

function AlarmLine({ a, kinds, actions }) {
  return (
    <li class={`alarm-item kind-edge-${a.kind}`}>
      <p class="alarm-item-head">
        <Link href={`/alarms/${a.id}`} class="alarm-kind">{kindName(a.kind, kinds)} — {a.unit_name}</Link>
        {a.escalated && <span class="badge badge-escalated">{t('alarm.escalated')}</span>}
        <span class={`alarm-status status-${a.status}${a.false_alarm ? ' status-false' : ''}`}>{statusLine(a)}</span>
      </p>
      <p class="alarm-item-meta">
        {a.address && <span>{a.address}</span>}
        <span>{t('alarm.raised_at', { at: formatDateTime(a.raised_at) })}</span>
        <span>{t('alarm.source.' + a.source)}</span>
      </p>
      {actions && <AlarmActions alarm={a} compact />}
    </li>
  );
}

export function AlarmsPage({ user }) {
  usePageTitle(t('alarm.nav'));
  const live = useLiveAlarms();
  const [recent, setRecent] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { reloadAlarms(); }, []);
  useEffect(() => {
    let on = true;
    api.get('/api/v1/alarms?status=all&limit=30')
      .then((r) => { if (on) { setRecent(r.data); setError(null); } })
      .catch((e) => { if (on) setError(e); });
    return () => { on = false; };
  }, [live.version]);
  const closed = (recent || []).filter((a) => !live.alarms.some((o) => o.id === a.id) && !['raised', 'acknowledged', 'responding'].includes(a.status));
  return (
    <section class="page">
      <div class="line-with-action">
        <h1>{t('alarm.nav')}</h1>
        <GongControls />
      </div>
      <SectionLinks here="/alarms" links={ALARM_SECTION} label="alarm.nav" user={user} />
      <DutyCard />
      <section class="card" aria-labelledby="open-title">
        <h2 id="open-title">{t('alarm.open_title')}</h2>
        {!live.loaded && <p role="status">{t('app.loading')}</p>}
        {live.loaded && !live.alarms.length && <p class="muted">{t('alarm.none_open')}</p>}
        <ul class="record-list alarm-list">
          {live.alarms.map((a) => <AlarmLine key={a.id} a={a} kinds={live.kinds} actions />)}
        </ul>
      </section>
      <RaiseForm kinds={live.kinds} />
      <section class="card" aria-labelledby="recent-title">
        <h2 id="recent-title">{t('alarm.recent_title')}</h2>
        <FormError text={error ? errorText(error) : ''} />
        {recent && !closed.length && <p class="muted">{t('alarm.none_recent')}</p>}
        <ul class="record-list alarm-list">
          {closed.map((a) => <AlarmLine key={a.id} a={a} kinds={live.kinds} />)}
        </ul>
      </section>
    </section>
  );
}
