// Error text for the user: the server's error codes and field messages (English, from the API) turned
// into the current language's text. An unknown field message is shown as the server wrote it, as text.
import { t, hasText, getLang } from './i18n.js';
import { patternText } from './apiPatterns.js';

// The sentence for a whole error (shown at the top of a form or page).
export function errorText(err) {
  if (!err) return '';
  const key = 'error.' + err.code;
  if (hasText(key)) return t(key);
  return getLang() === 'en' && err.message ? err.message : t('error.unknown');
}

// One field's message from the error body's "fields".
export function fieldText(msg) {
  if (!msg) return '';
  if (getLang() === 'en') return msg; /* the API speaks English */
  const key = 'apimsg.' + msg;
  if (hasText(key)) return t(key);
  return patternText(msg) || t('error.field_invalid', { detail: msg });
}

// The fields of an ApiError as translated messages: { name: text }.
export function fieldErrors(err) {
  const out = {};
  if (err && err.fields) Object.keys(err.fields).forEach((k) => { out[k] = fieldText(err.fields[k]); });
  return out;
}
