// "Sổ theo dõi hoạt động hòa giải ở cơ sở" (/mediation/book): choose a mediation team and a year, and
// the team's book is shown as the Ministry of Justice template lays it out — the national motto
// header, part I one row per case (no., day received, mediators and invited people, names, ages and
// addresses of the parties, main content, result, notes), part II totals per mediator, kind and result
// — on screen and printed on A4 landscape (mediation.css).
import '../mediation.css';
import { t, formatDate, formatNumber } from '../i18n.js';
import { navigate } from '../router.jsx';
import { errorText } from '../errors.js';
import { qs, todayIso } from '../forces.js';
import { MEDIATION_KINDS, MEDIATION_RESULTS, partyLine, resultText } from '../mediation.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useMediationTeams } from './MediationCasesPage.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

function BookRow({ c, year }) {
  return (
    <tr>
      <td class="num">{c.number}</td>
      <td>{formatDate(c.received_on)}</td>
      <td>
        {c.mediators.map((m) => m.full_name).join(', ') || '—'}
        {c.invited && <div>{t('mediation.book.invited_prefix')} {c.invited}</div>}
      </td>
      <td><ul>{c.parties.map((p, i) => <li key={i}>{partyLine(p, year)}</li>)}</ul></td>
      <td><strong>{t('mediation.kind.' + c.kind)}:</strong> {c.summary}</td>
      <td>
        {resultText(c)}
        {c.concluded_on && <div>{t('mediation.book.on_day', { day: formatDate(c.concluded_on) })}</div>}
        {c.agreement && <div>{c.agreement}</div>}
      </td>
      <td>
        {c.notes}
        {c.follow_up && <div>{c.follow_up}{c.follow_up_on ? ` (${formatDate(c.follow_up_on)})` : ''}</div>}
      </td>
    </tr>
  );
}

function Book({ book }) {
  const { team, year, cases, totals } = book;
  return (
    <article class="med-book" aria-label={t('mediation.book.title')}>
      <header class="med-book-head">
        <div>
          <p>{team.commune_name ? t('mediation.book.committee', { commune: team.commune_name }) : ''}</p>
          <p><strong>{team.name}</strong></p>
        </div>
        <div>
          <p class="motto">{t('mediation.book.motto')}</p>
          <p class="motto-sub">{t('mediation.book.motto_sub')}</p>
        </div>
      </header>
      <h2 class="med-book-title">{t('mediation.book.title')}</h2>
      <p class="med-book-year">{t('mediation.book.year', { year })}</p>
      <h3>{t('mediation.book.part1')}</h3>
      {cases.length === 0 ? <p>{t('mediation.book.empty')}</p> : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('mediation.book.part1')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('mediation.book.col_no')}</th>
                <th scope="col">{t('mediation.book.col_received')}</th>
                <th scope="col">{t('mediation.book.col_mediators')}</th>
                <th scope="col">{t('mediation.book.col_parties')}</th>
                <th scope="col">{t('mediation.book.col_content')}</th>
                <th scope="col">{t('mediation.book.col_result')}</th>
                <th scope="col">{t('mediation.book.col_notes')}</th>
              </tr>
            </thead>
            <tbody>{cases.map((c) => <BookRow key={c.id} c={c} year={year} />)}</tbody>
          </table>
        </div>
      )}
      <h3>{t('mediation.book.part2')}</h3>
      <div class="med-book-parts2">
        <table>
          <caption>{t('mediation.book.by_mediator')}</caption>
          <thead><tr><th scope="col">{t('mediation.book.mediator')}</th><th scope="col" class="num">{t('mediation.book.cases')}</th><th scope="col" class="num">{t('mediation.result.settled')}</th></tr></thead>
          <tbody>
            {totals.by_mediator.map((m) => (
              <tr key={m.person_id}><th scope="row">{m.full_name}</th><td class="num">{formatNumber(m.cases)}</td><td class="num">{formatNumber(m.settled)}</td></tr>
            ))}
          </tbody>
        </table>
        <table>
          <caption>{t('mediation.book.by_kind')}</caption>
          <thead><tr><th scope="col">{t('mediation.kind')}</th><th scope="col" class="num">{t('mediation.book.cases')}</th></tr></thead>
          <tbody>
            {MEDIATION_KINDS.map((k) => <tr key={k}><th scope="row">{t('mediation.kind.' + k)}</th><td class="num">{formatNumber(totals.by_kind[k])}</td></tr>)}
          </tbody>
          <tfoot><tr><th scope="row">{t('mediation.book.total')}</th><td class="num">{formatNumber(totals.total)}</td></tr></tfoot>
        </table>
        <table>
          <caption>{t('mediation.book.by_result')}</caption>
          <thead><tr><th scope="col">{t('mediation.result')}</th><th scope="col" class="num">{t('mediation.book.cases')}</th></tr></thead>
          <tbody>
            {MEDIATION_RESULTS.map((k) => <tr key={k}><th scope="row">{t('mediation.result.' + k)}</th><td class="num">{formatNumber(totals.by_result[k])}</td></tr>)}
            <tr><th scope="row">{t('mediation.result.open')}</th><td class="num">{formatNumber(totals.by_result.open)}</td></tr>
          </tbody>
          <tfoot><tr><th scope="row">{t('mediation.book.total')}</th><td class="num">{formatNumber(totals.total)}</td></tr></tfoot>
        </table>
      </div>
    </article>
  );
}

export function MediationBookPage({ query }) {
  usePageTitle(t('mediation.book'));
  const teams = useMediationTeams();
  const teamId = query.get('team_id') || (teams && teams.length ? String(teams[0].id) : '');
  const year = query.get('year') || todayIso().slice(0, 4);
  const book = useFetch(teamId ? '/api/v1/mediation/book' + qs({ team_id: teamId, year }) : null);
  const go = (k) => (e) => navigate('/mediation/book' + qs({ team_id: teamId, year, [k]: e.currentTarget.value }), { replace: true });
  const thisYear = Number(todayIso().slice(0, 4));
  const years = [];
  for (let y = thisYear; y >= thisYear - 10; y--) years.push(String(y));
  if (!years.includes(year)) years.push(year);
  return (
    <section class="page med-book-page">
      <h1>{t('mediation.book')}</h1>
      <form class="card filters med-no-print" aria-label={t('mediation.book_choose')} onSubmit={(e) => e.preventDefault()}>
        <div class="filter-grid">
          <Field as="select" label={t('mediation.team')} value={teamId} onChange={go('team_id')}>
            {(teams || []).map((x) => <option key={x.id} value={String(x.id)}>{x.name}</option>)}
          </Field>
          <Field as="select" label={t('mediation.year')} value={year} onChange={go('year')}>
            {years.map((y) => <option key={y} value={y}>{y}</option>)}
          </Field>
        </div>
        <button type="button" class="btn btn-primary" onClick={() => window.print()}>{t('mediation.print')}</button>
      </form>
      {teams && teams.length === 0 && <p>{t('mediation.no_teams')}</p>}
      <FormError text={book.error ? errorText(book.error) : ''} />
      {book.loading && !book.body && <p role="status">{t('app.loading')}</p>}
      {book.body && <div class="card"><Book book={book.body.data} /></div>}
    </section>
  );
}
