// The app: which page the path names. The citizen's pages (publicRoutes.jsx) stand alone and ask nothing
// about a session; every other path belongs to the logged-in app (OfficerApp.jsx), which is loaded on
// demand, the first time such a path is shown, so that a public page's first load stays small.
import { useEffect, useState } from 'preact/hooks';
import { getLang, onLangChange, t } from '../i18n.js';
import { useLocation } from '../router.jsx';
import { publicRoutes } from '../publicRoutes.jsx';

let officerApp = null; // the OfficerApp component, once its chunk has loaded

function loadOfficerApp() {
  return import('./OfficerApp.jsx').then((m) => { officerApp = m.OfficerApp; return officerApp; });
}

export function App() {
  const [, setLang] = useState(getLang());
  useEffect(() => onLangChange(setLang), []);
  const { path, query } = useLocation();
  const Public = publicRoutes[path];
  const [Officer, setOfficer] = useState(() => officerApp);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Public || Officer) return;
    loadOfficerApp().then((C) => setOfficer(() => C), () => setFailed(true));
  }, [!Public, !Officer]);

  if (Public) return <Public />;
  if (failed) return <p class="error" role="alert">{t('app.load_failed')}</p>;
  if (!Officer) return <p class="loading" role="status">{t('app.loading')}</p>;
  return <Officer path={path} query={query} />;
}
