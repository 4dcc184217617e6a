// The two CSV import pages: people (/people/import) and a team's members (/teams/:id/import), each
// with the file's header line, the preview and the line-numbered errors (CsvImport).
import { t, formatDate } from '../i18n.js';
import { Link } from '../router.jsx';
import { CsvImport } from './CsvImport.jsx';
import { LoadState } from './LoadState.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

const gender = (r) => (r.gender ? t('gender.' + r.gender) : '');

export function ImportPeoplePage() {
  usePageTitle(t('import.people_title'));
  return (
    <section class="page">
      <p class="crumbs"><Link href="/people">{t('people.title')}</Link></p>
      <h1>{t('import.people_title')}</h1>
      <CsvImport endpoint="/api/v1/people/import"
        header="full_name,gender,birth_date,birth_year,phone,address,national_id,unit_code"
        columns={[
          { key: 'full_name', label: t('person.full_name') },
          { key: 'gender', label: t('person.gender'), render: gender },
          { key: 'birth_year', label: t('person.birth_year') },
          { key: 'national_id_masked', label: t('person.national_id') },
          { key: 'unit_code', label: t('unit.code') },
        ]} />
    </section>
  );
}

export function ImportMembersPage({ params }) {
  const team = useFetch(`/api/v1/teams/${encodeURIComponent(params.id)}`);
  usePageTitle(t('import.members_title'));
  if (!team.body) return <LoadState fetch={team} title={t('import.members_title')} notFound={t('team.not_found')} />;
  const tm = team.body.data;
  return (
    <section class="page">
      <p class="crumbs"><Link href={`/teams/${tm.id}`}>{tm.name}</Link></p>
      <h1>{t('import.members_title')}</h1>
      <p>{t('import.members_into', { team: tm.name, place: tm.unit_name })}</p>
      <CsvImport endpoint={`/api/v1/teams/${tm.id}/members/import`}
        header="full_name,gender,birth_date,birth_year,phone,national_id,role,term_from"
        columns={[
          { key: 'full_name', label: t('person.full_name') },
          { key: 'role', label: t('member.role'), render: (r) => t('member.role.' + r.role) },
          { key: 'term_from', label: t('member.term_from'), render: (r) => formatDate(r.term_from) },
          { key: 'age_at_appointment', label: t('member.age_col') },
        ]} />
    </section>
  );
}
