// "Kết nối cảnh báo" (/settings/alerts, installation admins): the tokens that open a commune's
// restricted CAP feed of alarms to a partner system (the feed address shown once, then never again;
// revoke), and the webhooks that get a signed POST on alarm events (the signing secret shown once;
// recent deliveries; delete). The Open311 API keys have their own screen, linked from here.
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';
import '../alarms.js';

function nameOf(units, id) {
  const u = units.find((x) => x.id === id);
  return u ? u.name : '';
}

function Once({ title, label, value, onDone }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try { await navigator.clipboard.writeText(value); setCopied(true); } catch (e) { setCopied(false); }
  };
  return (
    <div class="once-box" role="group" aria-label={title}>
      <p class="summary">{title}</p>
      <div class="alert alert-warn" role="note">{t('alarm.cfg.once')}</div>
      <p class="label">{label}</p>
      <p class="code once-value">{value}</p>
      <div class="actions">
        <button type="button" class="btn btn-primary" onClick={copy}>{t('enrol.copy')}</button>
        <button type="button" class="btn" onClick={onDone}>{t('enrol.done')}</button>
      </div>
      {copied && <p class="hint" role="status">{t('enrol.copied')}</p>}
    </div>
  );
}

function DeleteButton({ label, path, onDone, text, confirm }) {
  const [ask, setAsk] = useState(false);
  const [error, setError] = useState('');
  const go = async () => {
    try { await api.del(path); onDone(); } catch (err) { setError(errorText(err)); }
  };
  if (!ask) return <button type="button" class="btn btn-small" aria-label={label} onClick={() => setAsk(true)}>{text}</button>;
  return (
    <span class="alarm-confirm">
      <span>{confirm}</span>
      <button type="button" class="btn btn-small btn-danger" onClick={go}>{text}</button>
      <button type="button" class="btn btn-small" onClick={() => setAsk(false)}>{t('alarm.act.cancel')}</button>
      {error && <span class="error-text" role="alert">{error}</span>}
    </span>
  );
}

function FeedTokens({ communes }) {
  const list = useFetch('/api/v1/feed-tokens', { all: true });
  const [name, setName] = useState('');
  const [commune, setCommune] = useState('');
  const [error, setError] = useState(null);
  const [shown, setShown] = useState(null);
  const cid = commune || (communes[0] ? String(communes[0].id) : '');
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.post('/api/v1/feed-tokens', { name: name.trim(), commune_id: Number(cid) });
      const d = r.data;
      const feed = d.feed_url || `/cap/restricted/${d.token}.atom`;
      setShown(/^https?:/.test(feed) ? feed : window.location.origin + feed);
      setName('');
      list.reload();
    } catch (err) { setError(err); }
  };
  const fields = fieldErrors(error);
  const rows = (list.body && list.body.data) || [];
  return (
    <section class="card" aria-labelledby="feeds-title">
      <h2 id="feeds-title">{t('alarm.cfg.feeds')}</h2>
      <p class="muted">{t('alarm.cfg.feeds_intro')}</p>
      {shown
        ? <Once title={t('alarm.cfg.feed_made')} label={t('alarm.cfg.feed_url')} value={shown} onDone={() => setShown(null)} />
        : (
          <form onSubmit={submit} noValidate class="subform">
            <FormError text={error ? errorText(error) : ''} />
            <div class="row">
              <Field label={t('alarm.cfg.feed_name')} value={name} maxlength={100} error={fields.name}
                onInput={(e) => setName(e.currentTarget.value)} />
              <Field as="select" label={t('alarm.cfg.commune')} value={cid} error={fields.commune_id}
                onChange={(e) => setCommune(e.currentTarget.value)}>
                {communes.map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
              </Field>
            </div>
            <button type="submit" class="btn btn-primary">{t('alarm.cfg.feed_add')}</button>
          </form>
        )}
      <FormError text={list.error ? errorText(list.error) : ''} />
      {list.body && !rows.length && <p class="muted">{t('alarm.cfg.feeds_none')}</p>}
      <ul class="record-list">
        {rows.map((f) => (
          <li key={f.id}>
            <span class="record-title">{f.name}</span>
            {f.revoked_at && <span class="badge badge-off">{t('enrol.revoked')}</span>}
            <p class="record-meta">
              {nameOf(communes, f.commune_id) && <span>{nameOf(communes, f.commune_id)}</span>}
              <span>{t('enrol.created_at', { at: formatDateTime(f.created_at) })}</span>
            </p>
            {!f.revoked_at && (
              <div class="member-actions">
                <DeleteButton path={`/api/v1/feed-tokens/${f.id}`} onDone={list.reload} text={t('enrol.revoke')}
                  label={t('enrol.revoke_of', { label: f.name })} confirm={t('alarm.cfg.feed_revoke_confirm')} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Deliveries({ id }) {
  const f = useFetch(`/api/v1/webhooks/${id}/deliveries`);
  if (f.error) return <p class="error-text">{errorText(f.error)}</p>;
  if (!f.body) return <p role="status">{t('app.loading')}</p>;
  if (!f.body.data.length) return <p class="muted">{t('alarm.cfg.no_deliveries')}</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead><tr>
          <th scope="col">{t('alarm.cfg.d_event')}</th><th scope="col">{t('alarm.cfg.d_status')}</th>
          <th scope="col" class="num">{t('alarm.cfg.d_code')}</th><th scope="col" class="num">{t('alarm.cfg.d_attempts')}</th>
          <th scope="col">{t('alarm.cfg.d_next')}</th>
        </tr></thead>
        <tbody>
          {f.body.data.map((d) => (
            <tr key={d.id}>
              <td>{d.event}</td><td>{t('alarm.cfg.status.' + d.status)}</td>
              <td class="num">{d.http_code || '—'}</td><td class="num">{d.attempts}</td>
              <td>{d.next_try_at ? formatDateTime(d.next_try_at) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Webhooks({ communes }) {
  const list = useFetch('/api/v1/webhooks', { all: true });
  const [url, setUrl] = useState('');
  const [commune, setCommune] = useState('');
  const [error, setError] = useState(null);
  const [secret, setSecret] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { url: url.trim(), events: ['alarm.*'] };
      if (commune) body.commune_id = Number(commune);
      const r = await api.post('/api/v1/webhooks', body);
      setSecret(r.data.secret);
      setUrl('');
      list.reload();
    } catch (err) { setError(err); }
  };
  const fields = fieldErrors(error);
  const rows = ((list.body && list.body.data) || []).filter((w) => !w.deleted_at);
  return (
    <section class="card" aria-labelledby="hooks-title">
      <h2 id="hooks-title">{t('alarm.cfg.hooks')}</h2>
      <p class="muted">{t('alarm.cfg.hooks_intro')}</p>
      {secret
        ? <Once title={t('alarm.cfg.hook_made')} label={t('alarm.cfg.hook_secret')} value={secret} onDone={() => setSecret(null)} />
        : (
          <form onSubmit={submit} noValidate class="subform">
            <FormError text={error ? errorText(error) : ''} />
            <div class="row">
              <Field label={t('alarm.cfg.hook_url')} type="url" value={url} maxlength={500} error={fields.url}
                hint={t('alarm.cfg.hook_url_hint')} onInput={(e) => setUrl(e.currentTarget.value)} />
              <Field as="select" label={t('alarm.cfg.commune')} value={commune} error={fields.commune_id}
                onChange={(e) => setCommune(e.currentTarget.value)}>
                <option value="">{t('alarm.cfg.every_commune')}</option>
                {communes.map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
              </Field>
            </div>
            <button type="submit" class="btn btn-primary">{t('alarm.cfg.hook_add')}</button>
          </form>
        )}
      <FormError text={list.error ? errorText(list.error) : ''} />
      {list.body && !rows.length && <p class="muted">{t('alarm.cfg.hooks_none')}</p>}
      <ul class="record-list">
        {rows.map((w) => (
          <li key={w.id}>
            <span class="record-title code">{w.url}</span>
            <p class="record-meta">
              <span>{(w.events || []).join(', ')}</span>
              <span>{w.commune_id ? nameOf(communes, w.commune_id) : t('alarm.cfg.every_commune')}</span>
              <span>{t('enrol.created_at', { at: formatDateTime(w.created_at) })}</span>
            </p>
            <details>
              <summary>{t('alarm.cfg.deliveries')}</summary>
              <Deliveries id={w.id} />
            </details>
            <div class="member-actions">
              <DeleteButton path={`/api/v1/webhooks/${w.id}`} onDone={list.reload} text={t('alarm.cfg.hook_delete')}
                label={t('alarm.cfg.hook_delete_of', { url: w.url })} confirm={t('alarm.cfg.hook_delete_confirm')} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function AlertSettingsPage() {
  usePageTitle(t('alarm.cfg.nav'));
  const { units } = useUnits();
  const communes = (units || []).filter((u) => u.kind === 'commune').sort(byName);
  return (
    <section class="page">
      <h1>{t('alarm.cfg.nav')}</h1>
      <p class="muted">{t('alarm.cfg.intro')} <Link href="/settings/api-keys">{t('alarm.cfg.api_keys')}</Link></p>
      <FeedTokens communes={communes} />
      <Webhooks communes={communes} />
    </section>
  );
}
