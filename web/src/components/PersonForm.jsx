// Creating (/people/new) or editing a person: the person's fields, the unit they live in, and a clear
// message next to each field the API refuses (a CCCD that fails its check, taken by someone else, …).
// On edit the CCCD box is empty and a number typed there replaces the one on file.
import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { EMPTY_PERSON, PersonFields, personBody, personFieldErrors, personValues } from './PersonFields.jsx';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';

export function PersonForm({ person, onSaved }) {
  const { units } = useUnits();
  const [values, setValues] = useState(person ? personValues(person) : EMPTY_PERSON);
  const [unitId, setUnitId] = useState(person ? String(person.unit_id) : '');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const places = units ? units.filter((u) => u.kind !== 'province').sort(byName) : [];
  const chosenUnit = unitId || (places[0] ? String(places[0].id) : '');

  const onSubmit = async (e) => {
    e.preventDefault();
    setDone(false);
    setError(null);
    const { body, errors: errs } = personBody(values, { keepNationalId: !!person });
    if (!person && !body.national_id) delete body.national_id;
    body.unit_id = Number(chosenUnit);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const res = person ? await api.patch(`/api/v1/people/${person.id}`, body) : await api.post('/api/v1/people', body);
      setDone(true);
      onSaved(res.data);
    } catch (err) {
      const f = personFieldErrors(fieldErrors(err));
      if (err.code === 'conflict') f.national_id = t('person.national_id_taken');
      setErrors(f);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={onSubmit} noValidate>
      <h2>{person ? t('person.edit') : t('person.details')}</h2>
      <FormError text={error && error.code !== 'conflict' ? errorText(error) : ''} />
      <PersonFields values={values} onChange={setValues} errors={errors} editing={!!person} />
      <Field as="select" label={t('person.unit')} value={chosenUnit} error={errors.unit_id}
        onChange={(e) => setUnitId(e.currentTarget.value)}>
        {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
      </Field>
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !chosenUnit}>{t('action.save')}</button>
        {done && <p class="ok-text" role="status">{t('unit.saved')}</p>}
      </div>
    </form>
  );
}

export function PersonNewPage() {
  usePageTitle(t('people.add'));
  return (
    <section class="page">
      <p class="crumbs"><Link href="/people">{t('people.title')}</Link></p>
      <h1>{t('people.add')}</h1>
      <PersonForm onSaved={(p) => navigate(`/people/${p.id}`, { replace: true })} />
    </section>
  );
}
