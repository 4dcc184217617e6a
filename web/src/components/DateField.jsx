// A date typed the Vietnamese way, dd/mm/yyyy, for forms that send "YYYY-MM-DD" to the API. The
// caller keeps the text; parseDate (forces.js) turns it into the API's form or null when malformed.
import { t } from '../i18n.js';
import { Field } from './Field.jsx';

export function DateField({ label, value, onInput, error, ...rest }) {
  return (
    <Field label={label} hint={t('date.hint')} value={value} error={error} inputmode="numeric"
      placeholder={t('date.placeholder')} maxlength={10} autocomplete="off"
      onInput={(e) => onInput(e.currentTarget.value)} {...rest} />
  );
}

// "2026-11-29" → "29/11/2026" for a form's starting text.
export function isoToText(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}
