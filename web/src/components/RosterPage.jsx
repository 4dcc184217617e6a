// "Lịch trực" of a team (/teams/:id/roster?week=2026-W10): the ISO week's seven days, each with the
// team's shifts and who is on duty, with the previous and next week. The team's leader (can_edit from
// the API) ticks the team's current members into the slots and saves the whole week (PUT), adds
// shifts, approves or refuses the swaps members ask for, and issues the team's calendar links.
import { useState } from 'preact/hooks';
import { t, formatDate, formatDateTime } from '../i18n.js';
import { api, request } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { dayText, isHhmm, isoWeekOf, shiftWeek, weekMonday } from '../patrols.js';
import { CalendarLinks } from './CalendarLinks.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LoadState } from './LoadState.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

const slotKey = (day, shiftId, personId) => `${day}|${shiftId}|${personId}`;

// The week's slots as a set of "day|shift|person" keys.
function keysOf(slots) {
  return new Set(slots.map((s) => slotKey(s.day, s.shift_id, s.person_id)));
}

function WeekGrid({ teamId, r, onSaved, saved, onChanged }) {
  const [chosen, setChosen] = useState(() => keysOf(r.slots));
  const [error, setError] = useState(null);
  const toggle = (k) => {
    const next = new Set(chosen);
    if (next.has(k)) next.delete(k); else next.add(k);
    setChosen(next);
    onChanged();
  };
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    const slots = [...chosen].map((k) => {
      const [day, shift, person] = k.split('|');
      return { day, shift_id: Number(shift), person_id: Number(person) };
    });
    try {
      await request('PUT', `/api/v1/teams/${teamId}/roster?week=${r.week}`, { slots });
      onSaved();
    } catch (err) { setError(err); }
  };
  const fe = fieldErrors(error);
  const slotErrors = Object.keys(fe).filter((k) => k.startsWith('slots')).map((k) => fe[k]);
  const names = (day, shiftId) => r.slots.filter((s) => s.day === day && s.shift_id === shiftId).map((s) => s.full_name);
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('roster.grid')}>
      <FormError text={error ? errorText(error) : ''} />
      {slotErrors.length > 0 && <ul class="error-text">{slotErrors.map((m, i) => <li key={i}>{m}</li>)}</ul>}
      <div class="roster-days">
        {r.days.map((day) => (
          <section class="roster-day" key={day} aria-labelledby={`day-${day}`}>
            <h3 id={`day-${day}`}>{dayText(day)}</h3>
            {r.shifts.map((sh) => {
              if (!r.can_edit) {
                const who = names(day, sh.id);
                return (
                  <p class="roster-names" key={sh.id}>
                    <strong>{sh.name} ({sh.start}–{sh.end}):</strong> {who.length ? who.join(', ') : <span class="muted">{t('roster.nobody')}</span>}
                  </p>
                );
              }
              return (
                <fieldset class="roster-shift" key={sh.id} aria-label={t('roster.slot_legend', { day: dayText(day), shift: sh.name, start: sh.start, end: sh.end })}>
                  <legend>{sh.name} ({sh.start}–{sh.end})</legend>
                  <ul>
                    {r.members.map((m) => {
                      const k = slotKey(day, sh.id, m.person_id);
                      return (
                        <li key={m.person_id}>
                          <label><input type="checkbox" checked={chosen.has(k)} onChange={() => toggle(k)} /> {m.full_name}</label>
                        </li>
                      );
                    })}
                  </ul>
                </fieldset>
              );
            })}
          </section>
        ))}
      </div>
      {r.can_edit && (
        <div class="actions roster-actions">
          <button type="submit" class="btn btn-primary">{t('roster.save')}</button>
          {saved && <p role="status" class="ok-text">{t('roster.saved')}</p>}
        </div>
      )}
    </form>
  );
}

function ShiftForm({ teamId, onAdded }) {
  const [v, setV] = useState({ name: '', start: '', end: '' });
  const [error, setError] = useState(null);
  const [bad, setBad] = useState({});
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const onSubmit = async (e) => {
    e.preventDefault();
    const errs = {};
    if (!isHhmm(v.start)) errs.start = t('roster.time_invalid');
    if (!isHhmm(v.end)) errs.end = t('roster.time_invalid');
    setBad(errs);
    if (Object.keys(errs).length) return;
    setError(null);
    try {
      await api.post(`/api/v1/teams/${teamId}/shifts`, { name: v.name.trim(), start: v.start, end: v.end });
      setV({ name: '', start: '', end: '' });
      onAdded();
    } catch (err) { setError(err); }
  };
  const fe = { ...fieldErrors(error), ...bad };
  return (
    <form class="subform" onSubmit={onSubmit} noValidate aria-label={t('roster.shift_add')}>
      <FormError text={error ? errorText(error) : ''} />
      <div class="filter-grid">
        <Field label={t('roster.shift_name')} value={v.name} error={fe.name} maxlength={100} onInput={set('name')} />
        <Field label={t('roster.shift_start')} hint={t('roster.time_hint')} value={v.start} error={fe.start} inputmode="numeric" maxlength={5} placeholder="19:00" onInput={set('start')} />
        <Field label={t('roster.shift_end')} hint={t('roster.time_hint')} value={v.end} error={fe.end} inputmode="numeric" maxlength={5} placeholder="23:00" onInput={set('end')} />
      </div>
      <button type="submit" class="btn">{t('roster.shift_add')}</button>
    </form>
  );
}

export function SwapBadge({ s }) {
  return <span class={'badge badge-swap-' + s.status}>{t('roster.swap.' + s.status)}</span>;
}

function PendingSwaps({ teamId, onDecided }) {
  const list = useFetch(`/api/v1/swaps?team_id=${teamId}&status=pending`);
  const [error, setError] = useState(null);
  const decide = async (id, how) => {
    setError(null);
    try {
      await request('POST', `/api/v1/swaps/${id}/${how}`); // no body: the route takes none
      list.reload();
      onDecided();
    } catch (err) { setError(err); }
  };
  const swaps = list.body ? list.body.data : null;
  return (
    <div class="card">
      <h2>{t('roster.swaps_pending')}</h2>
      <FormError text={error ? errorText(error) : list.error ? errorText(list.error) : ''} />
      {swaps && swaps.length === 0 && <p class="muted">{t('roster.swaps_none')}</p>}
      {swaps && swaps.length > 0 && (
        <ul class="record-list">
          {swaps.map((s) => (
            <li key={s.id}>
              <p>{t('roster.swap_line', { from: s.from_name, to: s.to_name, day: dayText(s.day), shift: s.shift_name })}</p>
              {s.reason && <p class="muted">{t('roster.swap_reason', { reason: s.reason })}</p>}
              <div class="actions" role="group" aria-label={t('roster.swap_decide', { from: s.from_name, day: formatDate(s.day) })}>
                <button type="button" class="btn btn-primary btn-small" onClick={() => decide(s.id, 'approve')}>{t('roster.swap_approve')}</button>
                <button type="button" class="btn btn-small" onClick={() => decide(s.id, 'refuse')}>{t('roster.swap_refuse')}</button>
              </div>
              <p class="muted">{t('roster.swap_asked', { at: formatDateTime(s.created_at) })}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function RosterPage({ params, query }) {
  const id = encodeURIComponent(params.id);
  const week = query.get('week') || isoWeekOf('');
  const roster = useFetch(`/api/v1/teams/${id}/roster?week=${encodeURIComponent(week)}`);
  const [saved, setSaved] = useState(false);
  const r = roster.body && roster.body.data;
  usePageTitle(r ? t('roster.title_team', { team: r.team_name }) : t('roster.title'));
  if (!r) return <LoadState fetch={roster} title={t('roster.title')} notFound={t('team.not_found')} />;
  const go = (w) => { setSaved(false); navigate(`/teams/${r.team_id}/roster?week=${w}`); };
  const monday = weekMonday(r.week);
  return (
    <section class="page">
      <p class="crumbs"><Link href="/teams">{t('teams.title')}</Link> › <Link href={`/teams/${r.team_id}`}>{r.team_name}</Link></p>
      <h1>{t('roster.title_team', { team: r.team_name })}</h1>
      <div class="card">
        <div class="week-nav">
          <button type="button" class="btn btn-small" onClick={() => go(shiftWeek(r.week, -1))}>{t('roster.prev_week')}</button>
          <h2 aria-live="polite">{t('roster.week_label', { week: r.week.slice(6), year: r.week.slice(0, 4), from: formatDate(r.days[0]), to: formatDate(r.days[6]) })}</h2>
          <button type="button" class="btn btn-small" onClick={() => go(shiftWeek(r.week, 1))}>{t('roster.next_week')}</button>
          {r.week !== isoWeekOf('') && <Link href={`/teams/${r.team_id}/roster`}>{t('roster.this_week')}</Link>}
        </div>
        {r.shifts.length === 0 ? <p>{r.can_edit ? t('roster.no_shifts_edit') : t('roster.no_shifts')}</p> : (
          <WeekGrid key={r.week + monday + r.slots.map((s) => `${s.id}:${s.person_id}`).join(',')} teamId={r.team_id} r={r} saved={saved}
            onSaved={() => { setSaved(true); roster.reload(); }} onChanged={() => setSaved(false)} />
        )}
      </div>
      {r.can_edit && (
        <div class="card">
          <h2>{t('roster.shifts')}</h2>
          {r.shifts.length > 0 && (
            <ul>{r.shifts.map((s) => <li key={s.id}>{s.name}: {s.start}–{s.end}</li>)}</ul>
          )}
          <ShiftForm teamId={r.team_id} onAdded={roster.reload} />
        </div>
      )}
      {r.can_edit && <PendingSwaps teamId={r.team_id} onDecided={roster.reload} />}
      {r.can_edit && <CalendarLinks base={`/api/v1/teams/${r.team_id}/ical`} title={t('roster.ical_team')} />}
    </section>
  );
}
