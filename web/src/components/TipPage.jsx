// /gui-tin-bao: a citizen sends a tip with no account, on a phone first. Category, block, address or
// "use my location", when, what happened, up to 5 photos or videos of 10 MB, anonymous by default (the
// switch off asks for name, phone, CCCD, address, each optional). The answer's 16-digit receipt is
// shown once — grouped 4-4-4-4, with copy and print — and kept nowhere but this page's memory.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatNumber } from '../i18n.js';
import { Link } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { publicRequest, receiptGroups } from '../tipApi.js';
import { Field, useFocusInvalid } from './Field.jsx';
import { DateField } from './DateField.jsx';
import { FormError } from './FormError.jsx';
import { PublicShell } from './PublicShell.jsx';
import { usePageTitle } from './usePageTitle.js';

const MAX_FILES = 5;
const MAX_BYTES = 10 * 1024 * 1024;
const ACCEPT = 'image/*,video/*,application/pdf';

// The picker's options: each commune's blocks, each block's groups under it ("Khối phố 1 › Tổ 3").
function unitOptions(units) {
  const byParent = new Map();
  units.forEach((u) => {
    if (!byParent.has(u.parent_id)) byParent.set(u.parent_id, []);
    byParent.get(u.parent_id).push(u);
  });
  const communes = units.filter((u) => u.kind === 'commune');
  return communes.map((c) => {
    const opts = [];
    (byParent.get(c.id) || []).forEach((b) => {
      opts.push({ id: b.id, label: b.name });
      (byParent.get(b.id) || []).forEach((g) => opts.push({ id: g.id, label: `${b.name} › ${g.name}` }));
    });
    return { commune: c, opts };
  });
}

function sizeText(bytes) {
  return bytes >= 1024 * 1024 ? `${formatNumber(Math.round(bytes / 104857.6) / 10)} MB` : `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

// The day typed dd/mm/yyyy and the time from <input type=time> ("21:30", may be empty) as the API's
// occurred_at in Vietnam time: "2026-11-28T21:30:00+07:00", "2026-11-28" without a time, '' for no day,
// null when the day is not a real one.
function occurredAt(day, time) {
  if (!day.trim()) return '';
  const m = day.trim().match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  const iso = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return time ? `${iso}T${time}:00+07:00` : iso;
}

export function TipPage() {
  usePageTitle(t('ptip.title'));
  const [cats, setCats] = useState([]);
  const [units, setUnits] = useState([]);
  const [loadError, setLoadError] = useState(null);
  const [form, setForm] = useState({ category: '', unit_id: '', address: '', day: '', time: '', description: '' });
  const [loc, setLoc] = useState(null);
  const [locState, setLocState] = useState('');
  const [files, setFiles] = useState([]);
  const [fileError, setFileError] = useState('');
  const [anonymous, setAnonymous] = useState(true);
  const [who, setWho] = useState({ name: '', phone: '', national_id: '', address: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [receipt, setReceipt] = useState('');
  const [copied, setCopied] = useState(false);
  const formRef = useRef(null);
  const doneRef = useRef(null);
  useFocusInvalid(formRef, error);

  useEffect(() => {
    Promise.all([publicRequest('GET', '/api/v1/public/tip-categories'), publicRequest('GET', '/api/v1/public/units')])
      .then(([c, u]) => { setCats(c.data); setUnits(u.data); })
      .catch(setLoadError);
  }, []);
  useEffect(() => { if (receipt && doneRef.current) doneRef.current.focus(); }, [receipt]);

  // Editing a field drops the browser's own complaint about it (the server's stay until the next send).
  const edited = (k) => {
    if (error && error.local && error.local[k]) {
      const rest = { ...error.local };
      delete rest[k];
      setError(Object.keys(rest).length ? { ...error, local: rest } : null);
    }
  };
  const set = (k) => (e) => { edited(k === 'time' ? 'occurred_at' : k); setForm({ ...form, [k]: e.currentTarget.value }); };
  const setId = (k) => (e) => setWho({ ...who, [k]: e.currentTarget.value });

  const locate = () => {
    if (!navigator.geolocation) { setLocState('unsupported'); return; }
    setLocState('busy');
    navigator.geolocation.getCurrentPosition(
      (p) => { setLoc({ lat: Math.round(p.coords.latitude * 1e6) / 1e6, lng: Math.round(p.coords.longitude * 1e6) / 1e6 }); setLocState(''); },
      () => setLocState('denied'),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  };

  const addFiles = (e) => {
    const picked = Array.from(e.currentTarget.files || []);
    e.currentTarget.value = '';
    const next = [...files];
    let msg = '';
    for (const f of picked) {
      if (f.size > MAX_BYTES) msg = t('ptip.file_too_big', { name: f.name });
      else if (f.size === 0) msg = t('ptip.file_empty', { name: f.name });
      else if (next.length >= MAX_FILES) msg = t('ptip.files_too_many', { max: MAX_FILES });
      else next.push(f);
    }
    setFiles(next);
    setFileError(msg);
  };

  const onSubmit = async (e) => {
    e.preventDefault();
    const local = {};
    if (!form.category) local.category = t('ptip.need_category');
    if (!form.description.trim()) local.description = t('ptip.need_description');
    const when = occurredAt(form.day, form.time);
    if (when === null) local.occurred_at = t('ptip.day_bad');
    else if (!when && form.time) local.occurred_at = t('ptip.day_for_time');
    if (Object.keys(local).length) {
      setError({ code: 'validation_failed', local });
      return;
    }
    const tip = { category: form.category, description: form.description.trim(), anonymous };
    if (form.unit_id) tip.unit_id = Number(form.unit_id);
    if (form.address.trim()) tip.address = form.address.trim();
    if (loc) { tip.lat = loc.lat; tip.lng = loc.lng; }
    if (when) tip.occurred_at = when;
    if (!anonymous) {
      const id = {};
      Object.keys(who).forEach((k) => { if (who[k].trim()) id[k] = who[k].trim(); });
      tip.identity = id;
    }
    const body = new FormData();
    body.append('tip', JSON.stringify(tip));
    files.forEach((f) => body.append('files', f, f.name));
    setBusy(true);
    setError(null);
    try {
      const res = await publicRequest('POST', '/api/v1/public/tips', body);
      setReceipt(res.data.receipt);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    const text = receiptGroups(receipt).join(' ');
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch (e) {
      const sel = window.getSelection();
      const el = document.getElementById('receipt-code');
      if (sel && el) { const r = document.createRange(); r.selectNodeContents(el); sel.removeAllRanges(); sel.addRange(r); }
    }
  };

  const again = () => {
    setReceipt('');
    setCopied(false);
    setForm({ category: '', unit_id: '', address: '', day: '', time: '', description: '' });
    setFiles([]);
    setLoc(null);
    setWho({ name: '', phone: '', national_id: '', address: '' });
    setAnonymous(true);
  };

  if (receipt) {
    return (
      <PublicShell>
        <h1 tabIndex={-1} ref={doneRef}>{t('ptip.sent_title')}</h1>
        <p>{t('ptip.sent_intro')}</p>
        <p class="receipt-label" id="receipt-label">{t('ptip.receipt_label')}</p>
        <p class="receipt" id="receipt-code" aria-labelledby="receipt-label">
          {receiptGroups(receipt).map((g, i) => <span key={i}>{g}{i < 3 ? ' ' : ''}</span>)}
        </p>
        <div class="alert alert-warn" role="note">{t('ptip.receipt_once')}</div>
        <div class="receipt-actions">
          <button type="button" class="btn btn-primary" onClick={copy}>{t('ptip.copy')}</button>
          <button type="button" class="btn" onClick={() => window.print()}>{t('ptip.print')}</button>
        </div>
        {copied && <p class="hint no-print" role="status">{t('ptip.copied')}</p>}
        <p>{t('ptip.follow_hint')} <Link href="/theo-doi-tin-bao">{t('ptrack.title')}</Link></p>
        <button type="button" class="btn" onClick={again}>{t('ptip.another')}</button>
      </PublicShell>
    );
  }

  const fields = error && error.local ? error.local : fieldErrors(error);
  const groups = unitOptions(units);
  return (
    <PublicShell>
      <h1>{t('ptip.title')}</h1>
      <p class="tip-intro">{t('ptip.intro')}</p>
      {loadError && <FormError text={errorText(loadError)} />}
      <FormError text={error ? (error.local ? t('error.validation_failed') : errorText(error)) : ''} />
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <Field as="select" label={t('ptip.category')} value={form.category} onChange={set('category')}
          error={fields.category} required>
          <option value="">{t('ptip.category_choose')}</option>
          {cats.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </Field>
        <Field as="select" label={t('ptip.unit')} hint={t('ptip.unit_hint')} value={form.unit_id}
          onChange={set('unit_id')} error={fields.unit_id}>
          <option value="">{t('ptip.unit_unknown')}</option>
          {groups.length === 1
            ? groups[0].opts.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)
            : groups.map((g) => (
              <optgroup key={g.commune.id} label={g.commune.name}>
                <option value={g.commune.id}>{t('ptip.unit_whole', { name: g.commune.name })}</option>
                {g.opts.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
              </optgroup>
            ))}
        </Field>
        <Field label={t('ptip.address')} hint={t('ptip.address_hint')} value={form.address} onInput={set('address')}
          error={fields.address} autocomplete="off" maxlength={500} />
        <div class="tip-loc">
          {loc
            ? <p role="status">{t('ptip.loc_set', { lat: loc.lat, lng: loc.lng })}{' '}
              <button type="button" class="btn btn-small" onClick={() => setLoc(null)}>{t('ptip.loc_clear')}</button></p>
            : <button type="button" class="btn" onClick={locate} disabled={locState === 'busy'}>
              {locState === 'busy' ? t('ptip.loc_busy') : t('ptip.loc_use')}</button>}
          {(locState === 'denied' || locState === 'unsupported') && <p class="error-text" role="alert">{t('ptip.loc_' + locState)}</p>}
          {(fields.lat || fields.lng) && <p class="error-text">{fields.lat || fields.lng}</p>}
        </div>
        <div class="tip-when">
          <DateField label={t('ptip.day')} value={form.day} onInput={(v) => { edited('occurred_at'); setForm({ ...form, day: v }); }}
            error={fields.occurred_at} />
          <Field label={t('ptip.time')} type="time" value={form.time} onInput={set('time')} />
        </div>
        <Field as="textarea" label={t('ptip.description')} hint={t('ptip.description_hint')} rows={6}
          value={form.description} onInput={set('description')} error={fields.description} required maxlength={5000} />

        <div class={'field' + (fileError || fields.files ? ' field-error' : '')}>
          <span class="label" id="tip-files-label">{t('ptip.files')}</span>
          <p class="hint" id="tip-files-hint">{t('ptip.files_hint', { max: MAX_FILES })}</p>
          {files.length < MAX_FILES && (
            <label class="btn file-btn">
              {t('ptip.files_add')}
              <input type="file" class="file-input" accept={ACCEPT} multiple onChange={addFiles}
                aria-describedby="tip-files-hint" />
            </label>
          )}
          {files.length > 0 && (
            <ul class="tip-files" aria-labelledby="tip-files-label">
              {files.map((f, i) => (
                <li key={f.name + i}>
                  <span class="tip-file-name">{f.name}</span> <span class="muted">{sizeText(f.size)}</span>
                  <button type="button" class="btn btn-small" aria-label={t('ptip.file_remove', { name: f.name })}
                    onClick={() => setFiles(files.filter((x, j) => j !== i))}>{t('ptip.remove')}</button>
                </li>
              ))}
            </ul>
          )}
          {(fileError || fields.files) && <p class="error-text" role="alert">{fileError || fields.files}</p>}
        </div>

        <div class="anon-box">
          <label class="switch">
            <input type="checkbox" role="switch" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)}
              aria-describedby="anon-note" />
            <span>{t('ptip.anonymous')}</span>
          </label>
          <p class="hint" id="anon-note">{anonymous ? t('ptip.anonymous_on') : t('ptip.anonymous_off')}</p>
          {!anonymous && (
            <fieldset class="tip-identity">
              <legend>{t('ptip.identity')}</legend>
              {fields.identity && <p class="error-text" role="alert">{fields.identity}</p>}
              <Field label={t('ptip.id_name')} value={who.name} onInput={setId('name')} autocomplete="name"
                error={fields['identity.name']} maxlength={200} />
              <Field label={t('ptip.id_phone')} type="tel" value={who.phone} onInput={setId('phone')} autocomplete="tel"
                error={fields['identity.phone']} maxlength={32} />
              <Field label={t('ptip.id_national_id')} inputmode="numeric" value={who.national_id} autocomplete="off"
                onInput={setId('national_id')} error={fields['identity.national_id']} maxlength={20} />
              <Field label={t('ptip.id_address')} value={who.address} onInput={setId('address')} autocomplete="street-address"
                error={fields['identity.address']} maxlength={500} />
            </fieldset>
          )}
        </div>
        <p class="tip-safe">{t('ptip.reassure')}</p>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? t('ptip.sending') : t('ptip.send')}
        </button>
      </form>
    </PublicShell>
  );
}
