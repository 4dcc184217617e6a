// The public warnings in force (GET /api/v1/public/warnings: a storm, a wave of phone scams, a wanted
// notice), shown under every citizen's page by PublicShell: title, area, what it is and what to do.
// Nothing is shown when there is none or the list cannot be had (the page's own work comes first).
import { useEffect, useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { publicRequest } from '../tipApi.js';
import '../alarms.js';

export function PublicWarnings() {
  const [list, setList] = useState([]);
  useEffect(() => {
    let live = true;
    publicRequest('GET', '/api/v1/public/warnings').then((r) => { if (live) setList(r.data || []); }).catch(() => {});
    return () => { live = false; };
  }, []);
  if (!list.length) return null;
  return (
    <section class="public-warnings" aria-labelledby="public-warnings-title">
      <h2 id="public-warnings-title">{t('warning.public_title')}</h2>
      <ul>
        {list.map((w) => (
          <li key={w.id} class={`pw pw-${w.severity}`}>
            <p class="pw-head">
              <span class="pw-kind">{t('warning.kind.' + w.kind)}</span>
              <strong>{w.title}</strong>
            </p>
            <p class="pw-meta">
              {w.unit_name && <span>{w.unit_name}</span>}
              <span>{t('warning.since', { at: formatDateTime(w.effective_at) })}</span>
              {w.expires_at && <span>{t('warning.until', { at: formatDateTime(w.expires_at) })}</span>}
            </p>
            <p class="pw-body">{w.body}</p>
            {w.instruction && <p class="pw-do"><strong>{t('warning.instruction')}:</strong> {w.instruction}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
