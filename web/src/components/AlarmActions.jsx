// The answers to an alarm, for the banner and the alarm page: "Đã nhận" (acknowledge), "Đang đến" with
// an optional ETA in minutes, "Đã xử lý" (resolve) and "Báo nhầm" (a false alarm, confirmed by a
// second press). Only the answers the alarm's status allows are shown; a 409 (someone else answered
// first) reloads the alarm and says so.
import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { alarmActions } from '../alarms.js';
import { applyAlarm, reloadAlarms } from '../alarmLive.js';

let seq = 0;

export function AlarmActions({ alarm, onDone, compact = false }) {
  const [eta, setEta] = useState('');
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const [confirmFalse, setConfirmFalse] = useState(false);
  const [fid] = useState(() => `eta${++seq}`);
  const actions = alarmActions(alarm);
  if (!actions.length) return null;

  const send = async (what) => {
    setBusy(what);
    setError('');
    try {
      let res;
      if (what === 'ack') res = await api.post(`/api/v1/alarms/${alarm.id}/ack`, {});
      else if (what === 'respond') {
        const n = Number(eta);
        if (eta !== '' && (!Number.isInteger(n) || n < 0 || n > 600)) {
          setError(t('alarm.eta_bad'));
          return;
        }
        res = await api.post(`/api/v1/alarms/${alarm.id}/respond`, eta === '' ? {} : { eta_minutes: n });
      } else res = await api.post(`/api/v1/alarms/${alarm.id}/resolve`, { false_alarm: what === 'false_alarm' });
      if (res && res.data) applyAlarm(res.data);
      setConfirmFalse(false);
      if (onDone) onDone(res && res.data);
    } catch (err) {
      setError(err.status === 409 ? t('alarm.answered_already') : errorText(err));
      reloadAlarms();
      if (onDone) onDone(null);
    } finally {
      setBusy('');
    }
  };

  return (
    <div class={'alarm-actions' + (compact ? ' alarm-actions-compact' : '')}>
      {actions.includes('ack') && (
        <button type="button" class="btn btn-primary" disabled={!!busy} onClick={() => send('ack')}>
          {t('alarm.act.ack')}
        </button>
      )}
      {actions.includes('respond') && (
        <div class="alarm-respond">
          <label for={fid}>{t('alarm.eta_label')}</label>
          <input id={fid} type="number" inputmode="numeric" min="0" max="600" value={eta}
            onInput={(e) => setEta(e.currentTarget.value)} />
          <button type="button" class="btn btn-primary" disabled={!!busy} onClick={() => send('respond')}>
            {alarm.status === 'responding' ? t('alarm.act.respond_too') : t('alarm.act.respond')}
          </button>
        </div>
      )}
      {actions.includes('resolve') && (
        <button type="button" class="btn" disabled={!!busy} onClick={() => send('resolve')}>
          {t('alarm.act.resolve')}
        </button>
      )}
      {actions.includes('false_alarm') && !confirmFalse && (
        <button type="button" class="btn" disabled={!!busy} onClick={() => setConfirmFalse(true)}>
          {t('alarm.act.false_alarm')}
        </button>
      )}
      {confirmFalse && (
        <span class="alarm-confirm">
          <span>{t('alarm.false_confirm')}</span>
          <button type="button" class="btn btn-danger" disabled={!!busy} onClick={() => send('false_alarm')}>
            {t('alarm.act.false_yes')}
          </button>
          <button type="button" class="btn" onClick={() => setConfirmFalse(false)}>{t('alarm.act.cancel')}</button>
        </span>
      )}
      {error && <p class="error-text" role="alert">{error}</p>}
    </div>
  );
}
