// "Hộ gia đình có mõ" (/enrolments, officers and team leaders): enrol a household on a block or a
// residential group (label, optional phone), then see its secret alarm link and the QR card ONCE — the
// page prints just the card (household label, block, QR, what to do) — and revoke an enrolment (a lost
// card: its link stops working at once). The token lives only in this page's memory until "Xong".
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { errorText, fieldErrors } from '../errors.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';
import { useFetch } from './useFetch.js';
import { ALARM_SECTION } from '../alarms.js';
import { SectionLinks } from './SectionLinks.jsx';

// The full address of the household's link (the API gives "/bao-dong#TOKEN").
function fullUrl(url) {
  return /^https?:/.test(url) ? url : window.location.origin + url;
}

function QrCard({ created, onDone }) {
  const [copied, setCopied] = useState(false);
  const link = fullUrl(created.url);
  const copy = async () => {
    try { await navigator.clipboard.writeText(link); setCopied(true); } catch (e) { setCopied(false); }
  };
  return (
    <section class="card qr-once" aria-labelledby="qr-once-title">
      <h2 id="qr-once-title" tabIndex={-1}>{t('enrol.created_title', { label: created.label })}</h2>
      <div class="alert alert-warn" role="note">{t('enrol.once')}</div>
      <div class="qr-card">
        <p class="qr-card-brand">{t('enrol.card_brand')}</p>
        <p class="qr-card-label">{created.label}</p>
        <p class="qr-card-unit">{created.unit_name}</p>
        {created.qr_svg && (
          <img class="qr-img" alt={t('enrol.qr_alt', { label: created.label })}
            src={'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(created.qr_svg)} />
        )}
        <ol class="qr-card-steps">
          <li>{t('enrol.card_step1')}</li>
          <li>{t('enrol.card_step2')}</li>
          <li>{t('enrol.card_step3')}</li>
        </ol>
        <p class="qr-card-keep">{t('enrol.card_keep')}</p>
        <p class="qr-card-link">{link}</p>
      </div>
      <div class="receipt-actions">
        <button type="button" class="btn btn-primary" onClick={() => window.print()}>{t('enrol.print')}</button>
        <button type="button" class="btn" onClick={copy}>{t('enrol.copy')}</button>
      </div>
      {copied && <p class="hint" role="status">{t('enrol.copied')}</p>}
      <button type="button" class="btn" onClick={onDone}>{t('enrol.done')}</button>
    </section>
  );
}

function EnrolForm({ places, onCreated }) {
  const [unitId, setUnitId] = useState('');
  const [label, setLabel] = useState('');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const local = {};
    if (!unitId) local.unit_id = t('enrol.need_unit');
    if (!label.trim()) local.label = t('enrol.need_label');
    if (Object.keys(local).length) { setError({ code: 'validation_failed', local }); return; }
    setBusy(true);
    setError(null);
    try {
      const body = { unit_id: Number(unitId), label: label.trim() };
      if (phone.trim()) body.phone = phone.trim();
      const r = await api.post('/api/v1/enrolments', body);
      const unit = places.find((u) => String(u.id) === unitId);
      onCreated({ ...r.data, label: r.data.label || body.label, unit_name: r.data.unit_name || (unit && unit.name) });
      setLabel('');
      setPhone('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = error && error.local ? error.local : fieldErrors(error);
  return (
    <form class="card" onSubmit={submit} noValidate>
      <h2>{t('enrol.add')}</h2>
      <FormError text={error && !error.local ? errorText(error) : ''} />
      <div class="row">
        <Field as="select" label={t('enrol.unit')} value={unitId} error={fields.unit_id}
          onChange={(e) => setUnitId(e.currentTarget.value)}>
          <option value="">{t('enrol.unit_choose')}</option>
          {places.map((u) => <option key={u.id} value={String(u.id)}>{u.label}</option>)}
        </Field>
        <Field label={t('enrol.label')} hint={t('enrol.label_hint')} value={label} maxlength={200}
          error={fields.label} onInput={(e) => setLabel(e.currentTarget.value)} />
        <Field label={t('enrol.phone')} type="tel" value={phone} maxlength={32} autocomplete="off"
          error={fields.phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy}>{t('enrol.create')}</button>
    </form>
  );
}

function RevokeButton({ e, onRevoked }) {
  const [ask, setAsk] = useState(false);
  const [error, setError] = useState('');
  const revoke = async () => {
    try { await api.del(`/api/v1/enrolments/${e.id}`); onRevoked(); } catch (err) { setError(errorText(err)); }
  };
  if (!ask) {
    return <button type="button" class="btn btn-small" onClick={() => setAsk(true)}
      aria-label={t('enrol.revoke_of', { label: e.label })}>{t('enrol.revoke')}</button>;
  }
  return (
    <span class="alarm-confirm">
      <span>{t('enrol.revoke_confirm', { label: e.label })}</span>
      <button type="button" class="btn btn-small btn-danger" onClick={revoke}>{t('enrol.revoke_yes')}</button>
      <button type="button" class="btn btn-small" onClick={() => setAsk(false)}>{t('alarm.act.cancel')}</button>
      {error && <span class="error-text" role="alert">{error}</span>}
    </span>
  );
}

export function EnrolmentsPage({ user }) {
  usePageTitle(t('enrol.nav'));
  const { units } = useUnits();
  const [created, setCreated] = useState(null);
  const list = useFetch('/api/v1/enrolments', { all: true });
  const byId = new Map((units || []).map((u) => [u.id, u]));
  const places = (units || []).filter((u) => u.kind === 'block' || u.kind === 'group').map((u) => {
    const parent = byId.get(u.parent_id);
    return { ...u, label: u.kind === 'group' && parent ? `${parent.name} › ${u.name}` : u.name };
  }).sort((a, b) => byName({ name: a.label }, { name: b.label }));
  const rows = (list.body && list.body.data) || [];
  return (
    <section class="page enrol-page">
      <h1>{t('enrol.nav')}</h1>
      <SectionLinks here="/enrolments" links={ALARM_SECTION} label="alarm.nav" user={user} />
      <p class="muted">{t('enrol.intro')}</p>
      {created
        ? <QrCard created={created} onDone={() => setCreated(null)} />
        : <EnrolForm places={places} onCreated={(c) => { setCreated(c); list.reload(); }} />}
      <section class="card" aria-labelledby="enrol-list-title">
        <h2 id="enrol-list-title">{t('enrol.list_title')}</h2>
        <FormError text={list.error ? errorText(list.error) : ''} />
        {list.body && !rows.length && <p class="muted">{t('enrol.none')}</p>}
        <ul class="record-list">
          {rows.map((e) => (
            <li key={e.id}>
              <span class="record-title">{e.label}</span>
              {e.revoked_at && <span class="badge badge-off">{t('enrol.revoked')}</span>}
              <p class="record-meta">
                <span>{e.unit_name}</span>
                {e.phone_masked && <span>{t('enrol.phone_short', { phone: e.phone_masked })}</span>}
                <span>{t('enrol.created_at', { at: formatDateTime(e.created_at) })}</span>
                {e.revoked_at && <span>{t('enrol.revoked_at', { at: formatDateTime(e.revoked_at) })}</span>}
              </p>
              {!e.revoked_at && <div class="member-actions"><RevokeButton e={e} onRevoked={list.reload} /></div>}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
