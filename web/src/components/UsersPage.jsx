// Accounts (/users, administrators): every account in the administrator's scope with its roles (on a
// unit, a team, or the whole installation), and the form to create one with a role on a unit (or the
// whole installation, for an admin role).
import { useState } from 'preact/hooks';
import { t, formatNumber } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { USER_ROLES } from '../forces.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';
import { isInstallationAdmin } from './ApiKeysPage.jsx';

// Where a grant lies: a team (with its block or group), a unit, or the whole installation.
export function grantPlace(g) {
  if (g.team_id) {
    const team = g.team_name || t('home.on_team', { id: g.team_id });
    return g.unit_name ? t('user.team_place', { team, unit: g.unit_name }) : team;
  }
  return g.unit_name ? g.unit_name : t('home.everywhere');
}

export function grantText(g) {
  return `${t('role.' + g.role)} — ${grantPlace(g)}`;
}

// Role and unit selects, shared by "create an account" and "add a role" (which may leave the unit out,
// `noUnit`, and put a team choice after the role instead: `children`).
export function RoleOnUnit({ role, unitId, onRole, onUnit, units, errors, noUnit = false, children }) {
  const places = units.filter((u) => u.kind !== 'province' || role === 'admin').sort(byName);
  return (
    <div class="row">
      <Field as="select" label={t('user.role')} value={role} error={errors.role} onChange={(e) => onRole(e.currentTarget.value)}>
        {USER_ROLES.map((r) => <option key={r} value={r}>{t('role.' + r)}</option>)}
      </Field>
      {children}
      {!noUnit && (
        <Field as="select" label={t('user.unit')} value={unitId} error={errors.unit_id} onChange={(e) => onUnit(e.currentTarget.value)}>
          {role === 'admin' && <option value="">{t('home.everywhere')}</option>}
          {places.map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
        </Field>
      )}
    </div>
  );
}

function AddUserForm({ units, onCreated }) {
  const [username, setUsername] = useState('');
  const [display, setDisplay] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('officer');
  const [unitId, setUnitId] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const firstUnit = units.find((u) => u.kind === 'commune') || units[0];
  const unit = unitId || (role === 'admin' ? '' : firstUnit ? String(firstUnit.id) : '');
  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { username: username.trim(), password, role };
      if (display.trim()) body.display_name = display.trim();
      if (unit) body.unit_id = Number(unit);
      const res = await api.post('/api/v1/users', body);
      onCreated(res.data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = fieldErrors(error);
  if (error && error.code === 'conflict') fields.username = t('user.username_taken');
  return (
    <form class="card form-add" onSubmit={onSubmit} noValidate>
      <h2>{t('users.add')}</h2>
      <FormError text={error && error.code !== 'conflict' ? errorText(error) : ''} />
      <div class="row">
        <Field label={t('login.username')} hint={t('user.username_hint')} value={username} error={fields.username}
          autocapitalize="none" spellcheck={false} maxlength={64} autocomplete="off" onInput={(e) => setUsername(e.currentTarget.value)} />
        <Field label={t('user.display_name')} value={display} error={fields.display_name} maxlength={200}
          onInput={(e) => setDisplay(e.currentTarget.value)} />
      </div>
      <Field label={t('user.password')} hint={t('user.password_hint')} type="password" autocomplete="new-password"
        value={password} error={fields.password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <RoleOnUnit role={role} unitId={unit} units={units} errors={fields}
        onRole={(r) => { setRole(r); setUnitId(''); }} onUnit={setUnitId} />
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('users.create')}</button>
      </div>
    </form>
  );
}

export function UsersPage({ user }) {
  usePageTitle(t('users.title'));
  const list = useFetch('/api/v1/users', { all: true });
  const { units } = useUnits();
  const users = list.body ? list.body.data : null;
  return (
    <section class="page">
      <h1>{t('users.title')}</h1>
      {isInstallationAdmin(user) && <p><Link href="/settings/api-keys">{t('apikeys.link')}</Link></p>}
      <FormError text={list.error ? errorText(list.error) : ''} />
      {!users && !list.error && <p role="status">{t('app.loading')}</p>}
      {users && (
        <div class="card">
          <h2>{t('users.count', { n: formatNumber(users.length) })}</h2>
          <ul class="record-list">
            {users.map((u) => (
              <li key={u.id}>
                <Link href={`/users/${u.id}`} class="record-title">{u.display_name || u.username}</Link>
                {u.disabled && <span class="badge badge-off">{t('user.disabled')}</span>}
                <div class="record-meta">
                  <span class="code">{u.username}</span>
                  {u.grants.map((g) => <span key={g.id}>{grantText(g)}</span>)}
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
      {units && <AddUserForm units={units} onCreated={(u) => navigate(`/users/${u.id}`)} />}
    </section>
  );
}
