// The switch between Vietnamese and English: one button that names the other language in itself.
import { getLang, setLang, t } from '../i18n.js';

export function LanguageSwitch() {
  const other = getLang() === 'vi' ? 'en' : 'vi';
  return (
    <button type="button" class="btn btn-light lang-switch" lang={other} title={t('lang.switch_to')}
      onClick={() => setLang(other)}>
      {t('lang.other')}
    </button>
  );
}
