// The logged-in app: the session, /login, and every page of routes.jsx inside the shell. A chunk of its
// own (App.jsx imports it on demand), so that a citizen's visit to a public page never loads it. Every
// page needs a session; without one the user goes to /login?next=<the page>.
import { useEffect } from 'preact/hooks';
import { t } from '../i18n.js';
import { matchRoute, navigate } from '../router.jsx';
import { loadSession, useSession } from '../session.js';
import { loginPathHere } from '../api.js';
import { routes } from '../routes.jsx';
import { AppShell } from './AppShell.jsx';
import { LoginPage } from './LoginPage.jsx';
import { NotFoundPage } from './NotFoundPage.jsx';

// Navigates in an effect (never during render).
function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function OfficerApp({ path, query }) {
  useEffect(() => { loadSession(); }, []);
  const session = useSession();

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
