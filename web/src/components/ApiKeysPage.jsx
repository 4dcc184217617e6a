// Open311 API keys (/settings/api-keys, admins of the whole installation): the keys by name with when
// each was made and whether it is revoked, a form to issue a new key — shown once, with a copy button,
// since the server keeps only its hash — and revoking a key after a second click. Others get the
// server's 403 in words. The API is /api/v1/api-keys (docs/open311.md).
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

// Does the user administer the whole installation (an admin role on no unit and no team)?
export function isInstallationAdmin(user) {
  return !!user && (user.grants || []).some((g) => g.role === 'admin' && !g.unit_id && !g.team_id);
}

function NewKey({ made, onDone }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(made.key);
      setCopied(true);
    } catch (e) {
      const sel = window.getSelection();
      const el = document.getElementById('apikey-value');
      if (sel && el) { const r = document.createRange(); r.selectNodeContents(el); sel.removeAllRanges(); sel.addRange(r); }
    }
  };
  return (
    <div class="card" role="region" aria-labelledby="apikey-made">
      <h2 id="apikey-made">{t('apikeys.made', { name: made.name })}</h2>
      <p class="receipt-label" id="apikey-label">{t('apikeys.key_label')}</p>
      <p class="code apikey-value" id="apikey-value" aria-labelledby="apikey-label">{made.key}</p>
      <div class="alert alert-warn" role="note">{t('apikeys.shown_once')}</div>
      <div class="actions">
        <button type="button" class="btn btn-primary" onClick={copy}>{t('apikeys.copy')}</button>
        <button type="button" class="btn" onClick={onDone}>{t('apikeys.done')}</button>
      </div>
      {copied && <p class="hint" role="status">{t('apikeys.copied')}</p>}
    </div>
  );
}

function IssueForm({ onMade }) {
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault();
    if (!name.trim()) {
      setError({ local: { name: t('apikeys.need_name') } });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api.post('/api/v1/api-keys', { name: name.trim() });
      setName('');
      onMade(res.data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = error && error.local ? error.local : fieldErrors(error);
  return (
    <form class="card form-add" onSubmit={onSubmit} noValidate>
      <h2>{t('apikeys.issue')}</h2>
      <FormError text={error && !error.local && !fields.name ? errorText(error) : ''} />
      <Field label={t('apikeys.name')} hint={t('apikeys.name_hint')} value={name} error={fields.name} maxlength={100}
        autocomplete="off" onInput={(e) => setName(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('apikeys.issue_button')}</button>
      </div>
    </form>
  );
}

function KeyRow({ k, onRevoked }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.del(`/api/v1/api-keys/${k.id}`);
      setAsking(false);
      onRevoked();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li>
      <span class="record-title">{k.name}</span>
      {k.revoked_at
        ? <span class="badge badge-off">{t('apikeys.revoked')}</span>
        : <span class="badge">{t('apikeys.active')}</span>}
      <div class="record-meta">
        <span>{t('apikeys.created', { at: formatDateTime(k.created_at) })}</span>
        {k.revoked_at && <span>{t('apikeys.revoked_at', { at: formatDateTime(k.revoked_at) })}</span>}
      </div>
      <FormError text={error ? errorText(error) : ''} />
      {!k.revoked_at && !asking && (
        <button type="button" class="btn" onClick={() => setAsking(true)}
          aria-label={t('apikeys.revoke_named', { name: k.name })}>{t('apikeys.revoke')}</button>
      )}
      {asking && (
        <div class="actions" role="group" aria-label={t('apikeys.revoke_named', { name: k.name })}>
          <span>{t('apikeys.revoke_confirm', { name: k.name })}</span>
          <button type="button" class="btn btn-danger" disabled={busy} onClick={revoke}>{t('apikeys.revoke_yes')}</button>
          <button type="button" class="btn" onClick={() => setAsking(false)}>{t('action.cancel')}</button>
        </div>
      )}
    </li>
  );
}

export function ApiKeysPage() {
  usePageTitle(t('apikeys.title'));
  const list = useFetch('/api/v1/api-keys');
  const [made, setMade] = useState(null);
  const keys = list.body ? list.body.data : null;
  const forbidden = list.error && list.error.status === 403;
  return (
    <section class="page">
      <p><Link href="/users">{t('apikeys.back')}</Link></p>
      <h1>{t('apikeys.title')}</h1>
      <p>{t('apikeys.intro')}</p>
      <FormError text={forbidden ? t('apikeys.forbidden') : list.error ? errorText(list.error) : ''} />
      {!keys && !list.error && <p role="status">{t('app.loading')}</p>}
      {made && <NewKey made={made} onDone={() => setMade(null)} />}
      {keys && (
        <div class="card">
          <h2>{t('apikeys.count', { n: keys.length })}</h2>
          {keys.length === 0 && <p>{t('apikeys.none')}</p>}
          <ul class="record-list">
            {keys.map((k) => <KeyRow key={k.id} k={k} onRevoked={list.reload} />)}
          </ul>
        </div>
      )}
      {keys && <IssueForm onMade={(k) => { setMade(k); list.reload(); }} />}
    </section>
  );
}
