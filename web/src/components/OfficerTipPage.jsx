// One tip for officers (/tips/:id): what was reported (never who: the identity stays sealed until
// "Xem danh tính" with a reason, audited by the server), the photos, the timeline, assignment to an
// officer, status buttons for the transitions the state machine allows (tips.js), the duplicate-of
// picker, messages with the citizen, the link to a case (pick one or open a new one) and "Lịch sử".
// It reloads when the event stream (stream.js) says its tip changed or the citizen wrote.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, hasText, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { can } from '../forces.js';
import { subscribe } from '../stream.js';
import { canTips, nextStatuses } from '../tips.js';
import { CaseForm } from './CaseForm.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { HistoryList } from './HistoryList.jsx';
import { LoadState } from './LoadState.jsx';
import { RecordTabs } from './RecordTabs.jsx';
import { TipStatusBadge, refusalText, tipFieldText, tipTitle, useTipCategories } from './TipBits.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';

function StatusActions({ tip, onSaved }) {
  const [error, setError] = useState(null);
  const [dup, setDup] = useState(null); // null: closed; '' or an id: the picker is open
  const others = useFetch(dup !== null ? '/api/v1/tips?order=newest&limit=50' : null);
  const patch = async (body) => {
    setError(null);
    try {
      await api.patch(`/api/v1/tips/${tip.id}`, body);
      setDup(null);
      onSaved();
    } catch (e) {
      setError(e);
      if (e.status === 409) onSaved(); /* someone else moved it: show the buttons for where it is now */
    }
  };
  const next = nextStatuses(tip.status);
  return (
    <div class="card">
      <h2>{t('tipdesk.status_title')}</h2>
      <p>{t('tipdesk.status_now')} <TipStatusBadge status={tip.status} /></p>
      <FormError text={refusalText(error)} />
      <div class="actions">
        {next.map((s) => (
          <button key={s} type="button" class="btn" onClick={() => (s === 'duplicate' ? setDup('') : patch({ status: s }))}>
            {t('tipdesk.to.' + s)}
          </button>
        ))}
      </div>
      {dup !== null && (
        <form class="picked" onSubmit={(e) => { e.preventDefault(); patch({ status: 'duplicate', duplicate_of: Number(dup) || null }); }}>
          <Field as="select" label={t('tipdesk.duplicate_of')} value={dup} onChange={(e) => setDup(e.currentTarget.value)}>
            <option value="">{t('tipdesk.pick_tip')}</option>
            {(others.body ? others.body.data : []).filter((x) => x.id !== tip.id).map((x) => (
              <option key={x.id} value={String(x.id)}>{tipTitle(x)} — {formatDateTime(x.created_at)}</option>
            ))}
          </Field>
          <div class="actions">
            <button type="submit" class="btn btn-primary">{t('tipdesk.mark_duplicate')}</button>
            <button type="button" class="btn" onClick={() => setDup(null)}>{t('action.cancel')}</button>
          </div>
        </form>
      )}
    </div>
  );
}

function Assignment({ tip, onSaved }) {
  const users = useFetch('/api/v1/users', { all: true });
  const [error, setError] = useState(null);
  const officers = users.body ? users.body.data.filter((u) => !u.disabled && canTips(u)) : [];
  const onChange = async (e) => {
    const v = e.currentTarget.value;
    setError(null);
    try {
      await api.patch(`/api/v1/tips/${tip.id}`, { assigned_to: v ? Number(v) : null });
      onSaved();
    } catch (err) { setError(err); }
  };
  return (
    <div class="card">
      <h2>{t('tipdesk.assign_title')}</h2>
      <FormError text={refusalText(error || users.error)} />
      <div class="field-inline">
        <Field as="select" label={t('tipdesk.assigned_to')} value={tip.assigned_to ? String(tip.assigned_to) : ''} onChange={onChange}>
          <option value="">{t('tipdesk.nobody')}</option>
          {tip.assigned_to && !officers.some((u) => u.id === tip.assigned_to) && (
            <option value={String(tip.assigned_to)}>{tip.assigned_username}</option>
          )}
          {officers.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {u.display_name && u.display_name !== u.username ? `${u.display_name} (${u.username})` : u.username}
            </option>
          ))}
        </Field>
      </div>
    </div>
  );
}

function Messages({ tip, onSaved }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState(null);
  const onSend = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post(`/api/v1/tips/${tip.id}/messages`, { body: body.trim() });
      setBody('');
      onSaved();
    } catch (err) { setError(err); }
  };
  return (
    <div class="card">
      <h2>{t('tipdesk.messages')}</h2>
      {tip.messages.length === 0 ? <p>{t('tipdesk.no_messages')}</p> : (
        <ol class="messages">
          {tip.messages.map((m) => (
            <li key={m.id} class={m.author === 'citizen' ? 'msg-citizen' : 'msg-officer'}>
              <p class="muted">{m.author === 'citizen' ? t('tipdesk.from_citizen') : t('tipdesk.from_officer', { who: m.username || '' })} · {formatDateTime(m.created_at)}</p>
              <p class="msg-body">{m.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={onSend}>
        <FormError text={refusalText(error)} />
        <Field as="textarea" label={t('tipdesk.reply')} hint={t('tipdesk.reply_hint')} value={body} rows={3} maxlength={4000} required
          onInput={(e) => setBody(e.currentTarget.value)} />
        <button type="submit" class="btn btn-primary" disabled={!body.trim()}>{t('tipdesk.send')}</button>
      </form>
    </div>
  );
}

function IdentityReveal({ tip }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [who, setWho] = useState(null);
  const onReveal = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const res = await api.post(`/api/v1/tips/${tip.id}/reveal`, { reason: reason.trim() });
      setWho(res.data.identity);
    } catch (err) { setError(err); }
  };
  if (who) {
    return (
      <div class="card">
        <h2>{t('tipdesk.identity')}</h2>
        <dl class="facts" aria-live="polite">
          {['name', 'phone', 'national_id', 'address'].map((k) => (
            <div key={k}><dt>{t('tipdesk.identity.' + k)}</dt><dd>{who[k] || '—'}</dd></div>
          ))}
        </dl>
      </div>
    );
  }
  return (
    <div class="card">
      <h2>{t('tipdesk.identity')}</h2>
      <p>{t('tipdesk.identity_sealed')}</p>
      {!open ? <button type="button" class="btn" onClick={() => setOpen(true)}>{t('tipdesk.reveal')}</button> : (
        <form onSubmit={onReveal} noValidate>
          <FormError text={error && !error.fields.reason ? refusalText(error) : ''} />
          <Field label={t('tipdesk.reveal_reason')} hint={t('tipdesk.reveal_hint')} value={reason} error={tipFieldText(error, 'reason')} maxlength={500}
            onInput={(e) => setReason(e.currentTarget.value)} />
          <div class="actions">
            <button type="submit" class="btn btn-primary">{t('tipdesk.reveal')}</button>
            <button type="button" class="btn" onClick={() => setOpen(false)}>{t('action.cancel')}</button>
          </div>
        </form>
      )}
    </div>
  );
}

function CaseLink({ tip, onSaved }) {
  const [mode, setMode] = useState(null); // 'pick' | 'new'
  const [pick, setPick] = useState('');
  const [error, setError] = useState(null);
  const cases = useFetch(mode === 'pick' ? '/api/v1/cases' : null, { all: true });
  const link = async (caseId) => {
    setError(null);
    try {
      await api.post(`/api/v1/cases/${caseId}/tips`, { tip_id: tip.id });
      setMode(null);
      onSaved();
    } catch (err) { setError(err); }
  };
  return (
    <div class="card">
      <h2>{t('tipdesk.case')}</h2>
      {tip.case_id ? <p><Link href={`/cases/${tip.case_id}`}>{t('case.title', { id: tip.case_id })}</Link></p> : <p>{t('tipdesk.no_case')}</p>}
      <FormError text={refusalText(error)} />
      {!mode && (
        <div class="actions">
          <button type="button" class="btn" onClick={() => setMode('pick')}>{t('tipdesk.link_case')}</button>
          <button type="button" class="btn" onClick={() => setMode('new')}>{t('tipdesk.new_case')}</button>
        </div>
      )}
      {mode === 'pick' && (
        <form onSubmit={(e) => { e.preventDefault(); if (pick) link(pick); }}>
          <Field as="select" label={t('tipdesk.pick_case')} value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
            <option value="">{t('tipdesk.pick_case_none')}</option>
            {(cases.body ? cases.body.data : []).slice().reverse().map((c) => (
              <option key={c.id} value={String(c.id)}>{t('case.title', { id: c.id })} — {c.summary.slice(0, 60)}</option>
            ))}
          </Field>
          <div class="actions">
            <button type="submit" class="btn btn-primary">{t('tipdesk.link')}</button>
            <button type="button" class="btn" onClick={() => setMode(null)}>{t('action.cancel')}</button>
          </div>
        </form>
      )}
      {mode === 'new' && (
        <CaseForm initial={{ source: 'tip', unit_id: tip.unit_id, place: tip.address || '', summary: tip.description.slice(0, 500) }}
          onCreated={(c) => link(c.id)} onCancel={() => setMode(null)} />
      )}
    </div>
  );
}

function eventText(e) {
  const key = 'tipdesk_event.' + e.kind;
  const what = hasText(key) ? t(key) : e.kind;
  if (e.kind === 'status') return `${what}: ${t('inbox_status.' + e.from)} → ${t('inbox_status.' + e.to)}`;
  if (e.kind === 'message') return t(e.to === 'citizen' ? 'tipdesk_event.message_citizen' : 'tipdesk_event.message_officer');
  if (e.kind === 'case' && e.to) return `${what}: ${t('case.title', { id: e.to })}`;
  if (e.kind === 'assigned') return `${what}: ${e.to || t('tipdesk.nobody')}`;
  return what;
}

export function OfficerTipPage({ params, query, user }) {
  const tipF = useFetch(`/api/v1/tips/${encodeURIComponent(params.id)}`);
  /* live: another officer's change or the citizen's message shows without a reload */
  const reloadRef = useRef(null);
  reloadRef.current = tipF.reload;
  useEffect(() => subscribe(['tip.updated', 'tip.message'], (name, data) => {
    if (data && String(data.id) === String(params.id)) reloadRef.current();
  }), [params.id]);
  const cats = useTipCategories();
  usePageTitle(tipF.body ? tipTitle(tipF.body.data) : t('inbox.title'));
  if (!tipF.body) return <LoadState fetch={tipF} title={t('inbox.title')} notFound={t('tipdesk.not_found')} />;
  const tip = tipF.body.data;
  const tab = query.get('tab');
  const reload = () => tipF.reload();
  const images = tip.files.filter((f) => f.mime.startsWith('image/'));
  const others = tip.files.filter((f) => !f.mime.startsWith('image/'));
  return (
    <section class="page">
      <p class="crumbs"><Link href="/tips">{t('inbox.title')}</Link></p>
      <h1>{tipTitle(tip)} — {cats.name(tip.category)}</h1>
      <dl class="facts">
        <div><dt>{t('inbox.status')}</dt><dd><TipStatusBadge status={tip.status} /></dd></div>
        <div><dt>{t('tipdesk.received')}</dt><dd>{formatDateTime(tip.created_at)}</dd></div>
        <div><dt>{t('tipdesk.occurred')}</dt><dd>{tip.occurred_at ? formatDateTime(tip.occurred_at) : '—'}</dd></div>
        <div><dt>{t('tipdesk.unit')}</dt><dd>{tip.unit_name || '—'}</dd></div>
        <div class="wide"><dt>{t('tipdesk.address')}</dt><dd>{tip.address || '—'}</dd></div>
        <div><dt>{t('tipdesk.sender')}</dt><dd>{tip.anonymous ? t('tipdesk.anonymous') : t('tipdesk.identified')}</dd></div>
        <div><dt>{t('tipdesk.source')}</dt><dd>{hasText('tipdesk_source.' + tip.source) ? t('tipdesk_source.' + tip.source) : tip.source || '—'}</dd></div>
        {tip.lat !== null && <div><dt>{t('tipdesk.location')}</dt><dd>{tip.lat.toFixed(5)}, {tip.lng.toFixed(5)}</dd></div>}
        {tip.duplicate_of && <div><dt>{t('tipdesk.duplicate_of')}</dt><dd><Link href={`/tips/${tip.duplicate_of}`}>{t('tipdesk.title', { id: tip.duplicate_of })}</Link></dd></div>}
      </dl>
      <RecordTabs base={`/tips/${tip.id}`} tab={tab} user={user} />
      {tab === 'history' ? <HistoryList sources={[{ entity: 'tip', id: tip.id }]} /> : (
        <>
          <div class="card">
            <h2>{t('tipdesk.description')}</h2>
            <p class="tip-description">{tip.description}</p>
            {images.length > 0 && (
              <ul class="tip-photos">
                {images.map((f, i) => (
                  <li key={f.id}><a href={f.url} target="_blank" rel="noopener"><img src={f.url} alt={t('tipdesk.photo_alt', { n: i + 1 })} loading="lazy" /></a></li>
                ))}
              </ul>
            )}
            {others.length > 0 && (
              <ul>{others.map((f, i) => <li key={f.id}><a href={f.url}>{t('tipdesk.file', { n: i + 1, mime: f.mime })}</a></li>)}</ul>
            )}
          </div>
          {canTips(user) && <StatusActions tip={tip} onSaved={reload} />}
          {canTips(user) && <Assignment tip={tip} onSaved={reload} />}
          <Messages tip={tip} onSaved={reload} />
          {tip.has_identity && can(user, 'sensitive') && <IdentityReveal tip={tip} />}
          {canTips(user) && <CaseLink tip={tip} onSaved={reload} />}
          <div class="card">
            <h2>{t('tipdesk.timeline')}</h2>
            <ol class="history">
              {tip.timeline.map((e) => (
                <li key={e.id}>
                  <p class="history-head">
                    <strong>{eventText(e)}</strong>
                    <span class="muted">{t('history.by', { who: e.username || t('tipdesk.from_citizen'), at: formatDateTime(e.at) })}</span>
                  </p>
                </li>
              ))}
            </ol>
          </div>
        </>
      )}
    </section>
  );
}
