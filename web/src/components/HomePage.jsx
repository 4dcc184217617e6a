// The home page after login: a greeting with the user's name and what they may do where (their grants).
// The dashboard's figures come later; this is the page every role lands on.
import { t } from '../i18n.js';
import { Link } from '../router.jsx';
import { usePageTitle } from './usePageTitle.js';

export function GrantList({ grants }) {
  if (!grants || grants.length === 0) return <p>{t('home.no_grants')}</p>;
  return (
    <ul class="grants">
      {grants.map((g) => (
        <li key={g.id}>
          <strong>{t('role.' + g.role)}</strong>
          {' — '}
          {g.team_id ? <Link href={`/teams/${g.team_id}`}>{g.team_name || t('home.on_team', { id: g.team_id })}</Link>
            : g.unit_name ? g.unit_name : t('home.everywhere')}
        </li>
      ))}
    </ul>
  );
}

export function HomePage({ user }) {
  usePageTitle(t('home.title'));
  return (
    <section class="page">
      <h1>{t('home.greeting', { name: user.display_name || user.username })}</h1>
      <div class="card">
        <h2>{t('home.grants')}</h2>
        <GrantList grants={user.grants} />
      </div>
      <div class="card">
        <h2>{t('home.start')}</h2>
        <ul class="links">
          <li><Link href="/commune">{t('home.go_commune')}</Link></li>
          <li><Link href="/teams">{t('home.go_teams')}</Link></li>
          <li><Link href="/people">{t('home.go_people')}</Link></li>
          <li><Link href="/units">{t('home.go_units')}</Link></li>
        </ul>
      </div>
    </section>
  );
}
