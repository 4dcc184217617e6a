// Sets the document title to "<page> · Tiếng mõ" while the page is shown.
import { useEffect } from 'preact/hooks';
import { t } from '../i18n.js';

export function usePageTitle(title) {
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
  }, [title]);
}
