// Teams (/teams): every team the user sees, filtered by kind and by block or group (?kind=, ?unit=),
// each with its place, member count and a flag when it breaks a rule; and, for those who may, the
// form to set up a new team (which then opens).
import { t, formatNumber } from '../i18n.js';
import { Link, navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { TEAM_KINDS, can, qs } from '../forces.js';
import { AddTeamForm } from './AddTeamForm.jsx';
import { FormError } from './FormError.jsx';
import { TeamKind } from './TeamKind.jsx';
import { WarningFlag } from './TeamWarnings.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';

export function TeamList({ teams }) {
  if (teams.length === 0) return <p>{t('teams.empty')}</p>;
  return (
    <ul class="record-list">
      {teams.map((tm) => (
        <li key={tm.id} class={tm.warnings && tm.warnings.length ? 'has-warn' : ''}>
          <Link href={`/teams/${tm.id}`} class="record-title">{tm.name}</Link>
          <div class="record-meta">
            <TeamKind kind={tm.kind} />
            <span>{tm.unit_name}</span>
            <span class="muted">{t('team.member_count', { n: formatNumber(tm.member_count) })}</span>
            <WarningFlag warnings={tm.warnings} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function TeamsPage({ query, user }) {
  usePageTitle(t('teams.title'));
  const kind = query.get('kind') || '';
  const unit = query.get('unit') || '';
  const { units } = useUnits();
  const list = useFetch('/api/v1/teams' + qs({ kind, unit_id: unit }), { all: true });
  const places = units ? units.filter((u) => u.kind === 'block' || u.kind === 'group').sort(byName) : [];
  const filterUnits = units ? units.filter((u) => u.kind !== 'province').sort(byName) : [];
  const setFilter = (next) => navigate('/teams' + qs({ kind, unit, ...next }), { replace: true });
  const teams = list.body ? list.body.data : null;

  return (
    <section class="page">
      <h1>{t('teams.title')}</h1>
      <form class="card filters" role="search" aria-label={t('teams.filter')} onSubmit={(e) => e.preventDefault()}>
        <div class="row">
          <div class="field">
            <label for="teams-kind">{t('team.kind')}</label>
            <select id="teams-kind" value={kind} onChange={(e) => setFilter({ kind: e.currentTarget.value })}>
              <option value="">{t('teams.all_kinds')}</option>
              {TEAM_KINDS.map((k) => <option key={k} value={k}>{t('team.kind.' + k)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="teams-unit">{t('team.place')}</label>
            <select id="teams-unit" value={unit} onChange={(e) => setFilter({ unit: e.currentTarget.value })}>
              <option value="">{t('teams.all_places')}</option>
              {filterUnits.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
            </select>
          </div>
        </div>
      </form>
      <FormError text={list.error ? errorText(list.error) : ''} />
      {!teams && !list.error && <p role="status">{t('app.loading')}</p>}
      {teams && (
        <div class="card">
          <h2>{t('teams.count', { n: formatNumber(teams.length) })}</h2>
          <TeamList teams={teams} />
        </div>
      )}
      {can(user, 'teams_write') && units && (
        <AddTeamForm places={places} onCreated={(tm) => navigate(`/teams/${tm.id}`)} />
      )}
    </section>
  );
}
