// A team's members: name, role, term and age at appointment, with — for those who may change the
// roster — "Sửa" (role and term), "Kết thúc nhiệm kỳ" (the term ends today) and "Xóa khỏi tổ" (a
// mistaken entry). Every change calls onChanged so the page reloads the roster and its warnings.
import { useState } from 'preact/hooks';
import { t, formatDate } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { MEMBER_ROLES, parseDate, todayIso } from '../forces.js';
import { DateField, isoToText } from './DateField.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';

function termText(m) {
  return m.term_to
    ? t('member.term_range', { from: formatDate(m.term_from), to: formatDate(m.term_to) })
    : t('member.term_open', { from: formatDate(m.term_from) });
}

function MemberEditForm({ teamId, member, onDone, onCancel }) {
  const [role, setRole] = useState(member.role);
  const [from, setFrom] = useState(isoToText(member.term_from));
  const [to, setTo] = useState(isoToText(member.term_to));
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault();
    const termFrom = parseDate(from);
    const termTo = parseDate(to);
    const errs = {};
    if (!termFrom) errs.term_from = t('date.malformed');
    if (termTo === null) errs.term_to = t('date.malformed');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/api/v1/teams/${teamId}/members/${member.id}`, { role, term_from: termFrom, term_to: termTo || null });
      onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form class="member-edit" onSubmit={onSubmit} noValidate aria-label={t('member.edit_named', { name: member.full_name })}>
      <FormError text={error ? errorText(error) : ''} />
      <div class="row">
        <Field as="select" label={t('member.role')} value={role} error={errors.role} onChange={(e) => setRole(e.currentTarget.value)}>
          {MEMBER_ROLES.map((r) => <option key={r} value={r}>{t('member.role.' + r)}</option>)}
        </Field>
        <DateField label={t('member.term_from')} value={from} onInput={setFrom} error={errors.term_from} />
        <DateField label={t('member.term_to')} value={to} onInput={setTo} error={errors.term_to} />
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('action.save')}</button>
        <button type="button" class="btn" onClick={onCancel}>{t('action.cancel')}</button>
      </div>
    </form>
  );
}

function MemberItem({ teamId, member, editable, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState(null); // 'end' | 'remove'
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const today = todayIso();
  const past = member.term_to && member.term_to < today;
  const act = async () => {
    setBusy(true);
    setError(null);
    try {
      if (confirm === 'end') await api.patch(`/api/v1/teams/${teamId}/members/${member.id}`, { term_to: today });
      else await api.del(`/api/v1/teams/${teamId}/members/${member.id}`);
      setConfirm(null);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class={'member' + (past ? ' member-past' : '')}>
      <div class="member-head">
        <Link href={`/people/${member.person_id}`} class="record-title">{member.full_name}</Link>
        <span class={'badge badge-role-' + member.role}>{t('member.role.' + member.role)}</span>
        {past && <span class="badge">{t('member.past')}</span>}
      </div>
      <div class="record-meta">
        <span>{termText(member)}</span>
        {member.age_at_appointment !== null && member.age_at_appointment !== undefined && (
          <span>{t('member.age', { n: member.age_at_appointment })}</span>
        )}
        {member.gender && <span class="muted">{t('gender.' + member.gender)}</span>}
      </div>
      <FormError text={error ? errorText(error) : ''} />
      {editable && editing && (
        <MemberEditForm teamId={teamId} member={member} onCancel={() => setEditing(false)}
          onDone={() => { setEditing(false); onChanged(); }} />
      )}
      {editable && !editing && !confirm && (
        <div class="actions member-actions">
          <button type="button" class="btn btn-small" aria-label={t('member.edit_named', { name: member.full_name })}
            onClick={() => setEditing(true)}>{t('action.edit')}</button>
          {!past && (
            <button type="button" class="btn btn-small" aria-label={t('member.end_named', { name: member.full_name })}
              onClick={() => setConfirm('end')}>{t('member.end')}</button>
          )}
          <button type="button" class="btn btn-small" aria-label={t('member.remove_named', { name: member.full_name })}
            onClick={() => setConfirm('remove')}>{t('member.remove')}</button>
        </div>
      )}
      {confirm && (
        <div class="confirm" role="group" aria-label={t(confirm === 'end' ? 'member.end' : 'member.remove')}>
          <p>{t(confirm === 'end' ? 'member.end_confirm' : 'member.remove_confirm', { name: member.full_name, date: formatDate(today) })}</p>
          <div class="actions">
            <button type="button" class={'btn ' + (confirm === 'end' ? 'btn-primary' : 'btn-danger')} disabled={busy} onClick={act}>
              {t(confirm === 'end' ? 'member.end' : 'member.remove')}
            </button>
            <button type="button" class="btn" onClick={() => setConfirm(null)}>{t('action.cancel')}</button>
          </div>
        </div>
      )}
    </li>
  );
}

const ROLE_ORDER = { leader: 0, deputy: 1, member: 2 };

export function TeamMembers({ teamId, members, editable, onChanged }) {
  if (members.length === 0) return <p>{t('member.none')}</p>;
  const sorted = members.slice().sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
  return (
    <ul class="record-list members">
      {sorted.map((m) => <MemberItem key={m.id} teamId={teamId} member={m} editable={editable} onChanged={onChanged} />)}
    </ul>
  );
}
