// "Lịch trực của tôi" (/me/duties): a member's own duty slots of the coming two weeks and the patrols
// they are assigned to (an open one leads to its page and the check-in button), asking to hand a duty
// to another member of the team (the leader approves or refuses), the swaps asked, and the member's
// own calendar links. An account linked to no person of the register is told so.
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { dayText, stateText, timeText } from '../patrols.js';
import { CalendarLinks } from './CalendarLinks.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LoadState } from './LoadState.jsx';
import { SwapBadge } from './RosterPage.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

function SwapForm({ duty, me, onDone, onCancel }) {
  const members = useFetch(duty.team_id ? `/api/v1/teams/${duty.team_id}/members` : null);
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const others = (members.body ? members.body.data : []).filter((m) => m.person_id !== me);
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { slot_id: duty.id, to_person_id: Number(to) || 0 };
    if (reason.trim()) body.reason = reason.trim();
    try {
      await api.post('/api/v1/swaps', body);
      onDone();
    } catch (err) { setError(err); }
  };
  const fe = fieldErrors(error);
  return (
    <form class="subform" onSubmit={onSubmit} noValidate aria-label={t('roster.swap_ask')}>
      <FormError text={error ? errorText(error) : ''} />
      <Field as="select" label={t('roster.swap_to')} value={to} error={fe.to_person_id} onChange={(e) => setTo(e.currentTarget.value)}>
        <option value="">{t('patrol.pick')}</option>
        {others.map((m) => <option key={m.person_id} value={String(m.person_id)}>{m.full_name}</option>)}
      </Field>
      <Field label={t('roster.swap_reason_label')} value={reason} error={fe.reason} maxlength={500} onInput={(e) => setReason(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn btn-primary">{t('roster.swap_send')}</button>
        <button type="button" class="btn" onClick={onCancel}>{t('action.cancel')}</button>
      </div>
    </form>
  );
}

export function MyDutiesPage() {
  usePageTitle(t('roster.mine'));
  const duties = useFetch('/api/v1/me/duties');
  const swaps = useFetch('/api/v1/swaps');
  const [asking, setAsking] = useState(null);
  const [sent, setSent] = useState(false);
  const d = duties.body && duties.body.data;
  if (!d) return <LoadState fetch={duties} title={t('roster.mine')} />;
  const pendingSlots = new Set((swaps.body ? swaps.body.data : []).filter((s) => s.status === 'pending').map((s) => s.slot_id));
  return (
    <section class="page">
      <p class="crumbs"><Link href="/patrols">{t('patrol.title')}</Link></p>
      <h1>{t('roster.mine')}</h1>
      {d.person_id === null && <p class="alert alert-warn" role="note">{t('roster.not_linked')}</p>}
      <div class="card">
        <h2>{t('roster.my_patrols')}</h2>
        {d.patrols.length === 0 ? <p class="muted">{t('roster.no_patrols')}</p> : (
          <ul class="record-list">
            {d.patrols.map((p) => (
              <li key={p.id}>
                <Link href={`/patrols/${p.id}`} class="record-title">{p.area || t('patrol.no_area')}</Link>
                <div class="record-meta">
                  <span class={'badge badge-patrol-' + p.state}>{stateText(p.state)}</span>
                  <span class="muted">{formatDateTime(p.planned_start)} – {timeText(p.planned_end)}</span>
                  <span class="muted">{p.team_name}</span>
                  {p.checked_in_at && <span>{t('patrol.checked_in_at', { at: formatDateTime(p.checked_in_at) })}</span>}
                </div>
                {p.state === 'open' && !p.checked_in_at && (
                  <p><Link href={`/patrols/${p.id}`} class="btn btn-primary">{t('patrol.go_checkin')}</Link></p>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="card">
        <h2>{t('roster.my_duties')}</h2>
        {sent && <p role="status" class="ok-text">{t('roster.swap_sent')}</p>}
        {d.duties.length === 0 ? <p class="muted">{t('roster.no_duties')}</p> : (
          <ul class="record-list">
            {d.duties.map((s) => (
              <li key={s.id}>
                <p class="record-title">{dayText(s.day)} — {s.shift_name} ({timeText(s.starts_at)}–{timeText(s.ends_at)})</p>
                <div class="record-meta">
                  {s.team_id ? <Link href={`/teams/${s.team_id}/roster`}>{s.team_name}</Link> : <span>{s.team_name}</span>}
                  {pendingSlots.has(s.id) && <span class="badge badge-swap-pending">{t('roster.swap.pending')}</span>}
                </div>
                {asking === s.id ? (
                  <SwapForm duty={s} me={d.person_id} onCancel={() => setAsking(null)}
                    onDone={() => { setAsking(null); setSent(true); swaps.reload(); }} />
                ) : (!pendingSlots.has(s.id) && new Date(s.starts_at).getTime() > Date.now() && (
                  <button type="button" class="btn btn-small" onClick={() => { setSent(false); setAsking(s.id); }}
                    aria-label={t('roster.swap_ask_for', { day: dayText(s.day), shift: s.shift_name })}>
                    {t('roster.swap_ask')}
                  </button>
                ))}
              </li>
            ))}
          </ul>
        )}
      </div>
      {swaps.body && swaps.body.data.length > 0 && (
        <div class="card">
          <h2>{t('roster.my_swaps')}</h2>
          <ul class="record-list">
            {swaps.body.data.map((s) => (
              <li key={s.id}>
                <p>{t('roster.swap_line', { from: s.from_name, to: s.to_name, day: dayText(s.day), shift: s.shift_name })}</p>
                <SwapBadge s={s} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {d.person_id !== null && <CalendarLinks base="/api/v1/me/ical" title={t('roster.ical_mine')} />}
    </section>
  );
}
