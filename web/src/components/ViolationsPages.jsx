// "Biên bản vi phạm": /violations (the records the user reads, newest first, filtered by kind and
// action), /violations/new (on a patrol — ?patrol_id= — or standalone on a unit: the person from People
// or as free text, place, time, kind, the legal basis that every record needs, the action with its
// record number or fine in VND, photos) and /violations/:id (the record, its photos, and for those
// allowed the sealed free-text identity opened with a reason, audited like a CCCD reveal).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api, request } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { can, parseDate, qs, todayIso } from '../forces.js';
import { VIOLATION_ACTIONS, canPatrolsWrite, isHhmm, timeText, vnInstant, vndText } from '../patrols.js';
import { DateField, isoToText } from './DateField.jsx';
import { Field, useFocusInvalid } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LoadState } from './LoadState.jsx';
import { PatrolLinks, ViolationList, useKindNames } from './PatrolsPages.jsx';
import { PersonPicker } from './PersonPicker.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';

export function ViolationsPage({ query, user }) {
  usePageTitle(t('violation.title'));
  const f = { kind: query.get('kind') || '', action: query.get('action') || '' };
  const list = useFetch('/api/v1/violations' + qs({ ...f, limit: 100 }));
  const kinds = useKindNames();
  const set = (k) => (e) => navigate('/violations' + qs({ ...f, [k]: e.currentTarget.value }), { replace: true });
  const items = list.body ? list.body.data : null;
  return (
    <section class="page">
      <h1>{t('violation.title')}</h1>
      <PatrolLinks here="/violations" user={user} />
      {canPatrolsWrite(user) && <p><Link href="/violations/new" class="btn btn-primary">{t('violation.new')}</Link></p>}
      <form class="card filters" role="search" aria-label={t('violation.filter')} onSubmit={(e) => e.preventDefault()}>
        <div class="filter-grid">
          <Field as="select" label={t('violation.kind')} value={f.kind} onChange={set('kind')}>
            <option value="">{t('patrol.any')}</option>
            {kinds.list.map((k) => <option key={k.code} value={k.code}>{kinds.names[k.code]}</option>)}
          </Field>
          <Field as="select" label={t('violation.action')} value={f.action} onChange={set('action')}>
            <option value="">{t('patrol.any')}</option>
            {VIOLATION_ACTIONS.map((a) => <option key={a} value={a}>{t('violation.action.' + a)}</option>)}
          </Field>
        </div>
      </form>
      <FormError text={list.error ? errorText(list.error) : ''} />
      {!items && !list.error && <p role="status">{t('app.loading')}</p>}
      {items && (
        <div class="card">
          <h2>{t('violation.list')}</h2>
          {items.length === 0 ? <p>{t('violation.empty')}</p> : <ViolationList items={items} kindNames={kinds.names} />}
          {list.body.next_cursor && <p class="muted">{t('patrol.more')}</p>}
        </div>
      )}
    </section>
  );
}

function nowParts() {
  const d = new Date(Date.now() + 7 * 3600000);
  return { day: isoToText(todayIso()), time: `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` };
}

// Uploads the chosen photos one by one; returns the first error (or null).
async function uploadPhotos(id, files) {
  for (const file of files) {
    try {
      await request('POST', `/api/v1/violations/${id}/photos`, file, { contentType: file.type || 'application/octet-stream' });
    } catch (err) {
      return err;
    }
  }
  return null;
}

export function ViolationNewPage({ query }) {
  usePageTitle(t('violation.new'));
  const patrolId = query.get('patrol_id') || '';
  const patrol = useFetch(patrolId ? `/api/v1/patrols/${encodeURIComponent(patrolId)}` : null);
  const { units } = useUnits();
  const kinds = useKindNames();
  const now = nowParts();
  const [v, setV] = useState({
    unit_id: '', day: now.day, time: now.time, place: '', kind: '', legal_basis: '', action: 'reminder',
    record_no: '', fine: '', who: 'none', name: '', birth_year: '', address: '', summary: '',
  });
  const [person, setPerson] = useState(null);
  const [files, setFiles] = useState([]);
  const [error, setError] = useState(null);
  const [bad, setBad] = useState({});
  const formRef = useRef(null);
  useFocusInvalid(formRef, error || (Object.keys(bad).length ? bad : null));
  const set = (k) => (e) => setV({ ...v, [k]: typeof e === 'string' ? e : e.currentTarget.value });
  const p = patrol.body && patrol.body.data;

  const onSubmit = async (e) => {
    e.preventDefault();
    const day = parseDate(v.day);
    const errs = {};
    if (!day) errs.occurred_at = t('inbox.date_invalid');
    else if (!isHhmm(v.time)) errs.occurred_at = t('roster.time_invalid');
    const fineText = v.fine.replace(/[.\s₫]/g, '');
    if (v.action === 'fine' && fineText && !/^\d+$/.test(fineText)) errs.fine_vnd = t('violation.fine_invalid');
    if (v.who === 'register' && !person) errs.person_id = t('violation.person_pick');
    setBad(errs);
    if (Object.keys(errs).length) return;
    setError(null);
    const body = {
      occurred_at: vnInstant(day, v.time), kind: v.kind || undefined, legal_basis: v.legal_basis.trim(), action: v.action,
      place: v.place.trim() || null, summary: v.summary.trim() || null,
    };
    if (p) body.patrol_id = p.id;
    else if (v.unit_id) body.unit_id = Number(v.unit_id);
    if (v.action === 'record' || v.action === 'fine') body.record_no = v.record_no.trim() || null;
    if (v.action === 'fine') body.fine_vnd = fineText ? Number(fineText) : null;
    if (v.who === 'register' && person) body.person_id = person.id;
    if (v.who === 'text') {
      const id = { name: v.name.trim() };
      if (v.birth_year.trim()) id.birth_year = Number(v.birth_year.trim()) || -1;
      if (v.address.trim()) id.address = v.address.trim();
      body.identity = id;
    }
    try {
      const res = await api.post('/api/v1/violations', body);
      const photoErr = await uploadPhotos(res.data.id, files);
      navigate(`/violations/${res.data.id}${photoErr ? '?photo_error=1' : ''}`);
    } catch (err) { setError(err); }
  };
  const fe = { ...fieldErrors(error), ...bad };
  const places = (units || []).filter((u) => u.kind !== 'province').sort(byName);
  return (
    <section class="page">
      <p class="crumbs">
        <Link href="/violations">{t('violation.title')}</Link>
        {p && <> › <Link href={`/patrols/${p.id}`}>{t('patrol.title_one', { day: formatDateTime(p.planned_start).slice(0, 10) })}</Link></>}
      </p>
      <h1>{t('violation.new')}</h1>
      <form ref={formRef} class="card case-form" onSubmit={onSubmit} noValidate>
        <FormError text={error ? errorText(error) : ''} />
        {p ? (
          <p class="alert" role="note">{t('violation.on_patrol_of', { team: p.team_name, area: p.area || t('patrol.no_area') })}</p>
        ) : (
          <Field as="select" label={t('violation.unit')} value={v.unit_id} error={fe.unit_id} onChange={set('unit_id')}>
            <option value="">{t('patrol.pick')}</option>
            {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
          </Field>
        )}
        <div class="filter-grid">
          <DateField label={t('violation.day')} value={v.day} error={fe.occurred_at} onInput={set('day')} />
          <Field label={t('violation.time')} hint={t('roster.time_hint')} value={v.time} inputmode="numeric" maxlength={5} onInput={set('time')} />
          <Field as="select" label={t('violation.kind')} value={v.kind} error={fe.kind} onChange={set('kind')}>
            <option value="">{t('patrol.pick')}</option>
            {kinds.list.map((k) => <option key={k.code} value={k.code}>{kinds.names[k.code]}</option>)}
          </Field>
        </div>
        <Field label={t('violation.place')} value={v.place} error={fe.place} maxlength={500} onInput={set('place')} />
        <Field as="textarea" label={t('violation.legal_basis_req')} hint={t('violation.legal_basis_hint')} value={v.legal_basis}
          error={fe.legal_basis} rows={2} maxlength={2000} aria-required="true" onInput={set('legal_basis')} />
        <div class="filter-grid">
          <Field as="select" label={t('violation.action')} value={v.action} error={fe.action} onChange={set('action')}>
            {VIOLATION_ACTIONS.map((a) => <option key={a} value={a}>{t('violation.action.' + a)}</option>)}
          </Field>
          {(v.action === 'record' || v.action === 'fine') && (
            <Field label={t('violation.record_no')} value={v.record_no} error={fe.record_no} maxlength={100} onInput={set('record_no')} />
          )}
          {v.action === 'fine' && (
            <Field label={t('violation.fine_vnd')} hint={t('violation.fine_hint')} value={v.fine} error={fe.fine_vnd} inputmode="numeric" maxlength={16} onInput={set('fine')} />
          )}
        </div>
        <fieldset class="choice-row">
          <legend>{t('violation.who')}</legend>
          {['none', 'register', 'text'].map((w) => (
            <label key={w}><input type="radio" name="who" value={w} checked={v.who === w} onChange={set('who')} /> {t('violation.who.' + w)}</label>
          ))}
        </fieldset>
        {v.who === 'register' && (
          <div class={bad.person_id ? 'field-error' : ''}>
            <PersonPicker selected={person} onSelect={setPerson} id="violator-search" />
            {(bad.person_id || fe.person_id) && <p class="error-text">{bad.person_id || fe.person_id}</p>}
          </div>
        )}
        {v.who === 'text' && (
          <div>
            <p class="hint">{t('violation.identity_sealed')}</p>
            <Field label={t('violation.identity_name')} value={v.name} error={fe.identity} maxlength={300} onInput={set('name')} />
            <div class="filter-grid">
              <Field label={t('violation.identity_birth_year')} value={v.birth_year} inputmode="numeric" maxlength={4} onInput={set('birth_year')} />
              <Field label={t('violation.identity_address')} value={v.address} maxlength={300} onInput={set('address')} />
            </div>
          </div>
        )}
        <Field as="textarea" label={t('violation.summary')} value={v.summary} error={fe.summary} rows={3} maxlength={5000} onInput={set('summary')} />
        <Field type="file" label={t('violation.photos')} hint={t('violation.photos_hint')} accept="image/jpeg,image/png,image/webp" multiple
          onChange={(e) => setFiles([...e.currentTarget.files].slice(0, 10))} />
        <div class="actions">
          <button type="submit" class="btn btn-primary">{t('violation.create')}</button>
          <Link href={p ? `/patrols/${p.id}` : '/violations'} class="btn">{t('action.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}

// "Xem danh tính": the violator's sealed free-text identity on request, with a reason that the server
// audits; shown until the page is left, never stored in the browser.
function IdentityReveal({ v }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [shown, setShown] = useState(null);
  const dialog = useRef(null);
  const opener = useRef(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const close = () => { setOpen(false); if (opener.current) opener.current.focus(); };
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const res = await api.post(`/api/v1/violations/${v.id}/reveal`, { reason: reason.trim() });
      setShown(res.data.identity);
      setReason('');
      setOpen(false);
    } catch (err) { setError(err); }
  };
  const fields = fieldErrors(error);
  if (error && !fields.reason && error.code === 'validation_failed') fields.reason = t('reveal.reason_short');
  if (shown) {
    return (
      <p data-testid="identity">
        <strong>{shown.name}</strong>
        {shown.birth_year ? `, ${t('violation.born', { year: shown.birth_year })}` : ''}
        {shown.address ? `, ${shown.address}` : ''}
      </p>
    );
  }
  return (
    <>
      <button type="button" class="btn btn-small" ref={opener} onClick={() => setOpen(true)}>{t('violation.reveal')}</button>
      <dialog ref={dialog} class="dialog" aria-labelledby="vreveal-title" onClose={() => setOpen(false)}>
        <form onSubmit={onSubmit} noValidate>
          <h2 id="vreveal-title">{t('violation.reveal_title')}</h2>
          <p>{t('violation.reveal_explain')}</p>
          <FormError text={error && !fields.reason ? errorText(error) : ''} />
          <Field as="textarea" id="vreveal-reason" label={t('reveal.reason')} hint={t('violation.reveal_hint')} rows={3}
            value={reason} error={fields.reason} maxlength={500} required onInput={(e) => setReason(e.currentTarget.value)} />
          <div class="actions">
            <button type="submit" class="btn btn-primary" disabled={reason.trim().length === 0}>{t('violation.reveal_submit')}</button>
            <button type="button" class="btn" onClick={close}>{t('action.cancel')}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}

function AddPhotos({ v, onAdded }) {
  const [error, setError] = useState(null);
  const onChange = async (e) => {
    const files = [...e.currentTarget.files];
    e.currentTarget.value = '';
    setError(await uploadPhotos(v.id, files));
    onAdded();
  };
  return (
    <div class="subform">
      <FormError text={error ? errorText(error) : ''} />
      <Field type="file" label={t('violation.photo_add')} hint={t('violation.photos_hint')} accept="image/jpeg,image/png,image/webp" multiple onChange={onChange} />
    </div>
  );
}

export function ViolationPage({ params, query, user }) {
  const f = useFetch(`/api/v1/violations/${encodeURIComponent(params.id)}`);
  const kinds = useKindNames();
  const v = f.body && f.body.data;
  usePageTitle(v ? t('violation.title_one', { id: v.id }) : t('violation.title'));
  if (!v) return <LoadState fetch={f} title={t('violation.title')} notFound={t('violation.not_found')} />;
  return (
    <section class="page">
      <p class="crumbs">
        <Link href="/violations">{t('violation.title')}</Link>
        {v.patrol_id && <> › <Link href={`/patrols/${v.patrol_id}`}>{t('violation.the_patrol')}</Link></>}
      </p>
      <h1>{t('violation.title_one', { id: v.id })} — {kinds.names[v.kind] || v.kind}</h1>
      {query.get('photo_error') && <p class="alert alert-warn" role="note">{t('violation.photo_failed')}</p>}
      <dl class="facts">
        <div><dt>{t('violation.occurred')}</dt><dd>{formatDateTime(v.occurred_at)}</dd></div>
        <div><dt>{t('violation.action')}</dt><dd>{t('violation.action.' + v.action)}</dd></div>
        {v.record_no && <div><dt>{t('violation.record_no')}</dt><dd>{v.record_no}</dd></div>}
        {v.fine_vnd && <div><dt>{t('violation.fine_vnd')}</dt><dd>{vndText(v.fine_vnd)}</dd></div>}
        <div class="wide"><dt>{t('violation.legal_basis')}</dt><dd>{v.legal_basis}</dd></div>
        {v.place && <div class="wide"><dt>{t('violation.place')}</dt><dd>{v.place}</dd></div>}
      </dl>
      <div class="card">
        <h2>{t('violation.who')}</h2>
        {v.person_id && <p><Link href={`/people/${v.person_id}`}>{v.person_name}</Link></p>}
        {v.has_identity && (
          <div>
            <p class="muted">{t('violation.identity_sealed_short')}</p>
            {can(user, 'sensitive') && <IdentityReveal v={v} />}
          </div>
        )}
        {!v.person_id && !v.has_identity && <p class="muted">{t('violation.who_none')}</p>}
        {v.summary && (
          <>
            <h2>{t('violation.summary')}</h2>
            <p class="tip-description">{v.summary}</p>
          </>
        )}
      </div>
      <div class="card">
        <h2>{t('violation.photos')}</h2>
        {v.photos.length === 0 ? <p class="muted">{t('violation.no_photos')}</p> : (
          <ul class="photo-grid">
            {v.photos.map((ph, i) => (
              <li key={ph.id}><a href={ph.url} target="_blank" rel="noopener"><img src={ph.url} alt={t('violation.photo_n', { n: i + 1 })} /></a></li>
            ))}
          </ul>
        )}
        {v.can_edit && v.photos.length < 10 && <AddPhotos v={v} onAdded={f.reload} />}
      </div>
      <p class="muted">{t('violation.recorded_at', { at: formatDateTime(v.created_at), time: timeText(v.updated_at) })}</p>
    </section>
  );
}
