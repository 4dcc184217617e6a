// The API's field messages that carry a value ("national id must be exactly 12 digits (it has 9
// characters)", "role 'boss' must be leader, deputy or member", an import line's "phone must be …")
// in the current language: a pattern per message, the value carried over as text. errors.js asks
// here when a message has no fixed translation; null means "no pattern knows it".
import { t, hasText } from './i18n.js';

const PATTERNS = [
  [/^national id must be exactly 12 digits \(it has (\d+) characters?\)$/, 'apipat.nid_length', ['n']],
  [/^national id must start with a province code from 001 to 096, not '(\d+)'$/, 'apipat.nid_province', ['code']],
  [/^national id's 4th digit \((\d)\) is for a (woman|man), but gender is '(\w+)'$/, 'apipat.nid_gender', ['d', 'who', 'gender']],
  [/^national id's 4th to 6th digits say born in (\d+), but the birth year is (\d+)$/, 'apipat.nid_year', ['year', 'given']],
  [/^must be from 1900 to (\d+)$/, 'apipat.year_range', ['max']],
  [/^birth_year '(.*)' must be a year such as 1985$/, 'apipat.birth_year', ['v']],
  [/^role '(.*)' must be leader, deputy or member$/, 'apipat.role', ['v']],
  [/^term_(?:from|to) '(.*)' must be a date YYYY-MM-DD$/, 'apipat.term', ['v']],
  [/^national_id is the same as on line (\d+)$/, 'apipat.nid_same_line', ['n']],
  [/^no unit has code '(.*)'$/, 'apipat.unit_code', ['v']],
  [/^you may not add people to '(.*)'$/, 'apipat.unit_forbidden', ['v']],
  [/^this line has (\d+) fields but the header has (\d+)$/, 'apipat.field_count', ['n', 'm']],
  [/^unknown column '(.*?)';/, 'apipat.unknown_column', ['v']],
  [/^missing column '(.*?)';/, 'apipat.missing_column', ['v']],
  [/^column '(.*)' appears twice$/, 'apipat.column_twice', ['v']],
  [/^the file is empty;/, 'apipat.file_empty', []],
];

function fixed(msg) {
  return hasText('apimsg.' + msg) ? t('apimsg.' + msg) : null;
}

// The message in the current (Vietnamese) language, or null.
export function patternText(msg) {
  const f = fixed(msg);
  if (f) return f;
  for (const [re, key, names] of PATTERNS) {
    const m = msg.match(re);
    if (!m) continue;
    const params = {};
    names.forEach((n, i) => { params[n] = m[i + 1]; });
    if (params.who) params.who = t('apipat.who.' + params.who);
    if (params.gender) params.gender = hasText('gender.' + params.gender) ? t('gender.' + params.gender) : params.gender;
    return t(key, params);
  }
  // an import line's "<column> <message>": the column's name, then the message
  const col = msg.match(/^([a-z_]+) (.+)$/);
  if (col && hasText('field.' + col[1])) {
    const rest = patternText(col[2]);
    if (rest) return `${t('field.' + col[1])}: ${rest}`;
  }
  return null;
}
