// One alarm (/alarms/:id): what, where (the address, and the point as a link to a map), when, by whom
// (a household or a member), the household's phone for those who answer, the timeline of its steps
// (raised, pressed again, acknowledged, responding with an ETA, escalated, resolved or false alarm, each
// with who and when), the three nearest on-duty members with their distances, and the answers the
// alarm allows. It asks again whenever the live list of alarms changes.
import { useEffect } from 'preact/hooks';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { Link } from '../router.jsx';
import { distanceText, kindName, mapLink, statusLine } from '../alarms.js';
import { useLiveAlarms } from '../alarmLive.js';
import { AlarmActions } from './AlarmActions.jsx';
import { LoadState } from './LoadState.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

function stepText(s) {
  const who = s.actor || (s.kind === 'escalated' ? t('alarm.by_system') : t('alarm.by_household'));
  if (s.kind === 'responding' && s.eta_minutes !== null && s.eta_minutes !== undefined && s.eta_minutes >= 0) {
    return t('alarm.step.responding_eta', { who, n: formatNumber(s.eta_minutes) });
  }
  return t('alarm.step.' + s.kind, { who });
}

export function AlarmPage({ params }) {
  const live = useLiveAlarms();
  const f = useFetch(`/api/v1/alarms/${encodeURIComponent(params.id)}`);
  useEffect(() => { if (f.body) f.reload(); }, [live.version]);
  const a = f.body && f.body.data;
  usePageTitle(a ? `${kindName(a.kind, live.kinds)} — ${a.unit_name}` : t('alarm.nav'));
  const wait = LoadState({ fetch: f, title: t('alarm.nav'), notFound: t('alarm.not_found') });
  if (wait) return wait;
  const map = mapLink(a.lat, a.lng);
  return (
    <section class="page">
      <p class="crumbs"><Link href="/alarms">{t('alarm.nav')}</Link></p>
      <h1 class={`alarm-title kind-edge-${a.kind}`}>{kindName(a.kind, live.kinds)} — {a.unit_name}</h1>
      <p class={`alarm-status-big status-${a.status}`} role="status">
        {statusLine(a)}{a.escalated ? ` · ${t('alarm.escalated')}` : ''}
      </p>
      <AlarmActions alarm={a} onDone={() => f.reload()} />
      <dl class="facts">
        <div><dt>{t('alarm.f.raised_at')}</dt><dd>{formatDateTime(a.raised_at)}</dd></div>
        <div><dt>{t('alarm.f.source')}</dt><dd>{t('alarm.source.' + a.source)}</dd></div>
        <div><dt>{t('alarm.f.presses')}</dt><dd>{formatNumber(a.presses || 1)}</dd></div>
        <div><dt>{t('alarm.f.unit')}</dt><dd>{a.unit_name}</dd></div>
        <div class="wide"><dt>{t('alarm.f.address')}</dt><dd>{a.address || '—'}</dd></div>
        <div class="wide">
          <dt>{t('alarm.f.place')}</dt>
          <dd>{map
            ? <a href={map} target="_blank" rel="noopener noreferrer">{t('alarm.map_link', { lat: a.lat, lng: a.lng })}</a>
            : t('alarm.no_point')}</dd>
        </div>
        {a.household && <div><dt>{t('alarm.f.household')}</dt><dd>{a.household.label}</dd></div>}
        {a.household && a.household.phone && (
          <div><dt>{t('alarm.f.phone')}</dt><dd><a href={`tel:${a.household.phone}`}>{a.household.phone}</a></dd></div>
        )}
        {a.note && <div class="wide"><dt>{t('alarm.f.note')}</dt><dd class="alarm-note">{a.note}</dd></div>}
      </dl>
      <div class="grid-2">
        <section class="card" aria-labelledby="steps-title">
          <h2 id="steps-title">{t('alarm.timeline')}</h2>
          <ol class="history alarm-steps">
            {(a.steps || []).map((s, i) => (
              <li key={s.id || i} class={`step-${s.kind}`}>
                <p class="history-head">
                  <time datetime={s.at}>{formatDateTime(s.at)}</time>
                  <strong>{stepText(s)}</strong>
                </p>
                {s.note && <p class="history-detail">{s.note}</p>}
              </li>
            ))}
          </ol>
        </section>
        <section class="card" aria-labelledby="nearest-title">
          <h2 id="nearest-title">{t('alarm.nearest')}</h2>
          {(a.nearest || []).length
            ? (
              <ol class="nearest">
                {a.nearest.map((n) => (
                  <li key={n.user_id}><strong>{n.name}</strong> <span>{distanceText(n.distance_m)}</span></li>
                ))}
              </ol>
            )
            : <p class="muted">{map ? t('alarm.nearest_none') : t('alarm.nearest_no_point')}</p>}
        </section>
      </div>
    </section>
  );
}
