// The app: who is logged in, which page the path names, and the shell around it. /login stands alone;
// the citizen's pages (publicRoutes.jsx) stand alone too and ask nothing about a session; every other
// page needs a session, and without one the user goes to /login?next=<the page>.
import { useEffect, useState } from 'preact/hooks';
import { getLang, onLangChange, t } from '../i18n.js';
import { matchRoute, navigate, useLocation } from '../router.jsx';
import { loadSession, useSession } from '../session.js';
import { loginPathHere } from '../api.js';
import { routes } from '../routes.jsx';
import { publicRoutes } from '../publicRoutes.jsx';
import { AppShell } from './AppShell.jsx';
import { LoginPage } from './LoginPage.jsx';
import { NotFoundPage } from './NotFoundPage.jsx';

// Navigates in an effect (never during render).
export function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const [, setLang] = useState(getLang());
  useEffect(() => onLangChange(setLang), []);
  const { path, query } = useLocation();
  const Public = publicRoutes[path];
  useEffect(() => { if (!Public) loadSession(); }, [!Public]);
  const session = useSession();

  if (Public) return <Public />;

  if (session.loading) return <p class="loading" role="status">{t('app.loading')}</p>;
  if (path === '/login') return <LoginPage next={query.get('next')} user={session.user} />;
  if (!session.user) return <Redirect to={loginPathHere()} />;

  let page = null;
  let active = null;
  for (const r of routes) {
    const params = matchRoute(r.path, path);
    if (params) {
      const Page = r.component;
      page = <Page params={params} query={query} user={session.user} />;
      active = r.navParent || r.path;
      break;
    }
  }
  return (
    <AppShell user={session.user} active={active}>
      {page || <NotFoundPage />}
    </AppShell>
  );
}
