// "Tin báo" (/tips): the officer's inbox, newest first, with filters kept in the address (status,
// category, block, date range and a text search that ignores tones — the API's q). It follows the
// tab's event stream (stream.js): on tip.created, tip.updated or tip.message it asks GET /api/v1/tips
// again (once for a burst of events), as it does when the stream (re)connects and when the tab shows
// again; tips that were not there before go on top, marked, and "N tin báo mới" is announced.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { parseDate, qs } from '../forces.js';
import { subscribe, onOpen } from '../stream.js';
import { TIP_STATUSES } from '../tips.js';
import { DateField, isoToText } from './DateField.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { TipStatusBadge, tipTitle, useTipCategories } from './TipBits.jsx';
import { usePageTitle } from './usePageTitle.js';
import { useUnits, byName } from './useUnits.js';

const KEYS = ['status', 'category', 'unit_id', 'from', 'to', 'q'];

function snippet(s) {
  return s && s.length > 160 ? s.slice(0, 157) + '…' : s || '';
}

export function TipInboxPage({ query }) {
  usePageTitle(t('inbox.title'));
  const filters = {};
  KEYS.forEach((k) => { filters[k] = query.get(k) || ''; });
  const cats = useTipCategories();
  const { units } = useUnits();
  const [form, setForm] = useState({ ...filters, from: isoToText(filters.from), to: isoToText(filters.to) });
  const [formErr, setFormErr] = useState({});
  const [tips, setTips] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [fresh, setFresh] = useState([]);
  const [error, setError] = useState(null);
  const known = useRef(new Set());
  const path = '/api/v1/tips' + qs({ ...filters, order: 'newest', limit: 50 });

  useEffect(() => {
    let live = true;
    setTips(null);
    setFresh([]);
    known.current = new Set();
    api.get(path).then((res) => {
      if (!live) return;
      res.data.forEach((x) => known.current.add(x.id));
      setTips(res.data);
      setCursor(res.next_cursor);
      setError(null);
    }).catch((e) => { if (live) setError(e); });
    let soon = null;
    const tick = () => {
      if (document.visibilityState !== 'visible') return;
      api.get(path).then((res) => {
        if (!live) return;
        const news = res.data.filter((x) => !known.current.has(x.id));
        news.forEach((x) => known.current.add(x.id));
        const byId = new Map(res.data.map((x) => [x.id, x]));
        setTips((old) => (old ? news.concat(old.map((x) => byId.get(x.id) || x)) : old));
        if (news.length) setFresh((f) => f.concat(news.map((x) => x.id)));
        setError(null);
      }).catch((e) => { if (live) setError(e); });
    };
    /* a burst of events (a triage of many tips) asks once */
    const later = () => { if (!soon) soon = setTimeout(() => { soon = null; tick(); }, 250); };
    const off = subscribe(['tip.created', 'tip.updated', 'tip.message'], later);
    const offOpen = onOpen(later); /* (re)connected: whatever a gap hid */
    document.addEventListener('visibilitychange', tick); /* back to the tab: ask at once */
    return () => {
      live = false;
      off();
      offOpen();
      if (soon) clearTimeout(soon);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [path]);

  const more = () => api.get(path + '&cursor=' + encodeURIComponent(cursor)).then((res) => {
    res.data.forEach((x) => known.current.add(x.id));
    setTips((old) => old.concat(res.data));
    setCursor(res.next_cursor);
  }).catch(setError);

  const set = (k) => (e) => setForm({ ...form, [k]: typeof e === 'string' ? e : e.currentTarget.value });
  const onFilter = (e) => {
    e.preventDefault();
    const from = parseDate(form.from);
    const to = parseDate(form.to);
    const errs = {};
    if (from === null) errs.from = t('inbox.date_invalid');
    if (to === null) errs.to = t('inbox.date_invalid');
    setFormErr(errs);
    if (Object.keys(errs).length) return;
    navigate('/tips' + qs({ ...form, from, to, q: form.q.trim() }), { replace: true });
  };
  const blocks = units ? units.filter((u) => u.kind !== 'province').sort(byName) : [];

  return (
    <section class="page">
      <h1>{t('inbox.title')}</h1>
      <p class="links-row"><Link href="/cases">{t('cases.title')}</Link></p>
      <form class="card filters" role="search" aria-label={t('inbox.filter')} onSubmit={onFilter}>
        <div class="filter-grid">
          <Field as="select" label={t('inbox.status')} value={form.status} onChange={set('status')}>
            <option value="">{t('inbox.any')}</option>
            {TIP_STATUSES.map((s) => <option key={s} value={s}>{t('inbox_status.' + s)}</option>)}
          </Field>
          <Field as="select" label={t('inbox.category')} value={form.category} onChange={set('category')}>
            <option value="">{t('inbox.any')}</option>
            {(cats.list || []).map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
          </Field>
          <Field as="select" label={t('inbox.block')} value={form.unit_id} onChange={set('unit_id')}>
            <option value="">{t('inbox.any')}</option>
            {blocks.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
          </Field>
          <DateField label={t('inbox.from')} value={form.from} onInput={set('from')} error={formErr.from} />
          <DateField label={t('inbox.to')} value={form.to} onInput={set('to')} error={formErr.to} />
          <Field type="search" label={t('inbox.search')} hint={t('inbox.search_hint')} value={form.q}
            maxlength={200} onInput={set('q')} />
        </div>
        <button type="submit" class="btn btn-primary">{t('inbox.apply')}</button>
      </form>
      <FormError text={error ? errorText(error) : ''} />
      <p role="status" class="tip-fresh">
        {fresh.length ? t('inbox.new_count', { n: fresh.length }) : ''}
      </p>
      {!tips && !error && <p role="status">{t('app.loading')}</p>}
      {tips && (
        <div class="card">
          <h2>{t('inbox.list')}</h2>
          {tips.length === 0 ? <p>{t('inbox.empty')}</p> : (
            <ul class="record-list tip-list">
              {tips.map((x) => (
                <li key={x.id} class={fresh.includes(x.id) ? 'is-fresh' : undefined}>
                  <Link href={`/tips/${x.id}`} class="record-title">{tipTitle(x)} — {cats.name(x.category)}</Link>
                  <div class="record-meta">
                    <TipStatusBadge status={x.status} />
                    {fresh.includes(x.id) && <span class="badge badge-fresh">{t('inbox.fresh')}</span>}
                    <span class="muted">{formatDateTime(x.created_at)}</span>
                    {x.unit_name && <span class="muted">{x.unit_name}</span>}
                    {x.assigned_username && <span class="muted">{t('inbox.assigned_to', { who: x.assigned_username })}</span>}
                  </div>
                  <p class="tip-snippet">{snippet(x.description)}</p>
                </li>
              ))}
            </ul>
          )}
          {cursor && <button type="button" class="btn" onClick={more}>{t('action.more')}</button>}
        </div>
      )}
    </section>
  );
}
