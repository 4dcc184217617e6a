// The live alarm banner at the top of every page of the logged-in app, for users who answer alarms: each
// open alarm in their scope (newest first, three at most, the rest behind a link) with its kind, place,
// time and status, and the answers it allows. A new unanswered alarm sounds its kind's gong pattern;
// the banner carries the mute switch and, when the browser holds sound back until the page is
// touched, a "Bật âm thanh" button. It stays out of the way on /alarms, which lists the same alarms.
import { useEffect, useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { Link, useLocation } from '../router.jsx';
import { canAlarms, kindName, statusLine } from '../alarms.js';
import { startAlarms, stopAlarms, useLiveAlarms } from '../alarmLive.js';
import { gongState, subscribeGong, setGongMuted, unlockGong } from '../gong.js';
import { AlarmActions } from './AlarmActions.jsx';

const SHOWN = 3;

// The gong's controls: the mute switch and, when sound is blocked, the button that allows it.
export function GongControls() {
  const [g, setG] = useState(gongState());
  useEffect(() => subscribeGong(setG), []);
  if (!g.supported) return null;
  return (
    <div class="gong-controls">
      {g.blocked && !g.muted && (
        <button type="button" class="btn btn-primary gong-unlock" onClick={unlockGong}>{t('alarm.sound_on')}</button>
      )}
      <label class="check gong-mute">
        <input type="checkbox" role="switch" checked={g.muted} onChange={(e) => setGongMuted(e.currentTarget.checked)} />
        <span>{t('alarm.mute')}</span>
      </label>
    </div>
  );
}

export function AlarmBanner({ user }) {
  const allowed = canAlarms(user);
  useEffect(() => {
    if (!allowed) return undefined;
    startAlarms();
    return () => stopAlarms();
  }, [allowed, user && user.id]);
  const live = useLiveAlarms();
  const { path } = useLocation();
  // the alarms page lists the same open alarms, live, with the same answers
  if (!allowed || !live.alarms.length || path === '/alarms') return null;
  const shown = live.alarms.slice(0, SHOWN);
  const more = live.alarms.length - shown.length;
  return (
    <section class="alarm-banner" aria-labelledby="alarm-banner-title">
      <div class="alarm-banner-head">
        <h2 id="alarm-banner-title"><span role="status">{t('alarm.banner_title', { n: live.alarms.length })}</span></h2>
        <GongControls />
      </div>
      <ul class="alarm-banner-list">
        {shown.map((a) => (
          <li key={a.id} class={`alarm-item kind-edge-${a.kind}`}>
            <p class="alarm-item-head">
              <strong class="alarm-kind">{kindName(a.kind, live.kinds)}</strong>
              <span>{a.unit_name}</span>
              {a.escalated && <span class="badge badge-escalated">{t('alarm.escalated')}</span>}
              <span class={`alarm-status status-${a.status}`}>{statusLine(a)}</span>
            </p>
            <p class="alarm-item-meta">
              {a.address && <span>{a.address}</span>}
              <span>{t('alarm.raised_at', { at: formatDateTime(a.raised_at) })}</span>
              {a.presses > 1 && <span>{t('alarm.presses', { n: a.presses })}</span>}
              <Link href={`/alarms/${a.id}`}>{t('alarm.details')}</Link>
            </p>
            {a.note && <p class="alarm-note">{a.note}</p>}
            <AlarmActions alarm={a} compact />
          </li>
        ))}
      </ul>
      {more > 0 && <p class="alarm-more"><Link href="/alarms">{t('alarm.more', { n: more })}</Link></p>}
    </section>
  );
}
