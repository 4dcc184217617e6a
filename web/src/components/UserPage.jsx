// One account (/users/:id, administrators): its roles with "Thu hồi" (revoke) and a form to add one on
// a unit or, for a team leader, member or viewer, on one team; a new password (their sessions end),
// disabling or enabling the account, who the account is (a person of the People register, the
// organisation a coordinator speaks for), and "Lịch sử".
import { useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { HistoryList } from './HistoryList.jsx';
import { LoadState } from './LoadState.jsx';
import { PersonPicker } from './PersonPicker.jsx';
import { RecordTabs } from './RecordTabs.jsx';
import { RoleOnUnit, grantText } from './UsersPage.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { useUnits } from './useUnits.js';

// The roles the server gives on a team; admin, officer and coordinator act on units only.
const TEAM_ROLES = ['team_leader', 'member', 'viewer'];

// "On a unit" or "on a team", and the team select (teams the administrator sees, by name).
function TeamChoice({ on, onOn, list, teams, team, onTeam, errors }) {
  return (
    <>
      <fieldset class="choice">
        <legend>{t('user.grant_on')}</legend>
        <label><input type="radio" name="grant-on" value="unit" checked={on === 'unit'}
          onChange={() => onOn('unit')} /> {t('user.on_unit')}</label>
        <label><input type="radio" name="grant-on" value="team" checked={on === 'team'}
          onChange={() => onOn('team')} /> {t('user.on_team')}</label>
      </fieldset>
      {on === 'team' && list.error && <FormError text={errorText(list.error)} />}
      {on === 'team' && !teams && !list.error && <p role="status">{t('app.loading')}</p>}
      {on === 'team' && teams && teams.length === 0 && <p>{t('user.no_teams')}</p>}
      {on === 'team' && teams && teams.length > 0 && (
        <Field as="select" label={t('user.team')} value={team} error={errors.team_id}
          onChange={(e) => onTeam(e.currentTarget.value)}>
          {teams.map((tm) => <option key={tm.id} value={String(tm.id)}>{t('user.team_place', { team: tm.name, unit: tm.unit_name })}</option>)}
        </Field>
      )}
    </>
  );
}

function Grants({ account, units, onChanged }) {
  const [role, setRole] = useState('viewer');
  const [unitId, setUnitId] = useState('');
  const [on, setOn] = useState('unit');
  const [teamId, setTeamId] = useState('');
  const [error, setError] = useState(null);
  const first = units.find((u) => u.kind === 'commune') || units[0];
  const unit = unitId || (role === 'admin' ? '' : first ? String(first.id) : '');
  const onTeam = on === 'team' && TEAM_ROLES.includes(role);
  const list = useFetch(onTeam ? '/api/v1/teams' : null, { all: true });
  const teams = list.body ? [...list.body.data].sort((a, b) => a.name.localeCompare(b.name, 'vi')) : null;
  const team = teamId || (teams && teams[0] ? String(teams[0].id) : '');
  const revoke = async (g) => {
    setError(null);
    try { await api.del(`/api/v1/users/${account.id}/grants/${g.id}`); onChanged(); } catch (err) { setError(err); }
  };
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { role };
      if (onTeam) {
        if (team) body.team_id = Number(team);
      } else if (unit) body.unit_id = Number(unit);
      await api.post(`/api/v1/users/${account.id}/grants`, body);
      onChanged();
    } catch (err) { setError(err); }
  };
  const fields = fieldErrors(error);
  return (
    <div class="card">
      <h2>{t('user.grants')}</h2>
      <FormError text={error ? (error.code === 'conflict' ? t(onTeam ? 'user.grant_taken_team' : 'user.grant_taken') : errorText(error)) : ''} />
      {account.grants.length === 0 ? <p>{t('home.no_grants')}</p> : (
        <ul class="record-list">
          {account.grants.map((g) => (
            <li key={g.id} class="line-with-action">
              <span>{grantText(g)}</span>
              <button type="button" class="btn btn-small" aria-label={t('user.revoke_named', { grant: grantText(g) })}
                onClick={() => revoke(g)}>{t('user.revoke')}</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} noValidate class="subform">
        <h3>{t('user.grant_add')}</h3>
        <RoleOnUnit role={role} unitId={unit} units={units} errors={fields} onRole={(r) => { setRole(r); setUnitId(''); }} onUnit={setUnitId}
          noUnit={onTeam}>
          {TEAM_ROLES.includes(role) && (
            <TeamChoice on={on} onOn={setOn} list={list} teams={teams} team={team} onTeam={setTeamId} errors={fields} />
          )}
        </RoleOnUnit>
        <button type="submit" class="btn btn-primary">{t('user.grant')}</button>
      </form>
    </div>
  );
}

// Who the account is: the person (team members and leaders) and the organisation (coordinators).
function AccountLinks({ account, onChanged }) {
  const [person, setPerson] = useState(null);
  const [orgId, setOrgId] = useState('');
  const [error, setError] = useState(null);
  const orgs = useFetch('/api/v1/organisations', { all: true });
  const save = async (body) => {
    setError(null);
    try { await api.patch(`/api/v1/users/${account.id}`, body); setPerson(null); setOrgId(''); onChanged(); } catch (err) { setError(err); }
  };
  const fields = fieldErrors(error);
  const list = orgs.body ? [...orgs.body.data].sort((a, b) => a.name.localeCompare(b.name, 'vi')) : [];
  return (
    <div class="card">
      <h2>{t('user.links')}</h2>
      <p class="hint">{t('user.links_explain')}</p>
      <FormError text={error ? (error.code === 'conflict' ? t('user.person_taken') : fields.person_id || fields.organisation_id || errorText(error)) : ''} />
      <dl class="facts">
        <div><dt>{t('user.person')}</dt><dd>{account.person_id ? (account.person_name || '#' + account.person_id) : t('user.none')}</dd></div>
        <div><dt>{t('user.organisation')}</dt><dd>{account.organisation_id ? (account.organisation_name || '#' + account.organisation_id) : t('user.none')}</dd></div>
      </dl>
      <div class="subform">
        <h3>{t('user.person_link')}</h3>
        <PersonPicker id="link-person" selected={person} onSelect={setPerson} />
        <div class="actions">
          {person && <button type="button" class="btn btn-primary" onClick={() => save({ person_id: person.id })}>{t('user.person_save')}</button>}
          {account.person_id && <button type="button" class="btn" onClick={() => save({ person_id: null })}>{t('user.person_unlink')}</button>}
        </div>
      </div>
      <div class="subform">
        <h3>{t('user.organisation_link')}</h3>
        <Field as="select" label={t('user.organisation')} value={orgId} error={fields.organisation_id}
          onChange={(e) => setOrgId(e.currentTarget.value)}>
          <option value="">{t('user.choose')}</option>
          {list.map((o) => <option key={o.id} value={String(o.id)}>{o.name}</option>)}
        </Field>
        <div class="actions">
          <button type="button" class="btn btn-primary" disabled={!orgId} onClick={() => save({ organisation_id: Number(orgId) })}>{t('user.organisation_save')}</button>
          {account.organisation_id && <button type="button" class="btn" onClick={() => save({ organisation_id: null })}>{t('user.organisation_unlink')}</button>}
        </div>
      </div>
    </div>
  );
}

function ResetPassword({ account }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    try {
      await api.post(`/api/v1/users/${account.id}/password`, { password });
      setPassword('');
      setDone(true);
    } catch (err) { setError(err); }
  };
  const fields = fieldErrors(error);
  return (
    <form class="card" onSubmit={onSubmit} noValidate>
      <h2>{t('user.reset_password')}</h2>
      <p class="hint">{t('user.reset_explain')}</p>
      <FormError text={error ? errorText(error) : ''} />
      <Field label={t('user.new_password')} hint={t('user.password_hint')} type="password" autocomplete="new-password"
        value={password} error={fields.password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn btn-primary">{t('user.reset_password')}</button>
        {done && <p class="ok-text" role="status">{t('user.password_done')}</p>}
      </div>
    </form>
  );
}

function DisableAccount({ account, onChanged }) {
  const [error, setError] = useState(null);
  const toggle = async () => {
    setError(null);
    try {
      await api.patch(`/api/v1/users/${account.id}`, { disabled: !account.disabled });
      onChanged();
    } catch (err) { setError(err); }
  };
  const fields = fieldErrors(error);
  return (
    <div class={'card' + (account.disabled ? '' : ' danger-zone')}>
      <h2>{account.disabled ? t('user.enable_title') : t('user.disable_title')}</h2>
      <p>{account.disabled ? t('user.enable_explain') : t('user.disable_explain')}</p>
      <FormError text={fields.disabled || (error ? errorText(error) : '')} />
      <button type="button" class={'btn ' + (account.disabled ? 'btn-primary' : 'btn-danger')} onClick={toggle}>
        {account.disabled ? t('user.enable') : t('user.disable')}
      </button>
    </div>
  );
}

export function UserPage({ params, query, user }) {
  const acc = useFetch(`/api/v1/users/${encodeURIComponent(params.id)}`);
  const { units } = useUnits();
  usePageTitle(acc.body ? acc.body.data.display_name || acc.body.data.username : t('users.title'));
  if (!acc.body) return <LoadState fetch={acc} title={t('users.title')} notFound={t('user.not_found')} />;
  const a = acc.body.data;
  const tab = query.get('tab');
  return (
    <section class="page">
      <p class="crumbs"><Link href="/users">{t('users.title')}</Link></p>
      <h1>{a.display_name || a.username}</h1>
      <dl class="facts">
        <div><dt>{t('login.username')}</dt><dd class="code">{a.username}</dd></div>
        <div><dt>{t('user.state')}</dt><dd>{a.disabled ? t('user.disabled') : t('user.active')}</dd></div>
        <div><dt>{t('user.totp')}</dt><dd>{a.totp_enabled ? t('common.yes') : t('common.no')}</dd></div>
        <div><dt>{t('unit.created_at')}</dt><dd>{formatDateTime(a.created_at)}</dd></div>
      </dl>
      <RecordTabs base={`/users/${a.id}`} tab={tab} user={user} />
      {tab === 'history' ? <HistoryList sources={[{ entity: 'user', id: a.id }]} /> : (
        <>
          {units && <Grants account={a} units={units} onChanged={acc.reload} />}
          <AccountLinks account={a} onChanged={acc.reload} />
          <ResetPassword account={a} />
          {a.id !== user.id && <DisableAccount account={a} onChanged={acc.reload} />}
        </>
      )}
    </section>
  );
}
