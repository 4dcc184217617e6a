// One case (/cases/:id): its facts and summary, its status (a select saved with PATCH), the tips
// linked to it, and "Lịch sử" from the audit log.
import { useState } from 'preact/hooks';
import { t, formatDate, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { CASE_STATUSES, canTips } from '../tips.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { HistoryList } from './HistoryList.jsx';
import { LoadState } from './LoadState.jsx';
import { RecordTabs } from './RecordTabs.jsx';
import { CaseStatusBadge, TipStatusBadge, refusalText, useTipCategories } from './TipBits.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

export function CasePage({ params, query, user }) {
  const caseF = useFetch(`/api/v1/cases/${encodeURIComponent(params.id)}`);
  const cats = useTipCategories();
  const [error, setError] = useState(null);
  usePageTitle(caseF.body ? t('case.title', { id: caseF.body.data.id }) : t('cases.title'));
  if (!caseF.body) return <LoadState fetch={caseF} title={t('cases.title')} notFound={t('case.not_found')} />;
  const c = caseF.body.data;
  const tab = query.get('tab');
  const onStatus = async (e) => {
    setError(null);
    try {
      await api.patch(`/api/v1/cases/${c.id}`, { status: e.currentTarget.value });
      caseF.reload();
    } catch (err) { setError(err); }
  };
  return (
    <section class="page">
      <p class="crumbs"><Link href="/cases">{t('cases.title')}</Link></p>
      <h1>{t('case.title', { id: c.id })} — {t('casecat.' + c.category)}</h1>
      <dl class="facts">
        <div><dt>{t('inbox.status')}</dt><dd><CaseStatusBadge status={c.status} /></dd></div>
        <div><dt>{t('case.occurred')}</dt><dd>{formatDate(c.occurred_at)}</dd></div>
        <div><dt>{t('case.source')}</dt><dd>{t('casesource.' + c.source)}</dd></div>
        <div><dt>{t('case.opened')}</dt><dd>{formatDateTime(c.created_at)}</dd></div>
        <div class="wide"><dt>{t('case.place')}</dt><dd>{c.place || '—'}</dd></div>
      </dl>
      <RecordTabs base={`/cases/${c.id}`} tab={tab} user={user} />
      {tab === 'history' ? <HistoryList sources={[{ entity: 'case', id: c.id }]} /> : (
        <>
          <div class="card">
            <h2>{t('case.summary')}</h2>
            <p class="tip-description">{c.summary}</p>
          </div>
          {canTips(user) && (
            <div class="card">
              <h2>{t('case.status_title')}</h2>
              <FormError text={refusalText(error)} />
              <div class="field-inline">
                <Field as="select" label={t('inbox.status')} value={c.status} onChange={onStatus}>
                  {CASE_STATUSES.map((s) => <option key={s} value={s}>{t('casestatus.' + s)}</option>)}
                </Field>
              </div>
            </div>
          )}
          <div class="card">
            <h2>{t('case.tips')}</h2>
            {c.tips.length === 0 ? <p>{t('case.no_tips')}</p> : (
              <ul class="record-list">
                {c.tips.map((x) => (
                  <li key={x.id}>
                    <Link href={`/tips/${x.id}`} class="record-title">{t('tipdesk.title', { id: x.id })} — {cats.name(x.category)}</Link>
                    <div class="record-meta"><TipStatusBadge status={x.status} /><span class="muted">{formatDateTime(x.created_at)}</span></div>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </>
      )}
    </section>
  );
}
