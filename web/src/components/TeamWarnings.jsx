// The rules a team breaks, shown prominently: one Vietnamese sentence per warning code with the law
// it comes from (the server's English message when the code is new to this app). Nothing when none.
import { t, hasText } from '../i18n.js';

export function warningText(w) {
  const key = 'warning.' + w.code;
  return hasText(key) ? t(key) : w.message;
}

export function TeamWarnings({ warnings, compact = false }) {
  if (!warnings || warnings.length === 0) return null;
  if (compact) {
    return (
      <ul class="warn-inline">
        {warnings.map((w) => <li key={w.code}>{warningText(w)}</li>)}
      </ul>
    );
  }
  return (
    <div class="alert alert-warn team-warnings" role="status">
      <h2>{t('team.warnings_title', { n: warnings.length })}</h2>
      <ul>
        {warnings.map((w) => <li key={w.code} data-code={w.code}>{warningText(w)}</li>)}
      </ul>
    </div>
  );
}

// A small flag next to a team in a list: "⚠ 2 cảnh báo" (or nothing).
export function WarningFlag({ warnings }) {
  if (!warnings || warnings.length === 0) return null;
  return <span class="flag-warn" title={warnings.map(warningText).join(' ')}>{t('team.warning_flag', { n: warnings.length })}</span>;
}
