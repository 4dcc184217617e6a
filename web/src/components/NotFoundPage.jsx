// The page for a path the app does not know (and for a record that does not exist or is out of scope).
import { t } from '../i18n.js';
import { Link } from '../router.jsx';
import { usePageTitle } from './usePageTitle.js';

export function NotFoundPage({ message }) {
  usePageTitle(t('notfound.title'));
  return (
    <section class="page">
      <h1>{t('notfound.title')}</h1>
      <p>{message || t('notfound.text')}</p>
      <p><Link href="/">{t('notfound.home')}</Link></p>
    </section>
  );
}
