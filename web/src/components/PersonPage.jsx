// One person (/people/:id): their details with the CCCD masked ("Xem số CCCD" reveals it, with a
// reason, to those who may), editing, deleting (refused while they serve on a team), and "Lịch sử".
import { useState } from 'preact/hooks';
import { t, formatDate, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { can } from '../forces.js';
import { FormError } from './FormError.jsx';
import { HistoryList } from './HistoryList.jsx';
import { LoadState } from './LoadState.jsx';
import { NationalIdReveal } from './NationalIdReveal.jsx';
import { PersonForm } from './PersonForm.jsx';
import { RecordTabs } from './RecordTabs.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { useUnits } from './useUnits.js';

function DeletePerson({ person }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState(null);
  const onDelete = async () => {
    try {
      await api.del(`/api/v1/people/${person.id}`);
      navigate('/people');
    } catch (err) {
      setError(err);
      setConfirming(false);
    }
  };
  return (
    <div class="card danger-zone">
      <h2>{t('person.delete_title')}</h2>
      <FormError text={error ? (error.code === 'conflict' ? t('person.delete_conflict') : errorText(error)) : ''} />
      {!confirming ? (
        <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>{t('action.delete')}</button>
      ) : (
        <div class="confirm" role="group" aria-label={t('person.delete_title')}>
          <p>{t('person.delete_confirm', { name: person.full_name })}</p>
          <div class="actions">
            <button type="button" class="btn btn-danger" onClick={onDelete}>{t('action.delete')}</button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>{t('action.cancel')}</button>
          </div>
        </div>
      )}
    </div>
  );
}

export function PersonPage({ params, query, user }) {
  const person = useFetch(`/api/v1/people/${encodeURIComponent(params.id)}`);
  const { units } = useUnits();
  const [revealed, setRevealed] = useState(null);
  usePageTitle(person.body ? person.body.data.full_name : t('people.title'));
  if (!person.body) return <LoadState fetch={person} title={t('people.title')} notFound={t('person.not_found')} />;

  const p = person.body.data;
  const unit = units && units.find((u) => u.id === p.unit_id);
  const tab = query.get('tab');
  const birth = p.birth_date ? formatDate(p.birth_date) : p.birth_year ? String(p.birth_year) : '—';
  return (
    <section class="page">
      <p class="crumbs"><Link href="/people">{t('people.title')}</Link></p>
      <h1>{p.full_name}</h1>
      <dl class="facts">
        <div><dt>{t('person.gender')}</dt><dd>{p.gender ? t('gender.' + p.gender) : '—'}</dd></div>
        <div><dt>{t('person.birth_short')}</dt><dd>{birth}</dd></div>
        <div><dt>{t('person.phone')}</dt><dd>{p.phone || '—'}</dd></div>
        <div><dt>{t('person.unit')}</dt><dd>{unit ? <Link href={`/units/${unit.id}`}>{unit.name}</Link> : '—'}</dd></div>
        <div class="wide"><dt>{t('person.address')}</dt><dd>{p.address || '—'}</dd></div>
        <div class="wide">
          <dt>{t('person.national_id')}</dt>
          <dd class="nid">
            {revealed
              ? <span class="code" aria-live="polite">{revealed}</span>
              : <span class="code">{p.national_id_masked || '—'}</span>}
            {p.national_id_masked && !revealed && can(user, 'sensitive') && (
              <NationalIdReveal person={p} onRevealed={setRevealed} />
            )}
          </dd>
        </div>
      </dl>
      <p class="muted">{t('record.updated', { at: formatDateTime(p.updated_at) })}</p>
      <RecordTabs base={`/people/${p.id}`} tab={tab} user={user} />
      {tab === 'history' ? <HistoryList sources={[{ entity: 'person', id: p.id }]} /> : can(user, 'people_write') && (
        <>
          <PersonForm key={p.id} person={p} onSaved={() => { setRevealed(null); person.reload(); }} />
          <DeletePerson person={p} />
        </>
      )}
    </section>
  );
}
