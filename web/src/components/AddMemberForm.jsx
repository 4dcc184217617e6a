// Adding a member to a team: an existing person (searched without tones) or a new one typed here
// (created in the team's block or group first), the role (Tổ trưởng, Tổ phó, Tổ viên) and the term
// (from today unless told otherwise). The team's warnings are reloaded by the caller afterwards.
import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorText, fieldErrors } from '../errors.js';
import { MEMBER_ROLES, parseDate, todayIso } from '../forces.js';
import { DateField, isoToText } from './DateField.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { EMPTY_PERSON, PersonFields, personBody, personFieldErrors } from './PersonFields.jsx';
import { PersonPicker } from './PersonPicker.jsx';

export function AddMemberForm({ team, onAdded }) {
  const [mode, setMode] = useState('existing');
  const [person, setPerson] = useState(null);
  const [values, setValues] = useState(EMPTY_PERSON);
  const [role, setRole] = useState('member');
  const [from, setFrom] = useState(isoToText(todayIso()));
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');

  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone('');
    const errs = {};
    const termFrom = parseDate(from);
    const termTo = parseDate(to);
    if (!termFrom) errs.term_from = t('date.malformed');
    if (termTo === null) errs.term_to = t('date.malformed');
    let pbody = null;
    if (mode === 'new') {
      const pb = personBody(values);
      Object.assign(errs, pb.errors);
      pbody = { ...pb.body, unit_id: team.unit_id };
      if (!pbody.national_id) delete pbody.national_id;
    } else if (!person) {
      errs.person = t('member.pick_needed');
    }
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    let chosen = person;
    try {
      if (mode === 'new') {
        try {
          chosen = (await api.post('/api/v1/people', pbody)).data;
        } catch (err) {
          setErrors(personFieldErrors(fieldErrors(err)));
          if (err.code === 'conflict') setErrors({ national_id: t('person.national_id_taken') });
          setError(err);
          return;
        }
        // the person exists now: a retry must not create them twice
        setPerson(chosen);
        setMode('existing');
        setValues(EMPTY_PERSON);
      }
      const body = { person_id: chosen.id, role, term_from: termFrom };
      if (termTo) body.term_to = termTo;
      await api.post(`/api/v1/teams/${team.id}/members`, body);
      setPerson(null);
      setRole('member');
      setTo('');
      setDone(t('member.added', { name: chosen.full_name }));
      onAdded();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const formError = error ? (error.code === 'conflict' && mode === 'existing' ? t('member.conflict') : errorText(error)) : '';
  return (
    <form class="card form-add" onSubmit={onSubmit} noValidate aria-labelledby="add-member-title">
      <h2 id="add-member-title">{t('member.add_title')}</h2>
      <FormError text={formError} />
      <fieldset class="choice">
        <legend>{t('member.who')}</legend>
        <label><input type="radio" name="member-mode" value="existing" checked={mode === 'existing'}
          onChange={() => setMode('existing')} /> {t('member.existing')}</label>
        <label><input type="radio" name="member-mode" value="new" checked={mode === 'new'}
          onChange={() => setMode('new')} /> {t('member.new_person')}</label>
      </fieldset>
      {mode === 'existing' ? (
        <>
          <PersonPicker selected={person} onSelect={setPerson} />
          {errors.person && <p class="error-text" role="alert">{errors.person}</p>}
        </>
      ) : (
        <PersonFields values={values} onChange={setValues} errors={errors} prefix="new-member" />
      )}
      <div class="row">
        <Field as="select" label={t('member.role')} value={role} error={errors.role}
          onChange={(e) => setRole(e.currentTarget.value)}>
          {MEMBER_ROLES.map((r) => <option key={r} value={r}>{t('member.role.' + r)}</option>)}
        </Field>
        <DateField label={t('member.term_from')} value={from} onInput={setFrom} error={errors.term_from} />
        <DateField label={t('member.term_to')} value={to} onInput={setTo} error={errors.term_to} />
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('member.add')}</button>
        {done && <p class="ok-text" role="status">{done}</p>}
      </div>
    </form>
  );
}
