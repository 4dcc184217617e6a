// The links between the pages of one area that share a single entry in the main navigation (the
// movement: outreach, models, exemplars; the alarm: alarms, households, warnings). The current page is
// plain text marked aria-current; a link the user may not use is left out.
import { t } from '../i18n.js';
import { Link } from '../router.jsx';

// links: [[href, i18n key, show?(user)]]; label: the i18n key naming the area for screen readers.
export function SectionLinks({ here, links, label, user }) {
  const shown = links.filter(([, , show]) => !show || show(user));
  if (shown.length < 2) return null;
  return (
    <nav class="links-row no-print" aria-label={t(label)}>
      {shown.map(([href, key]) => (href === here
        ? <strong key={href} aria-current="page">{t(key)}</strong>
        : <Link key={href} href={href}>{t(key)}</Link>))}
    </nav>
  );
}
