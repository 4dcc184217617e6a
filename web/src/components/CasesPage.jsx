// "Vụ việc" (/cases): the cases with filters (status, category, source) kept in the address, "Mở vụ
// việc" for a new one, and the counts by category and month (GET /api/v1/cases/stats) as a table.
import { useState } from 'preact/hooks';
import { t, formatDate, formatNumber } from '../i18n.js';
import { Link, navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { qs, parseDate, todayIso } from '../forces.js';
import { CASE_CATEGORIES, CASE_SOURCES, CASE_STATUSES } from '../tips.js';
import { CaseForm } from './CaseForm.jsx';
import { DateField, isoToText } from './DateField.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { CaseStatusBadge } from './TipBits.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

function yearAgo() {
  const [y, m] = todayIso().split('-');
  return `${Number(y) - 1}-${m}-01`;
}

function CaseStats() {
  const [range, setRange] = useState({ from: yearAgo(), to: todayIso() });
  const [text, setText] = useState({ from: isoToText(range.from), to: isoToText(range.to) });
  const [bad, setBad] = useState({});
  const stats = useFetch('/api/v1/cases/stats' + qs(range));
  const onSubmit = (e) => {
    e.preventDefault();
    const from = parseDate(text.from);
    const to = parseDate(text.to);
    const errs = {};
    if (!from) errs.from = t('inbox.date_invalid');
    if (!to) errs.to = t('inbox.date_invalid');
    setBad(errs);
    if (!errs.from && !errs.to) setRange({ from, to });
  };
  const d = stats.body && stats.body.data;
  const cats = d ? CASE_CATEGORIES.filter((c) => d.by_category[c] > 0) : [];
  return (
    <div class="card">
      <h2>{t('cases.stats')}</h2>
      <form class="filters" onSubmit={onSubmit} aria-label={t('cases.stats_period')}>
        <div class="filter-grid">
          <DateField label={t('inbox.from')} value={text.from} error={bad.from} onInput={(x) => setText({ ...text, from: x })} />
          <DateField label={t('inbox.to')} value={text.to} error={bad.to} onInput={(x) => setText({ ...text, to: x })} />
        </div>
        <button type="submit" class="btn">{t('cases.stats_show')}</button>
      </form>
      <FormError text={stats.error ? errorText(stats.error) : ''} />
      {d && (d.total === 0 ? <p>{t('cases.stats_none')}</p> : (
        <div class="table-wrap">
          <table class="table case-stats">
            <caption class="muted">{t('cases.stats_caption', { from: formatDate(range.from), to: formatDate(range.to) })}</caption>
            <thead>
              <tr><th scope="col">{t('cases.month')}</th>{cats.map((c) => <th scope="col" class="num" key={c}>{t('casecat.' + c)}</th>)}<th scope="col" class="num">{t('cases.total')}</th></tr>
            </thead>
            <tbody>
              {d.months.filter((m) => m.total > 0).map((m) => (
                <tr key={m.month}>
                  <th scope="row">{m.month.slice(5)}/{m.month.slice(0, 4)}</th>
                  {cats.map((c) => <td class="num" key={c}>{formatNumber(m.counts[c])}</td>)}
                  <td class="num">{formatNumber(m.total)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr><th scope="row">{t('cases.total')}</th>{cats.map((c) => <td class="num" key={c}>{formatNumber(d.by_category[c])}</td>)}<td class="num">{formatNumber(d.total)}</td></tr>
            </tfoot>
          </table>
        </div>
      ))}
    </div>
  );
}

export function CasesPage({ query }) {
  usePageTitle(t('cases.title'));
  const f = { status: query.get('status') || '', category: query.get('category') || '', source: query.get('source') || '' };
  const list = useFetch('/api/v1/cases' + qs(f), { all: true });
  const [creating, setCreating] = useState(false);
  const set = (k) => (e) => navigate('/cases' + qs({ ...f, [k]: e.currentTarget.value }), { replace: true });
  const cases = list.body ? list.body.data.slice().reverse() : null;
  return (
    <section class="page">
      <h1>{t('cases.title')}</h1>
      <p class="links-row">
        <button type="button" class="btn btn-primary" aria-expanded={creating ? 'true' : 'false'} onClick={() => setCreating(!creating)}>{t('cases.new')}</button>
        <Link href="/tips">{t('inbox.title')}</Link>
      </p>
      {creating && <div class="card"><CaseForm onCreated={(c) => navigate(`/cases/${c.id}`)} onCancel={() => setCreating(false)} /></div>}
      <form class="card filters" role="search" aria-label={t('cases.filter')} onSubmit={(e) => e.preventDefault()}>
        <div class="filter-grid">
          <Field as="select" label={t('inbox.status')} value={f.status} onChange={set('status')}>
            <option value="">{t('inbox.any')}</option>
            {CASE_STATUSES.map((s) => <option key={s} value={s}>{t('casestatus.' + s)}</option>)}
          </Field>
          <Field as="select" label={t('case.category')} value={f.category} onChange={set('category')}>
            <option value="">{t('inbox.any')}</option>
            {CASE_CATEGORIES.map((s) => <option key={s} value={s}>{t('casecat.' + s)}</option>)}
          </Field>
          <Field as="select" label={t('case.source')} value={f.source} onChange={set('source')}>
            <option value="">{t('inbox.any')}</option>
            {CASE_SOURCES.map((s) => <option key={s} value={s}>{t('casesource.' + s)}</option>)}
          </Field>
        </div>
      </form>
      <FormError text={list.error ? errorText(list.error) : ''} />
      {!cases && !list.error && <p role="status">{t('app.loading')}</p>}
      {cases && (
        <div class="card">
          <h2>{t('cases.list')}</h2>
          {cases.length === 0 ? <p>{t('cases.empty')}</p> : (
            <ul class="record-list">
              {cases.map((c) => (
                <li key={c.id}>
                  <Link href={`/cases/${c.id}`} class="record-title">{t('case.title', { id: c.id })} — {t('casecat.' + c.category)}</Link>
                  <div class="record-meta">
                    <CaseStatusBadge status={c.status} />
                    <span class="muted">{formatDate(c.occurred_at)}</span>
                    <span class="muted">{t('casesource.' + c.source)}</span>
                    {c.place && <span class="muted">{c.place}</span>}
                  </div>
                  <p class="tip-snippet">{c.summary}</p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <CaseStats />
    </section>
  );
}
