// The commune's forces (/commune): the home page of a commune officer. Teams by kind (how many teams
// and members) and by block (each block's teams with their member counts), with the teams that break
// a rule flagged and listed first; from GET /api/v1/teams/summary. The unit is the commune the user
// sees (?unit= picks another one); a team leader sees their own block.
import { t, formatNumber } from '../i18n.js';
import { Link, navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { qs } from '../forces.js';
import { FormError } from './FormError.jsx';
import { TeamKind } from './TeamKind.jsx';
import { TeamWarnings, WarningFlag } from './TeamWarnings.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, unitTree, useUnits } from './useUnits.js';

// The units a summary can be asked for: every commune the user sees, or else the tops of their tree.
export function summaryUnits(units) {
  const communes = units.filter((u) => u.kind === 'commune');
  if (communes.length) return communes.sort(byName);
  return unitTree(units).map((n) => n.unit);
}

function TeamsByKind({ byKind }) {
  const rows = byKind.filter((k) => k.teams > 0);
  if (rows.length === 0) return <p>{t('commune.no_teams')}</p>;
  return (
    <table class="table">
      <thead>
        <tr><th scope="col">{t('team.kind')}</th><th scope="col" class="num">{t('commune.teams')}</th><th scope="col" class="num">{t('commune.members')}</th></tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr key={k.kind}>
            <th scope="row"><Link href={'/teams' + qs({ kind: k.kind })}>{t('team.kind.' + k.kind)}</Link></th>
            <td class="num">{formatNumber(k.teams)}</td>
            <td class="num">{formatNumber(k.members)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BlockTeams({ block }) {
  return (
    <li class="block-teams">
      <h3><Link href={`/units/${block.unit_id}`}>{block.unit_name}</Link></h3>
      {block.teams.length === 0 ? <p class="muted">{t('commune.block_no_teams')}</p> : (
        <ul class="team-lines">
          {block.teams.map((tm) => (
            <li key={tm.id} class={tm.warnings && tm.warnings.length ? 'has-warn' : ''}>
              <Link href={`/teams/${tm.id}`}>{tm.name}</Link>
              {' '}<TeamKind kind={tm.kind} />
              {' '}<span class="muted">{t('team.member_count', { n: formatNumber(tm.member_count) })}</span>
              {' '}<WarningFlag warnings={tm.warnings} />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function BreakingTeams({ byBlock }) {
  const list = [];
  byBlock.forEach((b) => b.teams.forEach((tm) => { if (tm.warnings && tm.warnings.length) list.push({ ...tm, block: b.unit_name }); }));
  if (list.length === 0) return <p class="ok-text">{t('commune.none_breaking')}</p>;
  return (
    <ul class="breaking">
      {list.map((tm) => (
        <li key={tm.id}>
          <Link href={`/teams/${tm.id}`}>{tm.name}</Link> <span class="muted">— {tm.block}</span>
          <TeamWarnings warnings={tm.warnings} compact />
        </li>
      ))}
    </ul>
  );
}

export function CommunePage({ query }) {
  const { units, error: unitsError } = useUnits();
  const choices = units ? summaryUnits(units) : [];
  const wanted = query.get('unit');
  const unit = choices.find((u) => String(u.id) === wanted) || choices[0] || null;
  const summary = useFetch(unit ? `/api/v1/teams/summary?unit_id=${unit.id}` : null);
  usePageTitle(unit ? t('commune.title', { name: unit.name }) : t('nav.commune'));

  const data = summary.body && summary.body.data;
  const totals = data ? data.by_kind.reduce((a, k) => ({ teams: a.teams + k.teams, members: a.members + k.members }), { teams: 0, members: 0 }) : null;
  const blocks = data ? data.by_block.slice().sort((a, b) => byName({ name: a.unit_name }, { name: b.unit_name })) : [];
  return (
    <section class="page">
      <h1>{unit ? t('commune.title', { name: unit.name }) : t('nav.commune')}</h1>
      <FormError text={unitsError ? errorText(unitsError) : summary.error ? errorText(summary.error) : ''} />
      {units && !unit && <p>{t('commune.no_unit')}</p>}
      {choices.length > 1 && (
        <div class="field field-inline">
          <label for="commune-pick">{t('commune.pick')}</label>
          <select id="commune-pick" value={String(unit.id)}
            onChange={(e) => navigate('/commune' + qs({ unit: e.currentTarget.value }))}>
            {choices.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
          </select>
        </div>
      )}
      {(!units || (unit && !data && !summary.error)) && <p role="status">{t('app.loading')}</p>}
      {data && (
        <>
          <p class="summary">
            {t('commune.totals', { teams: formatNumber(totals.teams), members: formatNumber(totals.members) })}
            {' '}
            {data.breaking > 0
              ? <span class="flag-warn">{t('commune.breaking', { n: formatNumber(data.breaking) })}</span>
              : <span class="ok-text">{t('commune.none_breaking')}</span>}
          </p>
          <div class="grid-2">
            <div class="card">
              <h2>{t('commune.by_kind')}</h2>
              <TeamsByKind byKind={data.by_kind} />
            </div>
            <div class="card">
              <h2>{t('commune.breaking_title')}</h2>
              <BreakingTeams byBlock={data.by_block} />
            </div>
          </div>
          <div class="card">
            <h2>{t('commune.by_block')}</h2>
            {blocks.length === 0 ? <p>{t('commune.no_blocks')}</p> : (
              <ul class="blocks">{blocks.map((b) => <BlockTeams key={b.unit_id} block={b} />)}</ul>
            )}
          </div>
          <p class="links-row">
            <Link href="/teams">{t('commune.all_teams')}</Link>
            <Link href="/people">{t('nav.people')}</Link>
            <Link href="/organisations">{t('nav.organisations')}</Link>
          </p>
        </>
      )}
    </section>
  );
}
