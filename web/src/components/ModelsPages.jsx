// "Mô hình" — the movement's models and clubs: /models (the figures of a year by sponsor and kind, the
// models grouped by sponsor with their totals, a form for a new one) and /models/:id (a model over
// time: its sites — replication is adding sites — activities and evaluations, each with a form when the
// model is ours). Also /exemplars (điển hình tiên tiến) with their commendations.
import { useState } from 'preact/hooks';
import { t, formatDate, formatNumber } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { qs, parseDate, todayIso } from '../forces.js';
import { ACTIVITY_KINDS, EXEMPLAR_KINDS, LEVELS, MODEL_KINDS, RATINGS, canMovementWrite, vnTime } from '../movement.js';
import { BarList } from './BarList.jsx';
import { DateField, isoToText } from './DateField.jsx';
import { Field } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { LoadState } from './LoadState.jsx';
import { MovementLinks } from './OutreachPages.jsx';
import { useFetch } from './useFetch.js';
import { usePageTitle } from './usePageTitle.js';
import { byName, useUnits } from './useUnits.js';

function UnitSelect({ units, value, error, onChange, label }) {
  return (
    <Field as="select" label={label || t('outreach.unit')} value={value} error={error} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{t('outreach.choose')}</option>
      {(units || []).filter((u) => u.kind !== 'province').sort(byName).map((u) => <option key={u.id} value={String(u.id)}>{u.name}</option>)}
    </Field>
  );
}

function NewModel({ orgs, units, onCancel }) {
  const [v, setV] = useState({ unit_id: '', kind: 'club', name: '', description: '', sponsor_id: '' });
  const [error, setError] = useState(null);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { kind: v.kind, name: v.name };
      if (v.unit_id) body.unit_id = Number(v.unit_id);
      if (v.sponsor_id) body.sponsor_id = Number(v.sponsor_id);
      if (v.description.trim()) body.description = v.description.trim();
      const res = await api.post('/api/v1/models', body);
      navigate(`/models/${res.data.id}`);
    } catch (err) { setError(err); }
  };
  const errors = fieldErrors(error);
  return (
    <form class="card" onSubmit={onSubmit} noValidate>
      <h2>{t('models.new')}</h2>
      <FormError text={error ? errorText(error) : ''} />
      <Field label={t('models.name')} value={v.name} error={errors.name} onInput={(e) => set('name')(e.currentTarget.value)} />
      <Field as="select" label={t('models.kind')} value={v.kind} error={errors.kind} onChange={(e) => set('kind')(e.currentTarget.value)}>
        {MODEL_KINDS.map((k) => <option key={k} value={k}>{t('models.kind.' + k)}</option>)}
      </Field>
      <Field as="select" label={t('models.sponsor')} value={v.sponsor_id} error={errors.sponsor_id} onChange={(e) => set('sponsor_id')(e.currentTarget.value)}>
        <option value="">{t('outreach.choose')}</option>
        {orgs.map((o) => <option key={o.id} value={String(o.id)}>{o.name}</option>)}
      </Field>
      <UnitSelect units={units} value={v.unit_id} error={errors.unit_id} onChange={set('unit_id')} />
      <Field as="textarea" label={t('models.description')} value={v.description} onInput={(e) => set('description')(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn btn-primary">{t('models.save')}</button>
        <button type="button" class="btn" onClick={onCancel}>{t('outreach.cancel')}</button>
      </div>
    </form>
  );
}

export function ModelsPage({ user }) {
  usePageTitle(t('models.title'));
  const year = todayIso().slice(0, 4);
  const [y, setY] = useState(year);
  const list = useFetch('/api/v1/models?limit=200');
  const stats = useFetch('/api/v1/stats/models' + qs({ from: `${y}-01-01`, to: `${y}-12-31` }));
  const orgs = useFetch('/api/v1/organisations', { all: true });
  const { units } = useUnits();
  const [creating, setCreating] = useState(false);
  const models = list.body ? list.body.data : null;
  const groups = new Map();
  (models || []).forEach((m) => { if (!groups.has(m.sponsor_name)) groups.set(m.sponsor_name, []); groups.get(m.sponsor_name).push(m); });
  const d = stats.body && stats.body.data;
  return (
    <section class="page">
      <h1>{t('models.title')}</h1>
      <MovementLinks here="/models" />
      {canMovementWrite(user) && !creating && (
        <p class="no-print"><button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>{t('models.new')}</button></p>
      )}
      {creating && orgs.body && <NewModel orgs={orgs.body.data} units={units} onCancel={() => setCreating(false)} />}
      <div class="card">
        <h2>{t('models.stats', { year: y })}</h2>
        <Field label={t('models.year')} type="number" min="2000" max="2100" value={y} class="no-print" onInput={(e) => { if (/^\d{4}$/.test(e.currentTarget.value)) setY(e.currentTarget.value); }} />
        {d && (
          <>
            <p class="stat-totals" role="status">
              <span><strong>{formatNumber(d.models)}</strong> {t('models.models_word')}</span>
              <span><strong>{formatNumber(d.sites)}</strong> {t('models.sites_word')}</span>
              <span><strong>{formatNumber(d.activities)}</strong> {t('models.activities_word')}</span>
              <span><strong>{formatNumber(d.people_reached)}</strong> {t('models.reached_word')}</span>
            </p>
            <div class="bar-grid">
              <BarList title={t('models.by_sponsor')} rows={d.by_sponsor.map((b) => ({ key: String(b.sponsor_id), label: b.name, value: b.activities, extra: t('models.reached_n', { n: formatNumber(b.people_reached) }) }))} />
              <BarList title={t('models.by_kind')} rows={d.by_kind.map((b) => ({ key: b.kind, label: t('models.kind.' + b.kind), value: b.models, extra: t('models.sites_n', { n: b.sites }) }))} />
            </div>
          </>
        )}
      </div>
      {!models ? <LoadState fetch={list} title={t('models.title')} /> : models.length === 0 ? <p>{t('models.empty')}</p> : (
        [...groups.entries()].map(([sponsor, ms]) => (
          <div class="card" key={sponsor}>
            <h2>{sponsor}</h2>
            <ul class="record-list">
              {ms.map((m) => (
                <li key={m.id}>
                  <Link href={`/models/${m.id}`} class="record-title">{m.name}</Link>
                  <div class="record-meta">
                    <span>{t('models.kind.' + m.kind)}</span>
                    <span class="muted">{t('models.sites_n', { n: m.totals.sites })}</span>
                    <span class="muted">{t('models.members_n', { n: formatNumber(m.totals.members) })}</span>
                    <span class="muted">{t('models.activities_n', { n: m.totals.activities })}</span>
                    <span class="muted">{t('models.reached_n', { n: formatNumber(m.totals.people_reached) })}</span>
                  </div>
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}

// One small form that posts to a model's sub-resource and reloads.
function AddItem({ title, path, fields, toBody, onDone, initial }) {
  const [v, setV] = useState(initial);
  const [error, setError] = useState(null);
  const [bad, setBad] = useState({});
  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    const { body, errs } = toBody(v);
    setBad(errs);
    if (Object.keys(errs).length) return;
    try { await api.post(path, body); setV(initial); onDone(); } catch (err) { setError(err); }
  };
  const errors = { ...fieldErrors(error), ...bad };
  return (
    <form class="subform no-print" onSubmit={onSubmit} noValidate>
      <h3>{title}</h3>
      <FormError text={error ? errorText(error) : ''} />
      {fields(v, (k, x) => setV({ ...v, [k]: x }), errors)}
      <button type="submit" class="btn">{title}</button>
    </form>
  );
}

function dateBody(text, key, errs) {
  const d = parseDate(text);
  if (!d) errs[key] = t('inbox.date_invalid');
  return d ? vnTime(d) : null;
}

export function ModelPage({ params }) {
  const one = useFetch(`/api/v1/models/${encodeURIComponent(params.id)}`);
  const { units } = useUnits();
  usePageTitle(one.body ? one.body.data.name : t('models.title'));
  if (!one.body) return <LoadState fetch={one} title={t('models.title')} notFound={t('models.not_found')} />;
  const m = one.body.data;
  const base = `/api/v1/models/${m.id}`;
  const today = isoToText(todayIso());
  return (
    <section class="page">
      <p class="crumbs"><Link href="/models">{t('models.title')}</Link></p>
      <h1>{m.name}</h1>
      <dl class="facts">
        <div><dt>{t('models.kind')}</dt><dd>{t('models.kind.' + m.kind)}</dd></div>
        <div><dt>{t('models.sponsor')}</dt><dd>{m.sponsor_name}</dd></div>
        <div><dt>{t('outreach.unit')}</dt><dd>{m.unit_name}</dd></div>
        {m.description && <div><dt>{t('models.description')}</dt><dd class="pre">{m.description}</dd></div>}
        <div><dt>{t('models.totals')}</dt><dd>{t('models.sites_n', { n: m.totals.sites })} · {t('models.members_n', { n: formatNumber(m.totals.members) })} · {t('models.activities_n', { n: m.totals.activities })} · {t('models.reached_n', { n: formatNumber(m.totals.people_reached) })}</dd></div>
      </dl>
      <div class="card">
        <h2>{t('models.sites')}</h2>
        {m.sites.length === 0 ? <p>{t('models.no_sites')}</p> : (
          <div class="table-wrap"><table class="table">
            <thead><tr><th scope="col">{t('outreach.unit')}</th><th scope="col">{t('models.started')}</th><th scope="col" class="num">{t('models.members')}</th></tr></thead>
            <tbody>{m.sites.map((s) => <tr key={s.id}><td>{s.unit_name}</td><td>{formatDate(s.started_at)}</td><td class="num">{formatNumber(s.members)}</td></tr>)}</tbody>
          </table></div>
        )}
        {m.can_edit && (
          <AddItem title={t('models.site_add')} path={`${base}/sites`} onDone={one.reload} initial={{ unit_id: '', started: today, members: '' }}
            toBody={(v) => { const errs = {}; const started_at = dateBody(v.started, 'started', errs); return { errs, body: { unit_id: v.unit_id ? Number(v.unit_id) : undefined, started_at, members: v.members === '' ? undefined : Number(v.members) } }; }}
            fields={(v, set, e) => (<>
              <UnitSelect units={units} value={v.unit_id} error={e.unit_id} onChange={(x) => set('unit_id', x)} />
              <DateField label={t('models.started')} value={v.started} error={e.started || e.started_at} onInput={(x) => set('started', x)} />
              <Field label={t('models.members')} type="number" min="0" value={v.members} error={e.members} onInput={(ev) => set('members', ev.currentTarget.value)} />
            </>)} />
        )}
      </div>
      <div class="card">
        <h2>{t('models.activities')}</h2>
        {m.activities.length === 0 ? <p>{t('models.no_activities')}</p> : (
          <div class="table-wrap"><table class="table">
            <thead><tr><th scope="col">{t('outreach.date')}</th><th scope="col">{t('models.activity_kind')}</th><th scope="col" class="num">{t('models.reached')}</th><th scope="col" class="num">{t('models.cases')}</th><th scope="col">{t('outreach.notes')}</th></tr></thead>
            <tbody>{m.activities.map((a) => <tr key={a.id}><td>{formatDate(a.held_at)}</td><td>{t('models.activity.' + a.kind)}</td><td class="num">{formatNumber(a.people_reached)}</td><td class="num">{formatNumber(a.cases_handled)}</td><td>{a.notes || ''}</td></tr>)}</tbody>
          </table></div>
        )}
        {m.can_edit && (
          <AddItem title={t('models.activity_add')} path={`${base}/activities`} onDone={one.reload} initial={{ date: today, kind: 'legal_consultation', reached: '', cases: '', notes: '' }}
            toBody={(v) => { const errs = {}; const held_at = dateBody(v.date, 'date', errs); return { errs, body: { held_at, kind: v.kind, people_reached: Number(v.reached || 0), cases_handled: Number(v.cases || 0), ...(v.notes.trim() ? { notes: v.notes.trim() } : {}) } }; }}
            fields={(v, set, e) => (<>
              <DateField label={t('outreach.date')} value={v.date} error={e.date || e.held_at} onInput={(x) => set('date', x)} />
              <Field as="select" label={t('models.activity_kind')} value={v.kind} onChange={(ev) => set('kind', ev.currentTarget.value)}>
                {ACTIVITY_KINDS.map((k) => <option key={k} value={k}>{t('models.activity.' + k)}</option>)}
              </Field>
              <Field label={t('models.reached')} type="number" min="0" value={v.reached} error={e.people_reached} onInput={(ev) => set('reached', ev.currentTarget.value)} />
              <Field label={t('models.cases')} type="number" min="0" value={v.cases} error={e.cases_handled} onInput={(ev) => set('cases', ev.currentTarget.value)} />
              <Field label={t('outreach.notes')} value={v.notes} onInput={(ev) => set('notes', ev.currentTarget.value)} />
            </>)} />
        )}
      </div>
      <div class="card">
        <h2>{t('models.evaluations')}</h2>
        {m.evaluations.length === 0 ? <p>{t('models.no_evaluations')}</p> : (
          <ul class="record-list">{m.evaluations.map((ev) => <li key={ev.id}><strong>{ev.period}</strong>: {t('models.rating.' + ev.rating)}{ev.notes ? ` — ${ev.notes}` : ''}</li>)}</ul>
        )}
        {m.can_edit && (
          <AddItem title={t('models.evaluation_add')} path={`${base}/evaluations`} onDone={one.reload} initial={{ period: todayIso().slice(0, 4), rating: 'good', notes: '' }}
            toBody={(v) => ({ errs: {}, body: { period: v.period.trim(), rating: v.rating, ...(v.notes.trim() ? { notes: v.notes.trim() } : {}) } })}
            fields={(v, set, e) => (<>
              <Field label={t('models.period')} hint={t('models.period_hint')} value={v.period} error={e.period} onInput={(ev) => set('period', ev.currentTarget.value)} />
              <Field as="select" label={t('models.rating')} value={v.rating} onChange={(ev) => set('rating', ev.currentTarget.value)}>
                {RATINGS.map((k) => <option key={k} value={k}>{t('models.rating.' + k)}</option>)}
              </Field>
              <Field label={t('outreach.notes')} value={v.notes} onInput={(ev) => set('notes', ev.currentTarget.value)} />
            </>)} />
        )}
      </div>
    </section>
  );
}

export function ExemplarsPage({ user }) {
  usePageTitle(t('exemplars.title'));
  const list = useFetch('/api/v1/exemplars?limit=200');
  const { units } = useUnits();
  const today = isoToText(todayIso());
  const items = list.body ? list.body.data : null;
  return (
    <section class="page">
      <h1>{t('exemplars.title')}</h1>
      <MovementLinks here="/exemplars" />
      {!items ? <LoadState fetch={list} title={t('exemplars.title')} /> : items.length === 0 ? <p>{t('exemplars.empty')}</p> : (
        items.map((x) => (
          <div class="card" key={x.id}>
            <h2>{x.name}</h2>
            <p class="muted">{t('exemplars.kind.' + x.kind)} · {x.unit_name}</p>
            <p>{x.achievement}</p>
            {x.commendations.length > 0 && (
              <ul class="record-list">
                {x.commendations.map((c) => <li key={c.id}>{t('exemplars.level.' + c.level)} — {formatDate(c.awarded_at)}{c.decision_no ? ` (${t('exemplars.decision', { no: c.decision_no })})` : ''}</li>)}
              </ul>
            )}
            {x.can_edit && (
              <AddItem title={t('exemplars.commend')} path={`/api/v1/exemplars/${x.id}/commendations`} onDone={list.reload} initial={{ level: 'commune', date: today, no: '' }}
                toBody={(v) => { const errs = {}; const awarded_at = dateBody(v.date, 'date', errs); return { errs, body: { level: v.level, awarded_at, ...(v.no.trim() ? { decision_no: v.no.trim() } : {}) } }; }}
                fields={(v, set, e) => (<>
                  <Field as="select" label={t('exemplars.level')} value={v.level} onChange={(ev) => set('level', ev.currentTarget.value)}>
                    {LEVELS.map((k) => <option key={k} value={k}>{t('exemplars.level.' + k)}</option>)}
                  </Field>
                  <DateField label={t('outreach.date')} value={v.date} error={e.date || e.awarded_at} onInput={(x2) => set('date', x2)} />
                  <Field label={t('exemplars.decision_no')} value={v.no} onInput={(ev) => set('no', ev.currentTarget.value)} />
                </>)} />
            )}
          </div>
        ))
      )}
      {canMovementWrite(user) && (
        <div class="card">
          <AddItem title={t('exemplars.new')} path="/api/v1/exemplars" onDone={list.reload} initial={{ unit_id: '', kind: 'person', name: '', achievement: '' }}
            toBody={(v) => ({ errs: {}, body: { unit_id: v.unit_id ? Number(v.unit_id) : undefined, kind: v.kind, ...(v.name.trim() ? { name: v.name.trim() } : {}), achievement: v.achievement } })}
            fields={(v, set, e) => (<>
              <Field as="select" label={t('exemplars.kind')} value={v.kind} onChange={(ev) => set('kind', ev.currentTarget.value)}>
                {EXEMPLAR_KINDS.map((k) => <option key={k} value={k}>{t('exemplars.kind.' + k)}</option>)}
              </Field>
              <Field label={t('exemplars.name')} value={v.name} error={e.name} onInput={(ev) => set('name', ev.currentTarget.value)} />
              <UnitSelect units={units} value={v.unit_id} error={e.unit_id} onChange={(x2) => set('unit_id', x2)} />
              <Field as="textarea" label={t('exemplars.achievement')} value={v.achievement} error={e.achievement} onInput={(ev) => set('achievement', ev.currentTarget.value)} />
            </>)} />
        </div>
      )}
    </section>
  );
}
