// "Mở vụ việc": a new case (category, occurred at, place, source, summary, and the block it belongs
// to), posted to POST /api/v1/cases. Used on the cases page and, prefilled from a tip, on a tip's page.
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorText, fieldErrors } from '../errors.js';
import { parseDate, todayIso } from '../forces.js';
import { CASE_CATEGORIES, CASE_SOURCES } from '../tips.js';
import { DateField, isoToText } from './DateField.jsx';
import { Field, useFocusInvalid } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useUnits, byName } from './useUnits.js';

export function CaseForm({ initial = {}, onCreated, onCancel }) {
  const { units } = useUnits();
  const [v, setV] = useState({
    unit_id: initial.unit_id ? String(initial.unit_id) : '', category: initial.category || '',
    occurred: isoToText(todayIso()), place: initial.place || '', source: initial.source || '', summary: initial.summary || '',
  });
  const [error, setError] = useState(null);
  const [dateErr, setDateErr] = useState('');
  const formRef = useRef(null);
  useFocusInvalid(formRef, error || dateErr);
  const set = (k) => (e) => setV({ ...v, [k]: typeof e === 'string' ? e : e.currentTarget.value });
  const places = units ? units.filter((u) => u.kind !== 'province').sort(byName) : [];
  if (!v.unit_id && places.length === 1) v.unit_id = String(places[0].id);

  const onSubmit = async (e) => {
    e.preventDefault();
    const day = parseDate(v.occurred);
    if (day === null) { setDateErr(t('inbox.date_invalid')); return; }
    setDateErr('');
    setError(null);
    const body = { summary: v.summary.trim() };
    if (v.unit_id) body.unit_id = Number(v.unit_id);
    if (v.category) body.category = v.category;
    if (v.source) body.source = v.source;
    if (day) body.occurred_at = day;
    if (v.place.trim()) body.place = v.place.trim();
    try {
      const res = await api.post('/api/v1/cases', body);
      onCreated(res.data);
    } catch (err) { setError(err); }
  };
  const fe = fieldErrors(error);
  return (
    <form ref={formRef} class="case-form" onSubmit={onSubmit} noValidate>
      <h3>{t('cases.new')}</h3>
      <FormError text={error ? errorText(error) : ''} />
      <div class="filter-grid">
        <Field as="select" label={t('case.unit')} value={v.unit_id} error={fe.unit_id} onChange={set('unit_id')}>
          <option value="">{t('case.pick')}</option>
          {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
        </Field>
        <Field as="select" label={t('case.category')} value={v.category} error={fe.category} onChange={set('category')}>
          <option value="">{t('case.pick')}</option>
          {CASE_CATEGORIES.map((c) => <option key={c} value={c}>{t('casecat.' + c)}</option>)}
        </Field>
        <Field as="select" label={t('case.source')} value={v.source} error={fe.source} onChange={set('source')}>
          <option value="">{t('case.pick')}</option>
          {CASE_SOURCES.map((c) => <option key={c} value={c}>{t('casesource.' + c)}</option>)}
        </Field>
        <DateField label={t('case.occurred')} value={v.occurred} error={dateErr || fe.occurred_at} onInput={set('occurred')} />
      </div>
      <Field label={t('case.place')} value={v.place} error={fe.place} maxlength={300} onInput={set('place')} />
      <Field as="textarea" label={t('case.summary')} value={v.summary} error={fe.summary} rows={4} maxlength={4000} onInput={set('summary')} />
      <div class="actions">
        <button type="submit" class="btn btn-primary">{t('cases.create')}</button>
        {onCancel && <button type="button" class="btn" onClick={onCancel}>{t('action.cancel')}</button>}
      </div>
    </form>
  );
}
