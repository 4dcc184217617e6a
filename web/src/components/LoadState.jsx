// What a page shows while its record loads or when it cannot: "Đang tải…", the not-found page (a
// record that does not exist or is out of the user's scope), or the error. Renders nothing once loaded.
import { t } from '../i18n.js';
import { errorText } from '../errors.js';
import { FormError } from './FormError.jsx';
import { NotFoundPage } from './NotFoundPage.jsx';

export function LoadState({ fetch, title, notFound }) {
  if (fetch.error && fetch.error.status === 404) return <NotFoundPage message={notFound} />;
  if (fetch.error) return <section class="page"><h1>{title}</h1><FormError text={errorText(fetch.error)} /></section>;
  if (!fetch.body) return <section class="page"><p role="status">{t('app.loading')}</p></section>;
  return null;
}
