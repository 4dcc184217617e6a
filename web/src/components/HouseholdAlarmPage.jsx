// /bao-dong: the household's mõ, on a cheap phone, no account. The secret link (or the QR card by the
// door) is /bao-dong#TOKEN: the token is read from the fragment once, kept in this phone's
// localStorage and taken out of the address bar (a fragment never reaches a server log or a Referer).
// One big button per kind; an optional note and "use my location"; one press raises the alarm
// (POST /api/v1/public/alarms with Authorization: Bearer TOKEN). Then "Đã báo động" with the live state
// of the alarm, asked every few seconds (GET /api/v1/public/alarms/mine): waiting, someone has it,
// coming (ETA), handled. A second press within 60 s is added to the same alarm and says so. Without a
// token the page says to ask the ward police for a card.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { ApiError } from '../api.js';
import { errorText } from '../errors.js';
import { ALARM_KINDS, kindName, isOpen, locateMe } from '../alarms.js';
import { PublicShell } from './PublicShell.jsx';
import { usePageTitle } from './usePageTitle.js';

const TOKEN_KEY = 'tiengmo.alarmToken';

function pollMs() {
  let v = 0;
  try { v = Number(localStorage.getItem('tiengmo.householdPollMs')); } catch (e) { v = 0; }
  return v >= 200 ? v : 4000;
}

// The token from #TOKEN (then kept, and the fragment removed), else the one kept earlier, else ''.
function takeToken() {
  const h = window.location.hash.replace(/^#/, '').trim();
  if (/^[A-Za-z0-9_-]{16,200}$/.test(h)) {
    try { localStorage.setItem(TOKEN_KEY, h); } catch (e) { /* storage may be off: kept in memory only */ }
    window.history.replaceState(null, '', window.location.pathname);
    return h;
  }
  if (h) window.history.replaceState(null, '', window.location.pathname);
  try { return localStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
}

async function household(method, path, token, body) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', '');
  }
  let json = null;
  if ((res.headers.get('Content-Type') || '').startsWith('application/json')) {
    try { json = await res.json(); } catch (e) { json = null; }
  }
  if (res.ok) return { status: res.status, body: json };
  const err = (json && json.error) || {};
  const e = new ApiError(res.status, err.code || 'http_' + res.status, err.message, err.fields);
  e.retryAfter = Number(res.headers.get('Retry-After')) || 0;
  throw e;
}

// What the household reads about its alarm.
function stateText(a) {
  if (!a) return '';
  if (a.false_alarm || a.status === 'false_alarm') return t('alarm.home.closed_false');
  if (a.status === 'resolved') return t('alarm.home.resolved');
  if (a.status === 'responding') {
    return a.eta_minutes ? t('alarm.home.coming_eta', { n: formatNumber(a.eta_minutes) }) : t('alarm.home.coming');
  }
  if (a.status === 'acknowledged') return t('alarm.home.acknowledged');
  return a.escalated ? t('alarm.home.waiting_escalated') : t('alarm.home.waiting');
}

function Emergency() {
  return (
    <p class="home-emergency">
      {t('alarm.home.call')}{' '}
      <a href="tel:113">113</a> {t('alarm.home.call_police')} · <a href="tel:114">114</a> {t('alarm.home.call_fire')} ·{' '}
      <a href="tel:115">115</a> {t('alarm.home.call_medical')}
    </p>
  );
}

export function HouseholdAlarmPage() {
  usePageTitle(t('alarm.home.title'));
  const [token, setToken] = useState(null);
  const [kinds, setKinds] = useState([]);
  const [alarm, setAlarm] = useState(null);
  const [merged, setMerged] = useState(false);
  const [note, setNote] = useState('');
  const [loc, setLoc] = useState(null);
  const [locState, setLocState] = useState('');
  const [busy, setBusy] = useState('');
  const [error, setError] = useState(null);
  const [again, setAgain] = useState(false);
  const doneRef = useRef(null);

  useEffect(() => {
    setToken(takeToken());
    fetch('/api/v1/public/alarm-kinds', { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : null)).then((j) => { if (j) setKinds(j.data || []); }).catch(() => {});
  }, []);

  // The household's open alarm, now and every few seconds while one is shown.
  const mine = async (tok) => {
    try {
      const r = await household('GET', '/api/v1/public/alarms/mine', tok);
      const a = r.body && r.body.data;
      setAlarm((prev) => (a ? a : prev && isOpen(prev) ? { ...prev, status: 'resolved' } : prev));
    } catch (e) {
      if (e.status === 401) setError(e);
    }
  };
  useEffect(() => { if (token) mine(token); }, [token]);
  useEffect(() => {
    if (!token || !alarm || !isOpen(alarm)) return undefined;
    const id = setInterval(() => { if (document.visibilityState !== 'hidden') mine(token); }, pollMs());
    return () => clearInterval(id);
  }, [token, alarm && alarm.id, alarm && alarm.status]);
  useEffect(() => { if (busy === '' && alarm && doneRef.current) doneRef.current.focus(); }, [alarm && alarm.id, merged]);

  const locate = async () => {
    setLocState('busy');
    try { setLoc(await locateMe()); setLocState(''); } catch (e) { setLocState(e.message === 'unsupported' ? 'unsupported' : 'denied'); }
  };

  const press = async (kind) => {
    setBusy(kind);
    setError(null);
    try {
      const body = { kind };
      if (note.trim()) body.note = note.trim();
      if (loc) { body.lat = loc.lat; body.lng = loc.lng; }
      const r = await household('POST', '/api/v1/public/alarms', token, body);
      setMerged(r.status === 200);
      setAlarm(r.body.data);
      setAgain(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };

  if (token === null) return <PublicShell><p role="status">{t('app.loading')}</p></PublicShell>;

  const revoked = error && error.status === 401;
  if (!token || revoked) {
    return (
      <PublicShell>
        <h1>{t('alarm.home.title')}</h1>
        <div class="alert alert-warn" role="alert">
          {revoked ? t('alarm.home.revoked') : t('alarm.home.no_token')}
        </div>
        <p>{t('alarm.home.no_token_how')}</p>
        <Emergency />
      </PublicShell>
    );
  }

  const errText = error
    ? error.status === 429 ? t('alarm.home.too_many') : errorText(error)
    : '';

  if (alarm && !again) {
    const open = isOpen(alarm);
    return (
      <PublicShell>
        <h1 tabIndex={-1} ref={doneRef} class={open ? 'home-done' : ''}>{open ? t('alarm.home.sent_title') : t('alarm.home.closed_title')}</h1>
        <p class={`home-kind kind-bg-${alarm.kind}`}>
          {kindName(alarm.kind, kinds)}
        </p>
        {merged && open && <p class="alert alert-info" role="status">{t('alarm.home.merged', { n: alarm.presses || 2 })}</p>}
        <p class={`home-state status-${alarm.status}`} role="status" aria-live="polite">{stateText(alarm)}</p>
        <p class="muted">{t('alarm.home.raised_at', { at: formatDateTime(alarm.raised_at) })}</p>
        {(alarm.steps || []).length > 0 && (
          <ol class="home-steps">
            {alarm.steps.filter((s) => s.kind !== 'pressed').map((s, i) => (
              <li key={s.id || i}>
                <time datetime={s.at}>{formatDateTime(s.at).slice(-5)}</time>{' '}
                {s.kind === 'responding' && s.eta_minutes >= 0 && s.eta_minutes !== null
                  ? t('alarm.home.step.responding_eta', { n: formatNumber(s.eta_minutes) })
                  : t('alarm.home.step.' + s.kind)}
              </li>
            ))}
          </ol>
        )}
        {errText && <div class="alert alert-error" role="alert">{errText}</div>}
        {open && (
          <button type="button" class={`btn btn-block home-again kind-bg-${alarm.kind}`} disabled={!!busy}
            onClick={() => press(alarm.kind)}>
            {t('alarm.home.press_again')}
          </button>
        )}
        <button type="button" class="btn btn-block" onClick={() => { setAgain(true); setMerged(false); setError(null); }}>
          {t('alarm.home.other_kind')}
        </button>
        <Emergency />
      </PublicShell>
    );
  }

  return (
    <PublicShell>
      <h1>{t('alarm.home.title')}</h1>
      <p class="tip-intro">{t('alarm.home.intro')}</p>
      {errText && <div class="alert alert-error" role="alert">{errText}</div>}
      <div class="home-kinds">
        {ALARM_KINDS.map((k) => (
          <button key={k} type="button" class={`home-kind-btn kind-bg-${k}`} disabled={!!busy} onClick={() => press(k)}>
            <span>{busy === k ? t('alarm.home.sending') : kindName(k, kinds)}</span>
          </button>
        ))}
      </div>
      <div class="field">
        <label for="home-note">{t('alarm.home.note')}</label>
        <textarea id="home-note" rows={2} maxlength={500} value={note} aria-describedby="home-note-hint"
          onInput={(e) => setNote(e.currentTarget.value)} />
        <p class="hint" id="home-note-hint">{t('alarm.home.note_hint')}</p>
      </div>
      <div class="tip-loc">
        {loc
          ? <p role="status">{t('alarm.home.loc_set')}{' '}
            <button type="button" class="btn btn-small" onClick={() => setLoc(null)}>{t('alarm.home.loc_clear')}</button></p>
          : <button type="button" class="btn" onClick={locate} disabled={locState === 'busy'}>
            {locState === 'busy' ? t('alarm.home.loc_busy') : t('alarm.home.loc_use')}</button>}
        {(locState === 'denied' || locState === 'unsupported') && <p class="error-text" role="alert">{t('alarm.loc_' + locState)}</p>}
      </div>
      <Emergency />
    </PublicShell>
  );
}
