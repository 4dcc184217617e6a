// Organisations (/organisations): the ward's partners — police, Fatherland Front committee, unions,
// schools, … — grouped by kind (?kind= shows one), and the form to add one on a unit.
import { useState } from 'preact/hooks';
import { t, formatNumber } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { ORG_KINDS, can, qs } from '../forces.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';

// Name, kind and unit of an organisation; used to add one and to edit one.
export function OrganisationForm({ org, units, onSaved, title }) {
  const places = units.filter((u) => u.kind !== 'province').sort(byName);
  const [unitId, setUnitId] = useState(org ? String(org.unit_id) : places[0] ? String(places[0].id) : '');
  const [kind, setKind] = useState(org ? org.kind : 'fatherland_front');
  const [name, setName] = useState(org ? org.name : '');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const body = { unit_id: Number(unitId), kind, name: name.trim() };
      const res = org ? await api.patch(`/api/v1/organisations/${org.id}`, body) : await api.post('/api/v1/organisations', body);
      if (!org) setName('');
      setDone(org ? t('unit.saved') : t('unit.created', { name: res.data.name }));
      onSaved(res.data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = fieldErrors(error);
  return (
    <form class={'card' + (org ? '' : ' form-add')} onSubmit={onSubmit} noValidate>
      <h2>{title}</h2>
      <FormError text={error ? errorText(error) : ''} />
      <div class="row">
        <Field as="select" label={t('org.kind')} value={kind} error={fields.kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {ORG_KINDS.map((k) => <option key={k} value={k}>{t('org.kind.' + k)}</option>)}
        </Field>
        <Field as="select" label={t('org.unit')} value={unitId} error={fields.unit_id} onChange={(e) => setUnitId(e.currentTarget.value)}>
          {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
        </Field>
      </div>
      <Field label={t('org.name')} value={name} error={fields.name} maxlength={200} onInput={(e) => setName(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{org ? t('action.save') : t('action.add')}</button>
        {done && <p class="ok-text" role="status">{done}</p>}
      </div>
    </form>
  );
}

export function OrganisationsPage({ query, user }) {
  usePageTitle(t('orgs.title'));
  const kind = query.get('kind') || '';
  const list = useFetch('/api/v1/organisations' + qs({ kind }), { all: true });
  const { units } = useUnits();
  const orgs = list.body ? list.body.data : null;
  const kinds = ORG_KINDS.filter((k) => orgs && orgs.some((o) => o.kind === k));
  const unitName = (id) => { const u = units && units.find((x) => x.id === id); return u ? u.name : ''; };
  return (
    <section class="page">
      <h1>{t('orgs.title')}</h1>
      <div class="field field-inline">
        <label for="orgs-kind">{t('org.kind')}</label>
        <select id="orgs-kind" value={kind} onChange={(e) => navigate('/organisations' + qs({ kind: e.currentTarget.value }), { replace: true })}>
          <option value="">{t('orgs.all_kinds')}</option>
          {ORG_KINDS.map((k) => <option key={k} value={k}>{t('org.kind.' + k)}</option>)}
        </select>
      </div>
      <FormError text={list.error ? errorText(list.error) : ''} />
      {!orgs && !list.error && <p role="status">{t('app.loading')}</p>}
      {orgs && orgs.length === 0 && <p class="card">{t('orgs.empty')}</p>}
      {orgs && kinds.map((k) => {
        const these = orgs.filter((o) => o.kind === k).sort(byName);
        return (
          <div class="card" key={k}>
            <h2>{t('org.kind.' + k)} <span class="muted count">({formatNumber(these.length)})</span></h2>
            <ul class="record-list">
              {these.map((o) => (
                <li key={o.id}>
                  <Link href={`/organisations/${o.id}`} class="record-title">{o.name}</Link>
                  <div class="record-meta"><span class="muted">{unitName(o.unit_id)}</span></div>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {can(user, 'orgs_write') && units && (
        <OrganisationForm units={units} title={t('orgs.add')} onSaved={() => list.reload()} />
      )}
    </section>
  );
}
