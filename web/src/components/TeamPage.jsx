// One team (/teams/:id): its kind and place, the rules it breaks (prominently, in Vietnamese, with
// the law), its members with role, term and age at appointment, adding a member, the CSV import of
// members, renaming and deleting the team; and the "Lịch sử" tab. A team the user may not see is 404.
import { useState } from 'preact/hooks';
import { t, formatNumber, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { can } from '../forces.js';
import { canPatrols } from '../patrols.js';
import { AddMemberForm } from './AddMemberForm.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { HistoryList } from './HistoryList.jsx';
import { LoadState } from './LoadState.jsx';
import { RecordTabs } from './RecordTabs.jsx';
import { TeamKind } from './TeamKind.jsx';
import { TeamMembers } from './TeamMembers.jsx';
import { TeamWarnings } from './TeamWarnings.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

function TeamRules({ team, warnings }) {
  if (warnings.length) return <TeamWarnings warnings={warnings} />;
  return <p class="alert alert-ok" role="status">{t('team.rules_ok')}</p>;
}

function RenameTeam({ team, onSaved }) {
  const [name, setName] = useState(team.name);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    try {
      await api.patch(`/api/v1/teams/${team.id}`, { name: name.trim() });
      setDone(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const fields = fieldErrors(error);
  return (
    <form class="card" onSubmit={onSubmit} noValidate>
      <h2>{t('team.rename')}</h2>
      <FormError text={error ? errorText(error) : ''} />
      <Field label={t('team.name')} value={name} error={fields.name} maxlength={200} onInput={(e) => setName(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn btn-primary">{t('action.save')}</button>
        {done && <p class="ok-text" role="status">{t('unit.saved')}</p>}
      </div>
    </form>
  );
}

function DeleteTeam({ team }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState(null);
  const onDelete = async () => {
    setError(null);
    try {
      await api.del(`/api/v1/teams/${team.id}`);
      navigate('/teams');
    } catch (err) {
      setError(err);
      setConfirming(false);
    }
  };
  return (
    <div class="card danger-zone">
      <h2>{t('team.delete_title')}</h2>
      <FormError text={error ? (error.code === 'conflict' ? t('team.delete_conflict') : errorText(error)) : ''} />
      {!confirming ? (
        <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>{t('action.delete')}</button>
      ) : (
        <div class="confirm" role="group" aria-label={t('team.delete_title')}>
          <p>{t('team.delete_confirm', { name: team.name })}</p>
          <div class="actions">
            <button type="button" class="btn btn-danger" onClick={onDelete}>{t('action.delete')}</button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>{t('action.cancel')}</button>
          </div>
        </div>
      )}
    </div>
  );
}

export function TeamPage({ params, query, user }) {
  const id = encodeURIComponent(params.id);
  const [showPast, setShowPast] = useState(false);
  const team = useFetch(`/api/v1/teams/${id}`);
  const members = useFetch(team.body ? `/api/v1/teams/${id}/members${showPast ? '?all=1' : ''}` : null);
  const allMembers = useFetch(team.body && query.get('tab') === 'history' ? `/api/v1/teams/${id}/members?all=1` : null);
  usePageTitle(team.body ? team.body.data.name : t('teams.title'));
  const waiting = <LoadState fetch={team} title={t('teams.title')} notFound={t('team.not_found')} />;
  if (!team.body) return waiting;

  const tm = team.body.data;
  const editable = can(user, 'teams_write');
  const reload = () => { team.reload(); members.reload(); };
  const tab = query.get('tab');
  const warnings = members.body ? members.body.warnings || [] : tm.warnings || [];
  const list = members.body ? members.body.data : null;
  return (
    <section class="page">
      <p class="crumbs"><Link href="/teams">{t('teams.title')}</Link></p>
      <h1>{tm.name}</h1>
      <dl class="facts">
        <div><dt>{t('team.kind')}</dt><dd><TeamKind kind={tm.kind} /></dd></div>
        <div><dt>{t('team.place')}</dt><dd><Link href={`/units/${tm.unit_id}`}>{tm.unit_name}</Link></dd></div>
        <div><dt>{t('team.members')}</dt><dd>{formatNumber(tm.member_count)}</dd></div>
        <div><dt>{t('unit.updated_at')}</dt><dd>{formatDateTime(tm.updated_at)}</dd></div>
      </dl>
      <RecordTabs base={`/teams/${tm.id}`} tab={tab} user={user} />
      {tab === 'history' ? (
        allMembers.body
          ? <HistoryList sources={[{ entity: 'team', id: tm.id }, ...allMembers.body.data.map((m) => ({ entity: 'team_member', id: m.id, label: m.full_name }))]} />
          : <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <TeamRules team={tm} warnings={warnings} />
          {canPatrols(user) && <p class="links-row"><Link href={`/teams/${tm.id}/roster`}>{t('roster.link')}</Link></p>}
          <div class="card">
            <div class="card-head">
              <h2>{t('team.members_title')}</h2>
              <label class="check">
                <input type="checkbox" checked={showPast} onChange={(e) => setShowPast(e.currentTarget.checked)} />
                {' '}{t('member.show_past')}
              </label>
            </div>
            <FormError text={members.error ? errorText(members.error) : ''} />
            {!list && !members.error && <p role="status">{t('app.loading')}</p>}
            {list && <TeamMembers teamId={tm.id} members={list} editable={editable} onChanged={reload} />}
          </div>
          {editable && <AddMemberForm team={tm} onAdded={reload} />}
          {editable && (
            <p class="links-row"><Link href={`/teams/${tm.id}/import`}>{t('member.import_link')}</Link></p>
          )}
          {editable && <RenameTeam key={tm.id} team={tm} onSaved={team.reload} />}
          {editable && <DeleteTeam team={tm} />}
        </>
      )}
    </section>
  );
}
