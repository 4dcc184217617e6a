// "Hòa giải" (/mediation): the mediation cases the user reads, filtered by team, year, kind and result
// (kept in the address), with links to a new case and to the book, and the year's figures
// (/api/v1/stats/mediation: cases, success rate, by kind, result, team and month); and "Vụ việc hòa giải mới"
// (/mediation/new): the form that receives a case (team, day received, requester, parties, kind,
// main content, mediators from the team's members, invited people), posted to /api/v1/mediation/cases.
import { useRef, useState } from 'preact/hooks';
import '../mediation.css';
import { t, formatDate, formatNumber } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { parseDate, qs, todayIso } from '../forces.js';
import { MEDIATION_KINDS, MEDIATION_RESULTS, canMediationWrite, resultText } from '../mediation.js';
import { DateField, isoToText } from './DateField.jsx';
import { Field, useFocusInvalid } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { BarList } from './BarList.jsx';
import { LoadState } from './LoadState.jsx';

export function ResultBadge({ c }) {
  return <span class={'badge badge-med-' + (c.result || 'open')}>{resultText(c)}</span>;
}

// The mediation teams the user sees, for the pickers.
export function useMediationTeams() {
  const f = useFetch('/api/v1/teams?kind=mediation', { all: true });
  return f.body ? f.body.data : null;
}

export function MediationCasesPage({ query, user }) {
  usePageTitle(t('mediation.title'));
  const teams = useMediationTeams();
  const f = { team_id: query.get('team_id') || '', year: query.get('year') || '', kind: query.get('kind') || '', result: query.get('result') || '' };
  const list = useFetch('/api/v1/mediation/cases' + qs(f), { all: true });
  const set = (k) => (e) => navigate('/mediation' + qs({ ...f, [k]: e.currentTarget.value }), { replace: true });
  const cases = list.body ? list.body.data.slice().reverse() : null;
  const thisYear = Number(todayIso().slice(0, 4));
  const years = [];
  for (let y = thisYear; y >= thisYear - 6; y--) years.push(String(y));
  return (
    <section class="page">
      <h1>{t('mediation.title')}</h1>
      <p class="links-row">
        {canMediationWrite(user) && <Link href="/mediation/new" class="btn btn-primary">{t('mediation.new')}</Link>}
        <Link href="/mediation/book">{t('mediation.book')}</Link>
      </p>
      <form class="card filters" role="search" aria-label={t('mediation.filter')} onSubmit={(e) => e.preventDefault()}>
        <div class="filter-grid">
          <Field as="select" label={t('mediation.team')} value={f.team_id} onChange={set('team_id')}>
            <option value="">{t('mediation.any')}</option>
            {(teams || []).map((x) => <option key={x.id} value={String(x.id)}>{x.name}</option>)}
          </Field>
          <Field as="select" label={t('mediation.year')} value={f.year} onChange={set('year')}>
            <option value="">{t('mediation.any')}</option>
            {years.map((y) => <option key={y} value={y}>{y}</option>)}
          </Field>
          <Field as="select" label={t('mediation.kind')} value={f.kind} onChange={set('kind')}>
            <option value="">{t('mediation.any')}</option>
            {MEDIATION_KINDS.map((k) => <option key={k} value={k}>{t('mediation.kind.' + k)}</option>)}
          </Field>
          <Field as="select" label={t('mediation.result')} value={f.result} onChange={set('result')}>
            <option value="">{t('mediation.any')}</option>
            <option value="open">{t('mediation.result.open')}</option>
            {MEDIATION_RESULTS.map((k) => <option key={k} value={k}>{t('mediation.result.' + k)}</option>)}
          </Field>
        </div>
      </form>
      <MediationStats year={f.year || String(thisYear)} />
      <FormError text={list.error ? errorText(list.error) : ''} />
      {!cases && !list.error && <p role="status">{t('app.loading')}</p>}
      {cases && (
        <div class="card">
          <h2>{t('mediation.list')}</h2>
          {cases.length === 0 ? <p>{t('mediation.empty')}</p> : (
            <ul class="record-list">
              {cases.map((c) => (
                <li key={c.id}>
                  <Link href={`/mediation/${c.id}`} class="record-title">
                    {t('mediation.case_title', { number: c.number, year: c.year })} — {t('mediation.kind.' + c.kind)}
                  </Link>
                  <div class="record-meta">
                    <ResultBadge c={c} />
                    <span class="muted">{formatDate(c.received_on)}</span>
                    <span class="muted">{c.team_name}</span>
                  </div>
                  <p class="tip-snippet">{c.parties.map((p) => p.full_name).join(' – ')}</p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

// The figures of one year in the user's scope: totals and bars by kind, result, team and month.
function MediationStats({ year }) {
  const stats = useFetch('/api/v1/stats/mediation' + qs({ from: `${year}-01-01`, to: `${year}-12-31` }));
  const d = stats.body && stats.body.data;
  if (!d) return <LoadState fetch={stats} title={t('mediation.stats', { year })} />;
  const counts = (o) => Object.keys(o).filter((k) => o[k] > 0);
  return (
    <div class="card">
      <h2>{t('mediation.stats', { year })}</h2>
      <p class="stat-totals">
        <span><strong data-testid="med-stat-cases">{formatNumber(d.cases)}</strong> {t('mediation.stat_cases')}</span>
        <span><strong>{formatNumber(d.settled)}</strong> {t('mediation.stat_settled')}</span>
        <span><strong>{formatNumber(d.success_rate)} %</strong> {t('mediation.stat_rate')}</span>
      </p>
      {d.cases === 0 ? <p>{t('mediation.stats_none')}</p> : (
        <div class="bar-grid">
          <BarList title={t('mediation.kind')} rows={counts(d.by_kind).map((k) => ({ key: k, label: t('mediation.kind.' + k), value: d.by_kind[k] }))} />
          <BarList title={t('mediation.result')} rows={counts(d.by_result).map((k) => ({ key: k, label: t('mediation.result.' + k), value: d.by_result[k] }))} />
          <BarList title={t('mediation.team')} rows={d.by_team.map((x) => ({ key: x.team_id, label: x.team_name, value: x.cases, extra: t('mediation.stat_team_settled', { n: formatNumber(x.settled) }) }))} />
          <BarList title={t('mediation.stat_month')} rows={d.by_month.filter((x) => x.cases > 0).map((x) => ({ key: x.month, label: `${x.month.slice(5)}/${x.month.slice(0, 4)}`, value: x.cases }))} />
        </div>
      )}
    </div>
  );
}

const blankParty = () => ({ full_name: '', birth_year: '', address: '' });

// The team's members (current and past) as mediator choices.
export function MediatorChoices({ teamId, chosen, onChange, error }) {
  const members = useFetch(teamId ? `/api/v1/teams/${teamId}/members?all=1` : null);
  const seen = new Set();
  const people = (members.body ? members.body.data : []).filter((m) => !seen.has(m.person_id) && seen.add(m.person_id));
  const toggle = (id) => onChange(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  if (!teamId) return null;
  return (
    <fieldset class={'field' + (error ? ' field-error' : '')}>
      <legend>{t('mediation.mediators')}</legend>
      {people.length === 0 ? <p class="muted">{t('mediation.no_members')}</p> : (
        <ul class="med-checks">
          {people.map((m) => (
            <li key={m.person_id}>
              <label><input type="checkbox" checked={chosen.includes(m.person_id)} onChange={() => toggle(m.person_id)} /> {m.full_name}</label>
            </li>
          ))}
        </ul>
      )}
      {error && <p class="error-text">{error}</p>}
    </fieldset>
  );
}

export function PartyFields({ parties, setParties, fe }) {
  const setP = (i, k) => (e) => setParties(parties.map((p, j) => (j === i ? { ...p, [k]: e.currentTarget.value } : p)));
  return (
    <div>
      {parties.map((p, i) => (
        <fieldset class="med-party" key={i}>
          <legend>{t('mediation.party_n', { n: i + 1 })}</legend>
          <Field label={t('mediation.party_name')} value={p.full_name} error={fe[`parties[${i}].full_name`]} maxlength={200} onInput={setP(i, 'full_name')} />
          <div class="filter-grid">
            <Field label={t('mediation.party_birth_year')} value={p.birth_year} error={fe[`parties[${i}].birth_year`]} inputmode="numeric" maxlength={4} onInput={setP(i, 'birth_year')} />
            <Field label={t('mediation.party_address')} value={p.address} error={fe[`parties[${i}].address`]} maxlength={500} onInput={setP(i, 'address')} />
          </div>
          {parties.length > 1 && (
            <button type="button" class="btn" onClick={() => setParties(parties.filter((x, j) => j !== i))}>
              {t('mediation.party_remove', { n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {fe.parties && <p class="error-text">{fe.parties}</p>}
      <button type="button" class="btn" onClick={() => setParties([...parties, blankParty()])}>{t('mediation.party_add')}</button>
    </div>
  );
}

// The parties of the form as the API takes them.
export function partiesBody(parties) {
  return parties.map((p) => {
    const o = { full_name: p.full_name.trim() };
    if (String(p.birth_year).trim()) o.birth_year = Number(String(p.birth_year).trim()) || -1;
    if (p.address.trim()) o.address = p.address.trim();
    return o;
  });
}

export function MediationNewPage({ query }) {
  usePageTitle(t('mediation.new'));
  const teams = useMediationTeams();
  const [v, setV] = useState({
    team_id: query.get('team_id') || '', received: isoToText(todayIso()), requester: '', kind: '', summary: '', invited: '', notes: '',
  });
  const [parties, setParties] = useState([blankParty(), blankParty()]);
  const [mediators, setMediators] = useState([]);
  const [error, setError] = useState(null);
  const [dateErr, setDateErr] = useState('');
  const formRef = useRef(null);
  useFocusInvalid(formRef, error || dateErr);
  if (teams && !v.team_id && teams.length === 1) v.team_id = String(teams[0].id);
  const set = (k) => (e) => setV({ ...v, [k]: typeof e === 'string' ? e : e.currentTarget.value });

  const onSubmit = async (e) => {
    e.preventDefault();
    const day = parseDate(v.received);
    if (!day) { setDateErr(t('inbox.date_invalid')); return; }
    setDateErr('');
    setError(null);
    const body = { received_on: day, requester: v.requester.trim(), summary: v.summary.trim(), parties: partiesBody(parties), mediator_ids: mediators };
    if (v.team_id) body.team_id = Number(v.team_id);
    if (v.kind) body.kind = v.kind;
    if (v.invited.trim()) body.invited = v.invited.trim();
    if (v.notes.trim()) body.notes = v.notes.trim();
    try {
      const res = await api.post('/api/v1/mediation/cases', body);
      navigate(`/mediation/${res.data.id}`);
    } catch (err) { setError(err); }
  };
  const fe = fieldErrors(error);
  return (
    <section class="page">
      <p class="crumbs"><Link href="/mediation">{t('mediation.title')}</Link></p>
      <h1>{t('mediation.new')}</h1>
      <form ref={formRef} class="card case-form" onSubmit={onSubmit} noValidate>
        <FormError text={error ? errorText(error) : ''} />
        <div class="filter-grid">
          <Field as="select" label={t('mediation.team')} value={v.team_id} error={fe.team_id} onChange={(e) => { setMediators([]); set('team_id')(e); }}>
            <option value="">{t('mediation.pick')}</option>
            {(teams || []).map((x) => <option key={x.id} value={String(x.id)}>{x.name}</option>)}
          </Field>
          <DateField label={t('mediation.received_on')} value={v.received} error={dateErr || fe.received_on} onInput={set('received')} />
          <Field as="select" label={t('mediation.kind')} value={v.kind} error={fe.kind} onChange={set('kind')}>
            <option value="">{t('mediation.pick')}</option>
            {MEDIATION_KINDS.map((k) => <option key={k} value={k}>{t('mediation.kind.' + k)}</option>)}
          </Field>
        </div>
        <Field label={t('mediation.requester')} value={v.requester} error={fe.requester} maxlength={200} onInput={set('requester')} />
        <h2>{t('mediation.parties')}</h2>
        <PartyFields parties={parties} setParties={setParties} fe={fe} />
        <Field as="textarea" label={t('mediation.summary')} value={v.summary} error={fe.summary} rows={4} maxlength={5000} onInput={set('summary')} />
        <MediatorChoices teamId={v.team_id} chosen={mediators} onChange={setMediators} error={fe.mediator_ids} />
        <Field label={t('mediation.invited')} hint={t('mediation.invited_hint')} value={v.invited} error={fe.invited} maxlength={1000} onInput={set('invited')} />
        <Field label={t('mediation.notes')} value={v.notes} error={fe.notes} maxlength={1000} onInput={set('notes')} />
        <div class="actions">
          <button type="submit" class="btn btn-primary">{t('mediation.create')}</button>
          <Link href="/mediation" class="btn">{t('action.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}
