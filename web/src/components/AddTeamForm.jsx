// The form that sets up a team on a block or a residential group: where, which kind, and its name
// (suggested from the kind and the place until the user types their own). A second security & order
// team on the same block is refused by the server (409) and said so next to the place.
import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { errorText, fieldErrors } from '../errors.js';
import { TEAM_KINDS } from '../forces.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';

export function AddTeamForm({ places, onCreated }) {
  const [unitId, setUnitId] = useState(places.length ? String(places[0].id) : '');
  const [kind, setKind] = useState('security_order');
  const [name, setName] = useState('');
  const [edited, setEdited] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (places.length === 0) return <p class="muted">{t('teams.no_places')}</p>;
  const place = places.find((u) => String(u.id) === unitId) || places[0];
  const suggested = `${t('team.kind.' + kind)} ${place.name}`;
  const shown = edited ? name : suggested;

  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post('/api/v1/teams', { unit_id: place.id, kind, name: shown.trim() });
      setName('');
      setEdited(false);
      onCreated(res.data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = fieldErrors(error);
  if (error && error.code === 'conflict') fields.unit_id = t('teams.one_security_team');
  return (
    <form class="card form-add" onSubmit={onSubmit} noValidate>
      <h2>{t('teams.add_title')}</h2>
      <FormError text={error && error.code !== 'conflict' ? errorText(error) : ''} />
      <div class="row">
        <Field as="select" label={t('team.place')} value={String(place.id)} error={fields.unit_id}
          onChange={(e) => setUnitId(e.currentTarget.value)}>
          {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
        </Field>
        <Field as="select" label={t('team.kind')} value={kind} error={fields.kind}
          onChange={(e) => setKind(e.currentTarget.value)}>
          {TEAM_KINDS.map((k) => <option key={k} value={k}>{t('team.kind.' + k)}</option>)}
        </Field>
      </div>
      <Field label={t('team.name')} value={shown} error={fields.name} maxlength={200}
        onInput={(e) => { setEdited(true); setName(e.currentTarget.value); }} />
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('teams.add')}</button>
      </div>
    </form>
  );
}
