// The fields of a person, shared by the person form and the "new person" part of adding a member:
// full name, gender, birth date or year, phone, address and CCCD. The API's "fields" errors appear
// next to the field they name (birth_date and birth_year both next to the birth field).
import { t } from '../i18n.js';
import { GENDERS, parseDate } from '../forces.js';
import { Field } from './Field.jsx';

export const EMPTY_PERSON = { full_name: '', gender: '', birth: '', phone: '', address: '', national_id: '' };

// A person from the API as the form's starting values (national id left empty: it is never sent back).
export function personValues(p) {
  const birth = p.birth_date ? p.birth_date.split('-').reverse().join('/') : p.birth_year ? String(p.birth_year) : '';
  return { full_name: p.full_name || '', gender: p.gender || '', birth, phone: p.phone || '', address: p.address || '', national_id: '' };
}

// The values as an API body ({body, errors}): empty optional fields as null (cleared), the birth
// text as birth_date (dd/mm/yyyy) or birth_year (yyyy); errors holds what the browser can tell already.
export function personBody(v, { keepNationalId = false } = {}) {
  const errors = {};
  const body = { full_name: v.full_name.trim(), gender: v.gender || null, birth_date: null, birth_year: null };
  const birth = v.birth.trim();
  if (/^\d{4}$/.test(birth)) body.birth_year = Number(birth);
  else if (birth) {
    const iso = parseDate(birth);
    if (iso) body.birth_date = iso;
    else errors.birth = t('person.birth_malformed');
  }
  body.phone = v.phone.trim() || null;
  body.address = v.address.trim() || null;
  const nid = v.national_id.replace(/\s+/g, '');
  if (nid) body.national_id = nid;
  else if (!keepNationalId) body.national_id = null;
  return { body, errors };
}

// Field errors of an answer mapped onto the form's names.
export function personFieldErrors(fields) {
  const out = { ...fields };
  if (fields.birth_date || fields.birth_year) out.birth = fields.birth_date || fields.birth_year;
  return out;
}

export function PersonFields({ values, onChange, errors, editing = false, prefix = 'person' }) {
  const set = (k) => (e) => onChange({ ...values, [k]: e.currentTarget.value });
  return (
    <>
      <Field id={`${prefix}-name`} label={t('person.full_name')} value={values.full_name} error={errors.full_name}
        maxlength={200} autocomplete="off" onInput={set('full_name')} />
      <div class="row">
        <Field id={`${prefix}-gender`} as="select" label={t('person.gender')} value={values.gender} error={errors.gender}
          onChange={set('gender')}>
          <option value="">{t('person.gender_unknown')}</option>
          {GENDERS.map((g) => <option key={g} value={g}>{t('gender.' + g)}</option>)}
        </Field>
        <Field id={`${prefix}-birth`} label={t('person.birth')} hint={t('person.birth_hint')} value={values.birth}
          error={errors.birth} maxlength={10} inputmode="numeric" autocomplete="off" onInput={set('birth')} />
      </div>
      <div class="row">
        <Field id={`${prefix}-phone`} label={t('person.phone')} type="tel" value={values.phone} error={errors.phone}
          maxlength={20} autocomplete="off" onInput={set('phone')} />
        <Field id={`${prefix}-nid`} label={editing ? t('person.national_id_new') : t('person.national_id')}
          hint={t('person.national_id_hint')} value={values.national_id} error={errors.national_id}
          inputmode="numeric" maxlength={12} autocomplete="off" spellcheck={false} onInput={set('national_id')} />
      </div>
      <Field id={`${prefix}-address`} label={t('person.address')} value={values.address} error={errors.address}
        maxlength={500} onInput={set('address')} />
    </>
  );
}
