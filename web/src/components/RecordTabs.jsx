// The tabs of a record page: "Thông tin" (the record) and "Lịch sử" (its history from the audit log),
// as links (?tab=history) so that a tab survives a reload and the back button. The history tab shows
// only to roles that may read the audit log.
import { t } from '../i18n.js';
import { Link } from '../router.jsx';
import { can } from '../forces.js';

export function RecordTabs({ base, tab, user }) {
  if (!can(user, 'audit_read')) return null;
  const history = tab === 'history';
  return (
    <nav class="tabs" aria-label={t('tabs.label')}>
      <Link href={base} aria-current={history ? undefined : 'page'}>{t('tabs.info')}</Link>
      <Link href={base + '?tab=history'} aria-current={history ? 'page' : undefined}>{t('tabs.history')}</Link>
    </nav>
  );
}
