// /theo-doi-tin-bao: a citizen enters the receipt (any spacing) and sees the tip's status in plain words
// and the messages with the police, and writes to them. The receipt goes only in POST bodies and stays
// in this page's memory; "Xong" forgets it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, hasText, formatDateTime } from '../i18n.js';
import { errorText, fieldErrors } from '../errors.js';
import { publicRequest, receiptDigits } from '../tipApi.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { PublicShell } from './PublicShell.jsx';
import { usePageTitle } from './usePageTitle.js';

function lookupError(err) {
  if (err && err.status === 404) return t('ptrack.not_found');
  return errorText(err);
}

export function TipFollowPage() {
  usePageTitle(t('ptrack.title'));
  const [entry, setEntry] = useState('');
  const [receipt, setReceipt] = useState('');
  const [tip, setTip] = useState(null);
  const [cats, setCats] = useState({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [body, setBody] = useState('');
  const [msgError, setMsgError] = useState(null);
  const [sent, setSent] = useState(false);
  const headRef = useRef(null);

  useEffect(() => {
    publicRequest('GET', '/api/v1/public/tip-categories')
      .then((c) => setCats(Object.fromEntries(c.data.map((x) => [x.code, x]))))
      .catch(() => {});
  }, []);
  useEffect(() => { if (tip && headRef.current) headRef.current.focus(); }, [tip && tip.created_at]);

  const lookup = async (digits) => {
    const res = await publicRequest('POST', '/api/v1/public/tips/lookup', { receipt: digits });
    setTip(res.data);
  };

  const onLookup = async (e) => {
    e.preventDefault();
    const digits = receiptDigits(entry);
    if (!digits) { setError({ code: 'validation_failed', local: true }); return; }
    setBusy(true);
    setError(null);
    try {
      await lookup(digits);
      setReceipt(digits);
      setEntry('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const onSend = async (e) => {
    e.preventDefault();
    setSent(false);
    if (!body.trim()) { setMsgError({ code: 'validation_failed', local: true }); return; }
    setBusy(true);
    setMsgError(null);
    try {
      await publicRequest('POST', '/api/v1/public/tips/messages', { receipt, body: body.trim() });
      setBody('');
      setSent(true);
      await lookup(receipt);
    } catch (err) {
      setMsgError(err);
    } finally {
      setBusy(false);
    }
  };

  const done = () => { setReceipt(''); setTip(null); setBody(''); setSent(false); setMsgError(null); };

  if (tip) {
    const cat = cats[tip.category];
    const statusKey = 'ptrack.status.' + tip.status;
    const mf = msgError && !msgError.local ? fieldErrors(msgError) : {};
    return (
      <PublicShell>
        <h1 tabIndex={-1} ref={headRef}>{t('ptrack.tip_title')}</h1>
        <dl class="tip-facts">
          <div><dt>{t('ptrack.status')}</dt><dd class={'tip-status tip-status-' + tip.status}>{hasText(statusKey) ? t(statusKey) : tip.status}</dd></div>
          {hasText(statusKey + '_more') && <div class="wide"><dd class="hint">{t(statusKey + '_more')}</dd></div>}
          <div><dt>{t('ptip.category')}</dt><dd>{cat ? cat.name : tip.category}</dd></div>
          <div><dt>{t('ptrack.sent_at')}</dt><dd>{formatDateTime(tip.created_at)}</dd></div>
          <div><dt>{t('ptrack.updated_at')}</dt><dd>{formatDateTime(tip.updated_at)}</dd></div>
        </dl>
        <h2>{t('ptrack.messages')}</h2>
        {tip.messages.length === 0
          ? <p class="muted">{t('ptrack.no_messages')}</p>
          : (
            <ol class="tip-messages">
              {tip.messages.map((m, i) => (
                <li key={i} class={'msg msg-' + m.author}>
                  <p class="msg-who">{m.author === 'officer' ? t('ptrack.from_police') : t('ptrack.from_you')}
                    {' · '}<time dateTime={m.created_at}>{formatDateTime(m.created_at)}</time></p>
                  <p class="msg-body">{m.body}</p>
                </li>
              ))}
            </ol>
          )}
        <form onSubmit={onSend} noValidate class="tip-reply">
          <FormError text={msgError && !msgError.local ? errorText(msgError) : ''} />
          <Field as="textarea" label={t('ptrack.write')} hint={t('ptrack.write_hint')} rows={4} maxlength={2000}
            value={body} onInput={(e) => setBody(e.currentTarget.value)}
            error={msgError && msgError.local ? t('ptrack.need_body') : mf.body} />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy}>{busy ? t('ptip.sending') : t('ptrack.send')}</button>
          {sent && <p class="hint" role="status">{t('ptrack.sent')}</p>}
        </form>
        <button type="button" class="btn btn-block tip-done" onClick={done}>{t('ptrack.done')}</button>
      </PublicShell>
    );
  }

  const fields = error && !error.local ? fieldErrors(error) : {};
  return (
    <PublicShell>
      <h1>{t('ptrack.title')}</h1>
      <p>{t('ptrack.intro')}</p>
      <FormError text={error && !error.local ? lookupError(error) : ''} />
      <form onSubmit={onLookup} noValidate>
        <Field label={t('ptrack.receipt')} hint={t('ptrack.receipt_hint')} inputmode="numeric" autocomplete="off"
          spellcheck={false} maxlength={40} value={entry} onInput={(e) => setEntry(e.currentTarget.value)}
          error={error && error.local ? t('ptrack.receipt_bad') : fields.receipt} class="receipt-input" />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>{busy ? t('ptrack.looking') : t('ptrack.look')}</button>
      </form>
    </PublicShell>
  );
}
