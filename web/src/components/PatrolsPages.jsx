// "Tuần tra": /patrols (the patrols the user reads, filtered by team, period and state kept in the
// address, with the period's statistics as bar lists: violations by kind, action and month, joint
// forces), /patrols/new (team, planned start and end, area or route, joint forces from the commune's
// organisations, the team's members) and /patrols/:id (its facts, start and end by the leader, the
// findings, the member's big "Điểm danh" button with an optional location, the check-ins, and the
// violation records made on it).
import { useRef, useState } from 'preact/hooks';
import { t, formatDate, formatDateTime, formatNumber, getLang } from '../i18n.js';
import { api, request } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { parseDate, qs, todayIso } from '../forces.js';
import { PATROL_STATES, canPatrolsWrite, isHhmm, stateText, timeText, vnDay, vnInstant, vndText } from '../patrols.js';
import { BarList } from './BarList.jsx';
import { DateField, isoToText } from './DateField.jsx';
import { Field, useFocusInvalid } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LoadState } from './LoadState.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

export function StateBadge({ state }) {
  return <span class={'badge badge-patrol-' + state}>{stateText(state)}</span>;
}

// The links between the area's pages.
export function PatrolLinks({ here, user }) {
  const links = [['/patrols', 'patrol.title'], ['/me/duties', 'roster.mine'], ['/violations', 'violation.title']];
  return (
    <nav class="links-row no-print" aria-label={t('patrol.area_nav')}>
      {links.map(([href, key]) => (href === here ? <strong key={href} aria-current="page">{t(key)}</strong> : <Link key={href} href={href}>{t(key)}</Link>))}
      {canPatrolsWrite(user) && here === '/patrols' && <Link href="/patrols/new" class="btn btn-primary">{t('patrol.new')}</Link>}
    </nav>
  );
}

// The violation kinds' names in the current language: { code: name }.
export function useKindNames() {
  const kinds = useFetch('/api/v1/violation-kinds');
  const names = {};
  (kinds.body ? kinds.body.data : []).forEach((k) => { names[k.code] = getLang() === 'en' ? k.name_en : k.name_vi; });
  return { list: kinds.body ? kinds.body.data : [], names };
}

function monthLabel(m) {
  return `${m.slice(5)}/${m.slice(0, 4)}`;
}

function PatrolStats({ range, kindNames }) {
  const stats = useFetch('/api/v1/stats/patrols' + qs(range));
  const d = stats.body && stats.body.data;
  if (!d) return <LoadState fetch={stats} title={t('patrol.stats')} />;
  const fines = (x) => (x.fines_vnd ? vndText(x.fines_vnd) : '');
  return (
    <div class="card">
      <h2>{t('patrol.stats')}</h2>
      <p class="stat-totals" role="status">
        <span><strong data-testid="stat-patrols">{formatNumber(d.patrols)}</strong> {t('patrol.stat_patrols')}</span>
        <span><strong>{formatNumber(d.patrols_ended)}</strong> {t('patrol.stat_ended')}</span>
        <span><strong>{formatNumber(Math.round(d.hours * 10) / 10)}</strong> {t('patrol.stat_hours')}</span>
        <span><strong>{formatNumber(d.checkins)}</strong> {t('patrol.stat_checkins')}</span>
        <span><strong data-testid="stat-violations">{formatNumber(d.violations)}</strong> {t('patrol.stat_violations')}</span>
        <span><strong>{vndText(d.fines_vnd)}</strong> {t('patrol.stat_fines')}</span>
      </p>
      {d.patrols === 0 && d.violations === 0 ? <p>{t('patrol.stats_none')}</p> : (
        <div class="bar-grid">
          <BarList title={t('patrol.by_kind')} rows={d.by_kind.map((x) => ({ key: x.kind, label: kindNames[x.kind] || x.kind, value: x.count }))} />
          <BarList title={t('patrol.by_action')} rows={d.by_action.map((x) => ({ key: x.action, label: t('violation.action.' + x.action), value: x.count, extra: fines(x) }))} />
          <BarList title={t('patrol.by_month')} rows={d.by_month.map((x) => ({ key: x.month, label: monthLabel(x.month), value: x.count }))} />
          <BarList title={t('patrol.joint_forces')} rows={d.joint_forces.map((x) => ({ key: x.kind, label: t('org.kind.' + x.kind), value: x.count }))} />
        </div>
      )}
    </div>
  );
}

export function PatrolsPage({ query, user }) {
  usePageTitle(t('patrol.title'));
  const f = {
    from: query.get('from') || `${todayIso().slice(0, 4)}-01-01`, to: query.get('to') || todayIso(),
    team_id: query.get('team_id') || '', state: query.get('state') || '',
  };
  const [text, setText] = useState({ from: isoToText(f.from), to: isoToText(f.to) });
  const [bad, setBad] = useState({});
  const teams = useFetch('/api/v1/teams', { all: true });
  const list = useFetch('/api/v1/patrols' + qs({ ...f, limit: 100 }));
  const { names } = useKindNames();
  const set = (k) => (e) => navigate('/patrols' + qs({ ...f, [k]: e.currentTarget.value }), { replace: true });
  const onPeriod = (e) => {
    e.preventDefault();
    const from = parseDate(text.from);
    const to = parseDate(text.to);
    const errs = {};
    if (!from) errs.from = t('inbox.date_invalid');
    if (!to) errs.to = t('inbox.date_invalid');
    setBad(errs);
    if (Object.keys(errs).length) return;
    navigate('/patrols' + qs({ ...f, from, to }), { replace: true });
  };
  const patrols = list.body ? list.body.data : null;
  return (
    <section class="page">
      <h1>{t('patrol.title')}</h1>
      <PatrolLinks here="/patrols" user={user} />
      <div class="card filters">
        <form onSubmit={onPeriod} noValidate role="search" aria-label={t('patrol.filter')}>
          <div class="filter-grid">
            <DateField label={t('patrol.from')} value={text.from} error={bad.from} onInput={(v) => setText({ ...text, from: v })} />
            <DateField label={t('patrol.to')} value={text.to} error={bad.to} onInput={(v) => setText({ ...text, to: v })} />
          </div>
          <div class="actions"><button type="submit" class="btn">{t('patrol.show_period')}</button></div>
          <div class="filter-grid">
            <Field as="select" label={t('patrol.team')} value={f.team_id} onChange={set('team_id')}>
              <option value="">{t('patrol.any')}</option>
              {(teams.body ? teams.body.data : []).map((x) => <option key={x.id} value={String(x.id)}>{x.name}</option>)}
            </Field>
            <Field as="select" label={t('patrol.state')} value={f.state} onChange={set('state')}>
              <option value="">{t('patrol.any')}</option>
              {PATROL_STATES.map((s) => <option key={s} value={s}>{stateText(s)}</option>)}
            </Field>
          </div>
        </form>
      </div>
      <PatrolStats range={{ from: f.from, to: f.to }} kindNames={names} />
      <FormError text={list.error ? errorText(list.error) : ''} />
      {!patrols && !list.error && <p role="status">{t('app.loading')}</p>}
      {patrols && (
        <div class="card">
          <h2>{t('patrol.list')}</h2>
          {patrols.length === 0 ? <p>{t('patrol.empty')}</p> : (
            <ul class="record-list">
              {patrols.map((p) => (
                <li key={p.id}>
                  <Link href={`/patrols/${p.id}`} class="record-title">{p.area || t('patrol.no_area')}</Link>
                  <div class="record-meta">
                    <StateBadge state={p.state} />
                    <span class="muted">{formatDateTime(p.planned_start)} – {timeText(p.planned_end)}</span>
                    <span class="muted">{p.team_name}</span>
                  </div>
                </li>
              ))}
            </ul>
          )}
          {list.body && list.body.next_cursor && <p class="muted">{t('patrol.more')}</p>}
        </div>
      )}
    </section>
  );
}

// Checkboxes for a list of {id, label}.
function CheckList({ legend, items, chosen, onChange, error, empty }) {
  const toggle = (id) => onChange(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  return (
    <fieldset class={'field' + (error ? ' field-error' : '')}>
      <legend>{legend}</legend>
      {items.length === 0 ? <p class="muted">{empty}</p> : (
        <ul class="check-list">
          {items.map((x) => (
            <li key={x.id}><label><input type="checkbox" checked={chosen.includes(x.id)} onChange={() => toggle(x.id)} /> {x.label}</label></li>
          ))}
        </ul>
      )}
      {error && <p class="error-text">{error}</p>}
    </fieldset>
  );
}

export function PatrolNewPage({ query }) {
  usePageTitle(t('patrol.new'));
  const teams = useFetch('/api/v1/teams', { all: true });
  const today = isoToText(todayIso());
  const [v, setV] = useState({ team_id: query.get('team_id') || '', day: today, start: '19:00', endDay: today, end: '23:00', area: '' });
  const [forces, setForces] = useState([]);
  const [members, setMembers] = useState([]);
  const [error, setError] = useState(null);
  const [bad, setBad] = useState({});
  const formRef = useRef(null);
  useFocusInvalid(formRef, error || (Object.keys(bad).length ? bad : null));
  const teamMembers = useFetch(v.team_id ? `/api/v1/teams/${encodeURIComponent(v.team_id)}/members` : null);
  const orgs = useFetch(v.team_id ? `/api/v1/teams/${encodeURIComponent(v.team_id)}/joint-forces` : null);
  const set = (k) => (e) => setV({ ...v, [k]: typeof e === 'string' ? e : e.currentTarget.value });
  const onSubmit = async (e) => {
    e.preventDefault();
    const day = parseDate(v.day);
    const endDay = parseDate(v.endDay);
    const errs = {};
    if (!day) errs.planned_start = t('inbox.date_invalid');
    else if (!isHhmm(v.start)) errs.planned_start = t('roster.time_invalid');
    if (!endDay) errs.planned_end = t('inbox.date_invalid');
    else if (!isHhmm(v.end)) errs.planned_end = t('roster.time_invalid');
    setBad(errs);
    if (Object.keys(errs).length) return;
    setError(null);
    const body = {
      area: v.area.trim(), planned_start: vnInstant(day, v.start), planned_end: vnInstant(endDay, v.end),
      forces, members,
    };
    if (v.team_id) body.team_id = Number(v.team_id);
    try {
      const res = await api.post('/api/v1/patrols', body);
      navigate(`/patrols/${res.data.id}`);
    } catch (err) { setError(err); }
  };
  const fe = { ...fieldErrors(error), ...bad };
  const seen = new Set();
  const people = (teamMembers.body ? teamMembers.body.data : []).filter((m) => !seen.has(m.person_id) && seen.add(m.person_id));
  return (
    <section class="page">
      <p class="crumbs"><Link href="/patrols">{t('patrol.title')}</Link></p>
      <h1>{t('patrol.new')}</h1>
      <form ref={formRef} class="card case-form" onSubmit={onSubmit} noValidate>
        <FormError text={error ? errorText(error) : ''} />
        <Field as="select" label={t('patrol.team')} value={v.team_id} error={fe.team_id} onChange={(e) => { setMembers([]); setForces([]); set('team_id')(e); }}>
          <option value="">{t('patrol.pick')}</option>
          {(teams.body ? teams.body.data : []).map((x) => <option key={x.id} value={String(x.id)}>{x.name}</option>)}
        </Field>
        <div class="filter-grid">
          <DateField label={t('patrol.start_day')} value={v.day} error={fe.planned_start} onInput={set('day')} />
          <Field label={t('patrol.start_time')} hint={t('roster.time_hint')} value={v.start} inputmode="numeric" maxlength={5} onInput={set('start')} />
        </div>
        <div class="filter-grid">
          <DateField label={t('patrol.end_day')} value={v.endDay} error={fe.planned_end} onInput={set('endDay')} />
          <Field label={t('patrol.end_time')} hint={t('roster.time_hint')} value={v.end} inputmode="numeric" maxlength={5} onInput={set('end')} />
        </div>
        <Field as="textarea" label={t('patrol.area')} hint={t('patrol.area_hint')} value={v.area} error={fe.area} rows={2} maxlength={500} onInput={set('area')} />
        {orgs.error && <FormError text={errorText(orgs.error)} />}
        {v.team_id && (
          <CheckList legend={t('patrol.forces')} error={fe.forces} chosen={forces} onChange={setForces} empty={t('patrol.no_orgs')}
            items={(orgs.body ? orgs.body.data : []).map((o) => ({ id: o.id, label: o.name }))} />
        )}
        {v.team_id && (
          <CheckList legend={t('patrol.members')} error={fe.members} chosen={members} onChange={setMembers} empty={t('patrol.no_members')}
            items={people.map((m) => ({ id: m.person_id, label: m.full_name }))} />
        )}
        <div class="actions">
          <button type="submit" class="btn btn-primary">{t('patrol.create')}</button>
          <Link href="/patrols" class="btn">{t('action.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}

// The member's check-in: one big button, and the phone's location only when they tick it.
function CheckIn({ p, onDone }) {
  const [withPlace, setWithPlace] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const send = async (body) => {
    try {
      await api.post(`/api/v1/patrols/${p.id}/checkin`, body);
      onDone();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const onClick = () => {
    setBusy(true);
    setError(null);
    setNote('');
    if (withPlace && navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(
        (pos) => send({ lat: Math.round(pos.coords.latitude * 1e5) / 1e5, lng: Math.round(pos.coords.longitude * 1e5) / 1e5 }),
        () => { setNote(t('patrol.no_location')); send({}); },
        { timeout: 10000, maximumAge: 60000 },
      );
    } else send({});
  };
  return (
    <div class="card checkin-box">
      <FormError text={error ? errorText(error) : ''} />
      <button type="button" class="btn btn-primary btn-checkin" disabled={busy} onClick={onClick}>{t('patrol.checkin')}</button>
      <div>
        <label class="check"><input type="checkbox" checked={withPlace} onChange={(e) => setWithPlace(e.currentTarget.checked)} /> {t('patrol.send_location')}</label>
      </div>
      {note && <p class="hint" role="status">{note}</p>}
    </div>
  );
}

function Findings({ p, onSaved }) {
  const [text, setText] = useState(p.findings || '');
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.patch(`/api/v1/patrols/${p.id}`, { findings: text.trim() || null });
      setSaved(true);
      onSaved();
    } catch (err) { setError(err); }
  };
  const fe = fieldErrors(error);
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('patrol.findings')}>
      <FormError text={error ? errorText(error) : ''} />
      <Field as="textarea" label={t('patrol.findings')} value={text} error={fe.findings} rows={4} maxlength={5000}
        onInput={(e) => { setSaved(false); setText(e.currentTarget.value); }} />
      <div class="actions">
        <button type="submit" class="btn">{t('patrol.findings_save')}</button>
        {saved && <p role="status" class="ok-text">{t('patrol.saved')}</p>}
      </div>
    </form>
  );
}

export function ViolationList({ items, kindNames }) {
  return (
    <ul class="record-list">
      {items.map((v) => (
        <li key={v.id}>
          <Link href={`/violations/${v.id}`} class="record-title">{kindNames[v.kind] || v.kind} — {t('violation.action.' + v.action)}</Link>
          <div class="record-meta">
            <span class="muted">{formatDateTime(v.occurred_at)}</span>
            {v.place && <span class="muted">{v.place}</span>}
            {v.record_no && <span>{t('violation.record_no_short', { no: v.record_no })}</span>}
            {v.fine_vnd && <span>{vndText(v.fine_vnd)}</span>}
          </div>
        </li>
      ))}
    </ul>
  );
}

// The caller's own assignment on patrol p: { person_id, checked_in_at } from their duties around its day.
function useMyAssignment(p) {
  const day = p && p.assigned_to_me ? vnDay(p.planned_start) : null;
  const to = day ? new Date(new Date(day + 'T00:00:00Z').getTime() + 2 * 86400000).toISOString().slice(0, 10) : null;
  const mine = useFetch(day ? `/api/v1/me/duties?from=${day}&to=${to}` : null);
  if (!mine.body) return { reload: mine.reload, person_id: null, checked_in_at: null };
  const row = mine.body.data.patrols.find((x) => x.id === p.id);
  return { reload: mine.reload, person_id: mine.body.data.person_id, checked_in_at: row ? row.checked_in_at : null };
}

export function PatrolPage({ params }) {
  const f = useFetch(`/api/v1/patrols/${encodeURIComponent(params.id)}`);
  const p = f.body && f.body.data;
  const viol = useFetch(p ? `/api/v1/violations?patrol_id=${p.id}&limit=100` : null);
  const mine = useMyAssignment(p);
  const { names } = useKindNames();
  const [error, setError] = useState(null);
  usePageTitle(p ? t('patrol.title_one', { day: formatDate(p.planned_start) }) : t('patrol.title'));
  if (!p) return <LoadState fetch={f} title={t('patrol.title')} notFound={t('patrol.not_found')} />;
  const step = async (how) => {
    setError(null);
    try {
      await request('POST', `/api/v1/patrols/${p.id}/${how}`); // no body: the route takes none
      f.reload();
    } catch (err) { setError(err); }
  };
  const checked = p.members.filter((m) => m.checked_in_at).length;
  return (
    <section class="page">
      <p class="crumbs"><Link href="/patrols">{t('patrol.title')}</Link></p>
      <h1>{t('patrol.title_one', { day: formatDate(p.planned_start) })}</h1>
      <dl class="facts">
        <div><dt>{t('patrol.state')}</dt><dd><StateBadge state={p.state} /></dd></div>
        <div><dt>{t('patrol.team')}</dt><dd>{p.team_name}</dd></div>
        <div><dt>{t('patrol.planned')}</dt><dd>{formatDateTime(p.planned_start)} – {timeText(p.planned_end)}</dd></div>
        <div><dt>{t('patrol.actual')}</dt><dd>{p.started_at ? `${formatDateTime(p.started_at)} – ${p.ended_at ? timeText(p.ended_at) : '…'}` : '—'}</dd></div>
        <div class="wide"><dt>{t('patrol.area')}</dt><dd>{p.area || '—'}</dd></div>
      </dl>
      <FormError text={error ? errorText(error) : ''} />
      {p.assigned_to_me && mine.checked_in_at && (
        <p class="alert alert-ok" role="status">{t('patrol.you_checked_in', { at: formatDateTime(mine.checked_in_at) })}</p>
      )}
      {p.assigned_to_me && p.state === 'open' && !mine.checked_in_at && (
        <CheckIn p={p} onDone={() => { f.reload(); mine.reload(); }} />
      )}
      {p.assigned_to_me && p.state === 'planned' && <p class="alert alert-warn" role="note">{t('patrol.not_started_yet')}</p>}
      {p.can_edit && p.state !== 'ended' && (
        <div class="actions">
          {p.state === 'planned' && <button type="button" class="btn btn-primary" onClick={() => step('start')}>{t('patrol.start')}</button>}
          {p.state === 'open' && <button type="button" class="btn btn-primary" onClick={() => step('end')}>{t('patrol.end')}</button>}
        </div>
      )}
      <div class="card">
        <div class="card-head">
          <h2>{t('patrol.checkins')}</h2>
          {p.can_edit && p.state === 'open' && <button type="button" class="btn btn-small" onClick={f.reload}>{t('patrol.refresh')}</button>}
        </div>
        <p class="muted">{t('patrol.checkins_count', { n: checked, total: p.members.length })}</p>
        {p.members.length === 0 ? <p class="muted">{t('patrol.no_members')}</p> : (
          <ul class="record-list" data-testid="checkins">
            {p.members.map((m) => (
              <li key={m.person_id}>
                <strong>{m.full_name}</strong>{m.person_id === mine.person_id ? ` (${t('patrol.you')})` : ''}{' — '}
                {m.checked_in_at ? (
                  <span>{t('patrol.checked_in_at', { at: formatDateTime(m.checked_in_at) })}{m.lat !== null ? ` · ${t('patrol.location', { lat: m.lat, lng: m.lng })}` : ''}</span>
                ) : <span class="muted">{t('patrol.not_checked_in')}</span>}
              </li>
            ))}
          </ul>
        )}
        <h2>{t('patrol.forces')}</h2>
        <p>{p.forces.length ? p.forces.map((x) => x.name).join(', ') : '—'}</p>
      </div>
      <div class="card">
        {p.can_edit ? <Findings key={p.updated_at} p={p} onSaved={f.reload} /> : (
          <>
            <h2>{t('patrol.findings')}</h2>
            <p class="tip-description">{p.findings || '—'}</p>
          </>
        )}
      </div>
      <div class="card">
        <div class="card-head">
          <h2>{t('violation.on_patrol')}</h2>
          {p.can_edit && <Link href={`/violations/new?patrol_id=${p.id}`} class="btn">{t('violation.new')}</Link>}
        </div>
        {viol.body && viol.body.data.length === 0 && <p class="muted">{t('violation.empty')}</p>}
        {viol.body && viol.body.data.length > 0 && <ViolationList items={viol.body.data} kindNames={names} />}
      </div>
    </section>
  );
}
