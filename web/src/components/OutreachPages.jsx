// "Phong trào" — outreach sessions: /outreach (the sessions of a period with filters kept in the address,
// and the statistics of that period as bar lists: by topic, block, organiser and month), /outreach/new
// (one session, or a series at once: the same organisers, topics and place every week or on listed
// dates), /outreach/:id (a session, its photos and sign-in sheet, change or delete when it is ours).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatDate, formatDateTime, formatNumber, getLang } from '../i18n.js';
import { api, request } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { qs, parseDate, todayIso } from '../forces.js';
import { AUDIENCE_GROUPS, OUTREACH_KINDS, audienceText, canAddTopic, canMovementWrite, monthText, topicName, vnTime } from '../movement.js';
import { BarList } from './BarList.jsx';
import { DateField, isoToText } from './DateField.jsx';
import { Field, useFocusInvalid } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LoadState } from './LoadState.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';
import { SectionLinks } from './SectionLinks.jsx';

export function MovementLinks({ here }) {
  const links = [['/outreach', 'outreach.title'], ['/models', 'models.title'], ['/exemplars', 'exemplars.title']];
  return <SectionLinks here={here} links={links} label="outreach.movement" />;
}

function yearStart() {
  return `${todayIso().slice(0, 4)}-01-01`;
}

// The figures of the period: totals, then bars by topic, block, organiser and month.
function OutreachStats({ range, topics }) {
  const stats = useFetch('/api/v1/stats/outreach' + qs(range));
  const d = stats.body && stats.body.data;
  if (!d) return <LoadState fetch={stats} title={t('outreach.stats')} />;
  const lang = getLang();
  return (
    <div class="card">
      <h2>{t('outreach.stats')}</h2>
      <p class="stat-totals" role="status">
        <span><strong data-testid="stat-sessions">{formatNumber(d.sessions)}</strong> {t('outreach.sessions_word')}</span>
        <span><strong data-testid="stat-participants">{formatNumber(d.participants)}</strong> {t('outreach.participants_word')}</span>
      </p>
      {d.sessions === 0 ? <p>{t('outreach.stats_none')}</p> : (
        <div class="bar-grid">
          <BarList title={t('outreach.by_topic')} rows={d.by_topic.map((x) => ({ key: x.topic, label: topicName(topics, x.topic, lang), value: x.sessions, extra: t('outreach.people_n', { n: formatNumber(x.participants) }) }))} />
          <BarList title={t('outreach.by_month')} rows={d.by_month.map((x) => ({ key: x.month, label: monthText(x.month), value: x.sessions, extra: t('outreach.people_n', { n: formatNumber(x.participants) }) }))} />
          <BarList title={t('outreach.by_unit')} rows={d.by_unit.map((x) => ({ key: String(x.unit_id), label: x.name, value: x.sessions, extra: t('outreach.people_n', { n: formatNumber(x.participants) }) }))} />
          <BarList title={t('outreach.by_organiser')} rows={d.by_organiser.map((x) => ({ key: String(x.organisation_id), label: x.name, value: x.sessions, extra: t('outreach.people_n', { n: formatNumber(x.participants) }) }))} />
        </div>
      )}
    </div>
  );
}

export function OutreachPage({ query, user }) {
  usePageTitle(t('outreach.title'));
  const f = {
    from: query.get('from') || yearStart(), to: query.get('to') || todayIso(),
    unit_id: query.get('unit_id') || '', organiser_id: query.get('organiser_id') || '', topic: query.get('topic') || '',
  };
  const [text, setText] = useState({ from: isoToText(f.from), to: isoToText(f.to) });
  const [bad, setBad] = useState({});
  useEffect(() => setText({ from: isoToText(f.from), to: isoToText(f.to) }), [f.from, f.to]);
  const list = useFetch('/api/v1/outreach/sessions' + qs({ ...f, limit: 200 }));
  const topics = useFetch('/api/v1/outreach/topics');
  const orgs = useFetch('/api/v1/organisations', { all: true });
  const { units } = useUnits();
  const tl = topics.body ? topics.body.data : [];
  const set = (k) => (e) => navigate('/outreach' + qs({ ...f, [k]: e.currentTarget.value }), { replace: true });
  const onPeriod = (e) => {
    e.preventDefault();
    const from = parseDate(text.from);
    const to = parseDate(text.to);
    const errs = {};
    if (!from) errs.from = t('inbox.date_invalid');
    if (!to) errs.to = t('inbox.date_invalid');
    setBad(errs);
    if (!errs.from && !errs.to) navigate('/outreach' + qs({ ...f, from, to }), { replace: true });
  };
  const sessions = list.body ? list.body.data : null;
  const lang = getLang();
  return (
    <section class="page">
      <h1>{t('outreach.title')}</h1>
      <MovementLinks here="/outreach" />
      {canMovementWrite(user) && (
        <p class="links-row no-print">
          <Link class="btn btn-primary" href="/outreach/new">{t('outreach.new')}</Link>
          <Link class="btn" href="/outreach/new?series=1">{t('outreach.new_series')}</Link>
        </p>
      )}
      <form class="card filters no-print" role="search" aria-label={t('outreach.filter')} onSubmit={onPeriod}>
        <div class="filter-grid">
          <DateField label={t('inbox.from')} value={text.from} error={bad.from} onInput={(x) => setText({ ...text, from: x })} />
          <DateField label={t('inbox.to')} value={text.to} error={bad.to} onInput={(x) => setText({ ...text, to: x })} />
          <Field as="select" label={t('outreach.unit')} value={f.unit_id} onChange={set('unit_id')}>
            <option value="">{t('inbox.any')}</option>
            {(units || []).filter((u) => u.kind !== 'province').sort(byName).map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
          </Field>
          <Field as="select" label={t('outreach.organiser')} value={f.organiser_id} onChange={set('organiser_id')}>
            <option value="">{t('inbox.any')}</option>
            {(orgs.body ? orgs.body.data : []).map((o) => <option key={o.id} value={String(o.id)}>{o.name}</option>)}
          </Field>
          <Field as="select" label={t('outreach.topic')} value={f.topic} onChange={set('topic')}>
            <option value="">{t('inbox.any')}</option>
            {tl.map((x) => <option key={x.code} value={x.code}>{topicName(tl, x.code, lang)}</option>)}
          </Field>
        </div>
        <button type="submit" class="btn">{t('outreach.show')}</button>
      </form>
      <nav class="links-row no-print" aria-label={t('outreach.years')}>
        {[0, 1, 2, 3, 4, 5, 6].map((k) => {
          const y = String(Number(todayIso().slice(0, 4)) - k);
          const href = '/outreach' + qs({ ...f, from: `${y}-01-01`, to: `${y}-12-31` });
          return f.from === `${y}-01-01` && f.to === `${y}-12-31` ? <strong key={y} aria-current="page">{y}</strong> : <Link key={y} href={href}>{y}</Link>;
        })}
      </nav>
      <p class="muted">{t('outreach.period', { from: formatDate(f.from), to: formatDate(f.to) })}</p>
      <OutreachStats range={{ from: f.from, to: f.to, unit_id: f.unit_id }} topics={tl} />
      <FormError text={list.error ? errorText(list.error) : ''} />
      {sessions && (
        <div class="card">
          <h2>{t('outreach.list')}</h2>
          {sessions.length === 0 ? <p>{t('outreach.empty')}</p> : (
            <ul class="record-list">
              {sessions.map((s) => (
                <li key={s.id}>
                  <Link href={`/outreach/${s.id}`} class="record-title">{formatDate(s.held_at)} — {t('outreach.kind.' + s.kind)}</Link>
                  <div class="record-meta">
                    <span>{s.unit_name}</span>
                    <span class="muted">{s.topics.map((c) => topicName(tl, c, lang)).join(', ')}</span>
                    <span class="muted">{t('outreach.people_n', { n: formatNumber(s.participants) })}</span>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {canAddTopic(user) && <AddTopic onAdded={topics.reload} />}
    </section>
  );
}

function AddTopic({ onAdded }) {
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone('');
    try {
      const res = await api.post('/api/v1/outreach/topics', { name_vi: name });
      setDone(res.data.name_vi);
      setName('');
      onAdded();
    } catch (err) { setError(err); }
  };
  return (
    <form class="card no-print" onSubmit={onSubmit} noValidate>
      <h2>{t('outreach.topic_add')}</h2>
      <FormError text={error ? (error.code === 'conflict' ? t('outreach.topic_taken') : errorText(error)) : ''} />
      <Field label={t('outreach.topic_name')} value={name} error={fieldErrors(error).name_vi} onInput={(e) => setName(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn">{t('outreach.topic_add')}</button>
        {done && <p class="ok-text" role="status">{t('outreach.topic_added', { name: done })}</p>}
      </div>
    </form>
  );
}

// The fields a session and a series share: unit, kind, place, organisers, topics, audiences, total.
function SessionFields({ v, set, errors, units, orgs, topics }) {
  const lang = getLang();
  const toggle = (k, id) => set(k, v[k].includes(id) ? v[k].filter((x) => x !== id) : [...v[k], id]);
  return (
    <>
      <Field as="select" label={t('outreach.unit')} value={v.unit_id} error={errors.unit_id} onChange={(e) => set('unit_id', e.currentTarget.value)}>
        <option value="">{t('outreach.choose')}</option>
        {units.filter((u) => u.kind !== 'province').sort(byName).map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
      </Field>
      <Field as="select" label={t('outreach.kind')} value={v.kind} error={errors.kind} onChange={(e) => set('kind', e.currentTarget.value)}>
        {OUTREACH_KINDS.map((k) => <option key={k} value={k}>{t('outreach.kind.' + k)}</option>)}
      </Field>
      <Field label={t('outreach.place')} value={v.place} error={errors.place} onInput={(e) => set('place', e.currentTarget.value)} />
      <fieldset class={'choice-list' + (errors.organiser_ids ? ' field-error' : '')} aria-describedby={errors.organiser_ids ? 'org-err' : undefined}>
        <legend>{t('outreach.organisers')}</legend>
        {orgs.map((o) => (
          <label key={o.id}><input type="checkbox" checked={v.organiser_ids.includes(o.id)} onChange={() => toggle('organiser_ids', o.id)} /> {o.name}</label>
        ))}
        {errors.organiser_ids && <p class="error-text" id="org-err">{errors.organiser_ids}</p>}
      </fieldset>
      <fieldset class={'choice-list' + (errors.topics ? ' field-error' : '')} aria-describedby={errors.topics ? 'topic-err' : undefined}>
        <legend>{t('outreach.topics')}</legend>
        {topics.map((x) => (
          <label key={x.code}><input type="checkbox" checked={v.topics.includes(x.code)} onChange={() => toggle('topics', x.code)} /> {topicName(topics, x.code, lang)}</label>
        ))}
        {errors.topics && <p class="error-text" id="topic-err">{errors.topics}</p>}
      </fieldset>
      <fieldset class="audience-grid">
        <legend>{t('outreach.audiences')}</legend>
        {AUDIENCE_GROUPS.filter((g) => g !== 'members').map((g) => (
          <Field key={g} label={t('outreach.group.' + g)} type="number" min="0" inputmode="numeric" value={v.aud[g]}
            onInput={(e) => set('aud', { ...v.aud, [g]: e.currentTarget.value })} />
        ))}
      </fieldset>
      <Field label={t('outreach.participants')} hint={t('outreach.participants_hint')} type="number" min="0" inputmode="numeric"
        value={v.participants} error={errors.participants} onInput={(e) => set('participants', e.currentTarget.value)} />
      <Field as="textarea" label={t('outreach.notes')} value={v.notes} onInput={(e) => set('notes', e.currentTarget.value)} />
    </>
  );
}

function sessionBody(v) {
  const body = { unit_id: v.unit_id ? Number(v.unit_id) : undefined, kind: v.kind, organiser_ids: v.organiser_ids, topics: v.topics };
  if (v.place.trim()) body.place = v.place.trim();
  if (v.notes.trim()) body.notes = v.notes.trim();
  const aud = AUDIENCE_GROUPS.filter((g) => v.aud[g] && Number(v.aud[g]) > 0).map((g) => ({ group: g, count: Number(v.aud[g]) }));
  if (aud.length) body.audiences = aud;
  if (v.participants !== '') body.participants = Number(v.participants);
  return body;
}

export function OutreachNewPage({ query, user }) {
  const series = query.get('series') === '1';
  usePageTitle(t(series ? 'outreach.new_series' : 'outreach.new'));
  const { units } = useUnits();
  const orgs = useFetch('/api/v1/organisations', { all: true });
  const topics = useFetch('/api/v1/outreach/topics');
  const me = useFetch('/api/v1/me');
  const mine = me.body && me.body.data.user.organisation_id;
  const [v, setV] = useState({ unit_id: '', kind: 'propaganda', place: '', organiser_ids: [], topics: [], aud: {}, participants: '', notes: '', date: isoToText(todayIso()), time: '08:00', every: '7', count: '10', dates: '' });
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState(null);
  const [local, setLocal] = useState({});
  const formRef = useRef(null);
  useFocusInvalid(formRef, error);
  useEffect(() => {
    if (mine && !touched) setV((x) => (x.organiser_ids.includes(mine) ? x : { ...x, organiser_ids: [...x.organiser_ids, mine] }));
  }, [mine, touched]);
  const set = (k, x) => { setTouched(true); setV({ ...v, [k]: x }); };
  if (!units || !orgs.body || !topics.body) return <LoadState fetch={orgs.body ? topics : orgs} title={t('outreach.new')} />;
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    const errs = {};
    const day = parseDate(v.date);
    if (!day) errs.date = t('inbox.date_invalid');
    let dates = null;
    if (series && v.dates.trim()) {
      dates = v.dates.split(/[\s,;]+/).filter(Boolean).map(parseDate);
      if (dates.some((d) => !d)) errs.dates = t('inbox.date_invalid');
    }
    setLocal(errs);
    if (Object.keys(errs).length) return;
    try {
      const body = sessionBody(v);
      if (!series) {
        const res = await api.post('/api/v1/outreach/sessions', { ...body, held_at: vnTime(day, v.time) });
        navigate(`/outreach/${res.data.id}`);
      } else {
        const extra = dates ? { dates: dates.map((d) => vnTime(d, v.time)) } : { first: vnTime(day, v.time), every_days: Number(v.every), count: Number(v.count) };
        await api.post('/api/v1/outreach/sessions/series', { ...body, ...extra });
        navigate('/outreach' + qs({ from: dates ? dates[0] : day, to: `${(dates ? dates[dates.length - 1] : day).slice(0, 4)}-12-31`, organiser_id: body.organiser_ids[0] || '' }));
      }
    } catch (err) { setError(err); }
  };
  const errors = { ...fieldErrors(error), ...local };
  return (
    <section class="page">
      <p class="crumbs"><Link href="/outreach">{t('outreach.title')}</Link></p>
      <h1>{t(series ? 'outreach.new_series' : 'outreach.new')}</h1>
      {series && <p class="hint">{t('outreach.series_explain')}</p>}
      <form class="card" ref={formRef} onSubmit={onSubmit} noValidate>
        <FormError text={error ? errorText(error) : ''} />
        <div class="tip-when">
          <DateField label={series ? t('outreach.first_date') : t('outreach.date')} value={v.date} error={errors.date || errors.held_at || errors.first} onInput={(x) => set('date', x)} />
          <Field label={t('outreach.time')} type="time" value={v.time} onInput={(e) => set('time', e.currentTarget.value)} />
        </div>
        {series && (
          <div class="filter-grid">
            <Field label={t('outreach.every_days')} type="number" min="1" max="366" value={v.every} error={errors.every_days} onInput={(e) => set('every', e.currentTarget.value)} />
            <Field label={t('outreach.count')} type="number" min="1" max="60" value={v.count} error={errors.count} onInput={(e) => set('count', e.currentTarget.value)} />
            <Field as="textarea" label={t('outreach.dates')} hint={t('outreach.dates_hint')} value={v.dates} error={errors.dates} onInput={(e) => set('dates', e.currentTarget.value)} />
          </div>
        )}
        <SessionFields v={v} set={set} errors={errors} units={units} orgs={orgs.body.data} topics={topics.body.data} />
        <div class="actions">
          <button type="submit" class="btn btn-primary">{t(series ? 'outreach.save_series' : 'outreach.save')}</button>
          <Link href="/outreach">{t('outreach.cancel')}</Link>
        </div>
      </form>
      {!canMovementWrite(user) && <p class="muted">{t('outreach.read_only')}</p>}
    </section>
  );
}

function Files({ s, onChanged }) {
  const [error, setError] = useState(null);
  const [role, setRole] = useState('photo');
  const onFile = async (e) => {
    const file = e.currentTarget.files && e.currentTarget.files[0];
    if (!file) return;
    setError(null);
    try {
      await request('POST', `/api/v1/outreach/sessions/${s.id}/files?role=${role}`, await file.arrayBuffer(), { contentType: file.type || 'application/octet-stream' });
      onChanged();
    } catch (err) { setError(err); }
    e.currentTarget.value = '';
  };
  return (
    <div class="card">
      <h2>{t('outreach.files')}</h2>
      {s.files.length === 0 ? <p>{t('outreach.no_files')}</p> : (
        <ul class="record-list">
          {s.files.map((f) => (
            <li key={f.id}>
              <a href={`/api/v1/outreach/sessions/${s.id}/files/${f.id}`} target="_blank" rel="noopener">{t('outreach.file_role.' + f.role)} #{f.id}</a>
              <span class="muted"> {f.mime}, {formatNumber(Math.round(f.size / 1024))} KB</span>
            </li>
          ))}
        </ul>
      )}
      {s.can_edit && (
        <div class="subform no-print">
          <FormError text={error ? (fieldErrors(error).file || errorText(error)) : ''} />
          <Field as="select" label={t('outreach.file_kind')} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            <option value="photo">{t('outreach.file_role.photo')}</option>
            <option value="sign_in">{t('outreach.file_role.sign_in')}</option>
          </Field>
          <Field label={t('outreach.file_pick')} hint={t('outreach.file_hint')} type="file" accept="image/jpeg,image/png,image/webp,application/pdf" onChange={onFile} />
        </div>
      )}
    </div>
  );
}

export function OutreachSessionPage({ params }) {
  const one = useFetch(`/api/v1/outreach/sessions/${encodeURIComponent(params.id)}`);
  const topics = useFetch('/api/v1/outreach/topics');
  const orgs = useFetch('/api/v1/organisations', { all: true });
  const [error, setError] = useState(null);
  usePageTitle(t('outreach.session'));
  if (!one.body) return <LoadState fetch={one} title={t('outreach.session')} notFound={t('outreach.not_found')} />;
  const s = one.body.data;
  const tl = topics.body ? topics.body.data : [];
  const orgName = (id) => ((orgs.body ? orgs.body.data : []).find((o) => o.id === id) || { name: '#' + id }).name;
  const del = async () => {
    if (!window.confirm(t('outreach.delete_confirm'))) return;
    try { await api.del(`/api/v1/outreach/sessions/${s.id}`); navigate('/outreach'); } catch (err) { setError(err); }
  };
  return (
    <section class="page">
      <p class="crumbs"><Link href="/outreach">{t('outreach.title')}</Link></p>
      <h1>{t('outreach.kind.' + s.kind)} — {formatDate(s.held_at)}</h1>
      <FormError text={error ? errorText(error) : ''} />
      <dl class="facts">
        <div><dt>{t('outreach.when')}</dt><dd>{formatDateTime(s.held_at)}</dd></div>
        <div><dt>{t('outreach.unit')}</dt><dd>{s.unit_name}</dd></div>
        {s.place && <div><dt>{t('outreach.place')}</dt><dd>{s.place}</dd></div>}
        <div><dt>{t('outreach.organisers')}</dt><dd>{s.organisers.map((o) => o.name).join(', ')}</dd></div>
        <div><dt>{t('outreach.topics')}</dt><dd>{s.topics.map((c) => topicName(tl, c, getLang())).join(', ')}</dd></div>
        {s.audiences.length > 0 && <div><dt>{t('outreach.audiences')}</dt><dd>{s.audiences.map((a) => audienceText(a, orgName)).join('; ')}</dd></div>}
        <div><dt>{t('outreach.participants')}</dt><dd>{formatNumber(s.participants)}</dd></div>
        {s.notes && <div><dt>{t('outreach.notes')}</dt><dd class="pre">{s.notes}</dd></div>}
        {s.series_id && <div><dt>{t('outreach.series')}</dt><dd>#{s.series_id}</dd></div>}
      </dl>
      <Files s={s} onChanged={one.reload} />
      {s.can_edit && <p class="no-print"><button type="button" class="btn btn-danger" onClick={del}>{t('outreach.delete')}</button></p>}
    </section>
  );
}
