// The frame of the citizen's pages (no account): the name, the language switch, the page, and links
// between sending a tip, following one, and the officers' login; under the page, the public warnings in
// force (PublicWarnings.jsx).
import { t } from '../i18n.js';
import { Link } from '../router.jsx';
import { LanguageSwitch } from './LanguageSwitch.jsx';
import { PublicWarnings } from './PublicWarnings.jsx';

export function PublicShell({ children }) {
  return (
    <div class="public-wrap">
      <header class="public-top">
        <span class="public-brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main class="public-card" id="main">{children}</main>
      <PublicWarnings />
      <nav class="public-links" aria-label={t('ptip.links')}>
        <Link href="/gui-tin-bao">{t('ptip.title')}</Link>
        <Link href="/theo-doi-tin-bao">{t('ptrack.title')}</Link>
        <Link href="/login">{t('ptip.officer_login')}</Link>
      </nav>
    </div>
  );
}
