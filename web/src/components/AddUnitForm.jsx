// The form that adds a block under a commune or a group under a block: kind, parent, code, name.
// Errors from the API appear next to the fields they name; a taken code next to the code.
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorText, fieldErrors } from '../errors.js';
import { Field, useFocusInvalid } from './Field.jsx';
import { FormError } from './FormError.jsx';

const CHILD_KIND = { province: 'commune', commune: 'block', block: 'group' };

// units: every unit the user sees; parents are those that can hold a block or a group.
export function AddUnitForm({ units, fixedParent, onCreated }) {
  const parents = fixedParent ? [fixedParent] : units.filter((u) => u.kind === 'commune' || u.kind === 'block');
  const [parentId, setParentId] = useState(parents.length ? String(parents[0].id) : '');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const formRef = useRef(null);
  useFocusInvalid(formRef, error);
  if (parents.length === 0) return null;
  const parent = parents.find((u) => String(u.id) === parentId) || parents[0];
  const kind = CHILD_KIND[parent.kind];

  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const res = await api.post('/api/v1/units', { parent_id: parent.id, kind, code: code.trim(), name: name.trim() });
      setCode('');
      setName('');
      setDone(t('unit.created', { name: res.data.name }));
      onCreated && onCreated(res.data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fields = fieldErrors(error);
  if (error && error.code === 'conflict') fields.code = t('unit.code_taken');
  const formError = error && !(error.code === 'conflict') ? errorText(error) : '';
  return (
    <form class="card form-add" ref={formRef} onSubmit={onSubmit} noValidate>
      <h2>{fixedParent ? t('unit.add_child.' + kind) : t('unit.add_title')}</h2>
      <FormError text={formError} />
      {!fixedParent && (
        <Field as="select" label={t('unit.parent')} value={parentId} error={fields.parent_id || fields.kind}
          onChange={(e) => setParentId(e.currentTarget.value)}>
          {parents.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {t('unit.add_under', { kind: t('unit.kind.' + CHILD_KIND[u.kind]), parent: u.name })}
            </option>
          ))}
        </Field>
      )}
      <div class="row">
        <Field label={t('unit.code')} hint={t('unit.code_hint')} value={code} error={fields.code}
          autocapitalize="characters" spellcheck={false} maxlength={32}
          onInput={(e) => setCode(e.currentTarget.value)} />
        <Field label={t('unit.name')} value={name} error={fields.name} maxlength={200}
          onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('action.add')}</button>
        {done && <p class="ok-text" role="status">{done}</p>}
      </div>
    </form>
  );
}
