// The frame of every page after login: a skip link, the header with the navigation from routes.jsx,
// the language switch, the user's name and the logout button, the live alarm banner (AlarmBanner.jsx:
// for users who answer alarms), then the page in <main>.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.js';
import { Link, navigate } from '../router.jsx';
import { logOut } from '../session.js';
import { routes } from '../routes.jsx';
import { LanguageSwitch } from './LanguageSwitch.jsx';
import { AlarmBanner } from './AlarmBanner.jsx';

export function AppShell({ user, active, children }) {
  const main = useRef(null);
  const first = useRef(true);
  // After a navigation, move focus to the new page's heading so keyboard and screen-reader users
  // start reading there (not on the first load: the browser starts at the top anyway).
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    const h = main.current && main.current.querySelector('h1');
    if (h) { h.setAttribute('tabindex', '-1'); h.focus(); }
  }, [window.location.pathname]);

  const onLogout = async () => {
    try { await logOut(); } finally { navigate('/login', { replace: true }); }
  };

  return (
    <div class="shell">
      <a class="skip" href="#main">{t('shell.skip')}</a>
      <header class="topbar">
        <div class="topbar-row">
          <Link href="/" class="brand">{t('app.name')}</Link>
          <div class="topbar-tools">
            <span class="whoami">{user.display_name || user.username}</span>
            <LanguageSwitch />
            <button type="button" class="btn btn-light" onClick={onLogout}>{t('shell.logout')}</button>
          </div>
        </div>
        <nav aria-label={t('shell.nav')}>
          <ul class="nav">
            {routes.filter((r) => r.nav && (!r.navIf || r.navIf(user))).map((r) => (
              <li key={r.path}>
                <Link href={r.path} aria-current={active === r.path ? 'page' : undefined}>{t(r.nav)}</Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <AlarmBanner user={user} />
      <main id="main" ref={main} tabindex="-1">{children}</main>
    </div>
  );
}
