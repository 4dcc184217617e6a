// One organisation (/organisations/:id): kind, unit, editing, deleting, and "Lịch sử".
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { can } from '../forces.js';
import { FormError } from './FormError.jsx';
import { HistoryList } from './HistoryList.jsx';
import { LoadState } from './LoadState.jsx';
import { OrganisationForm } from './OrganisationsPage.jsx';
import { RecordTabs } from './RecordTabs.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { useUnits } from './useUnits.js';

function DeleteOrganisation({ org }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState(null);
  const onDelete = async () => {
    try {
      await api.del(`/api/v1/organisations/${org.id}`);
      navigate('/organisations');
    } catch (err) {
      setError(err);
      setConfirming(false);
    }
  };
  return (
    <div class="card danger-zone">
      <h2>{t('org.delete_title')}</h2>
      <FormError text={error ? (error.code === 'conflict' ? t('org.delete_conflict') : errorText(error)) : ''} />
      {!confirming ? (
        <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>{t('action.delete')}</button>
      ) : (
        <div class="confirm" role="group" aria-label={t('org.delete_title')}>
          <p>{t('org.delete_confirm', { name: org.name })}</p>
          <div class="actions">
            <button type="button" class="btn btn-danger" onClick={onDelete}>{t('action.delete')}</button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>{t('action.cancel')}</button>
          </div>
        </div>
      )}
    </div>
  );
}

export function OrganisationPage({ params, query, user }) {
  const org = useFetch(`/api/v1/organisations/${encodeURIComponent(params.id)}`);
  const { units } = useUnits();
  usePageTitle(org.body ? org.body.data.name : t('orgs.title'));
  if (!org.body) return <LoadState fetch={org} title={t('orgs.title')} notFound={t('org.not_found')} />;
  const o = org.body.data;
  const unit = units && units.find((u) => u.id === o.unit_id);
  const tab = query.get('tab');
  return (
    <section class="page">
      <p class="crumbs"><Link href="/organisations">{t('orgs.title')}</Link></p>
      <h1>{o.name}</h1>
      <dl class="facts">
        <div><dt>{t('org.kind')}</dt><dd>{t('org.kind.' + o.kind)}</dd></div>
        <div><dt>{t('org.unit')}</dt><dd>{unit ? <Link href={`/units/${unit.id}`}>{unit.name}</Link> : '—'}</dd></div>
        <div><dt>{t('unit.created_at')}</dt><dd>{formatDateTime(o.created_at)}</dd></div>
        <div><dt>{t('unit.updated_at')}</dt><dd>{formatDateTime(o.updated_at)}</dd></div>
      </dl>
      <RecordTabs base={`/organisations/${o.id}`} tab={tab} user={user} />
      {tab === 'history' ? <HistoryList sources={[{ entity: 'organisation', id: o.id }]} /> : can(user, 'orgs_write') && units && (
        <>
          <OrganisationForm key={o.id} org={o} units={units} title={t('org.edit')} onSaved={() => org.reload()} />
          <DeleteOrganisation org={o} />
        </>
      )}
    </section>
  );
}
