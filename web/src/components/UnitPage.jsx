// One unit (/units/:id): its details, rename (name and code), delete — with the server's refusal when
// it still holds something — and its children with a form to add one.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { errorText, fieldErrors } from '../errors.js';
import { AddUnitForm } from './AddUnitForm.jsx';
import { Field, useFocusInvalid } from './Field.jsx';
import { FormError } from './FormError.jsx';
import { NotFoundPage } from './NotFoundPage.jsx';
import { UnitKind } from './UnitKind.jsx';
import { UnitTree } from './UnitsPage.jsx';
import { usePageTitle } from './usePageTitle.js';
import { HistoryList } from './HistoryList.jsx';
import { RecordTabs } from './RecordTabs.jsx';
import { unitTree, useUnits } from './useUnits.js';

function RenameForm({ unit, onSaved }) {
  const [name, setName] = useState(unit.name);
  const [code, setCode] = useState(unit.code);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const formRef = useRef(null);
  useFocusInvalid(formRef, error);
  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const res = await api.patch(`/api/v1/units/${unit.id}`, { name: name.trim(), code: code.trim() });
      setDone(true);
      onSaved(res.data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = fieldErrors(error);
  if (error && error.code === 'conflict') fields.code = t('unit.code_taken');
  return (
    <form class="card" ref={formRef} onSubmit={onSubmit} noValidate>
      <h2>{t('unit.rename')}</h2>
      <FormError text={error && error.code !== 'conflict' ? errorText(error) : ''} />
      <div class="row">
        <Field label={t('unit.name')} value={name} error={fields.name} maxlength={200}
          onInput={(e) => setName(e.currentTarget.value)} />
        <Field label={t('unit.code')} value={code} error={fields.code} maxlength={32} spellcheck={false}
          onInput={(e) => setCode(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('action.save')}</button>
        {done && <p class="ok-text" role="status">{t('unit.saved')}</p>}
      </div>
    </form>
  );
}

function DeleteUnit({ unit, onDeleted }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef(null);
  const openRef = useRef(null);
  const asked = useRef(false);
  // keyboard focus follows the question: onto "Xóa" in the confirmation, back to the first button after
  useEffect(() => {
    if (confirming && confirmRef.current) confirmRef.current.focus();
    else if (asked.current && openRef.current) openRef.current.focus();
    asked.current = confirming;
  }, [confirming]);
  const onDelete = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.del(`/api/v1/units/${unit.id}`);
      onDeleted();
    } catch (err) {
      setError(err);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="card danger-zone">
      <h2>{t('unit.delete_title')}</h2>
      <FormError text={error ? (error.code === 'conflict' ? t('unit.delete_conflict') : errorText(error)) : ''} />
      {!confirming ? (
        <button type="button" class="btn btn-danger" ref={openRef} onClick={() => setConfirming(true)}>{t('action.delete')}</button>
      ) : (
        <div class="confirm" role="group" aria-label={t('unit.delete_title')}>
          <p>{t('unit.delete_confirm', { name: unit.name })}</p>
          <div class="actions">
            <button type="button" class="btn btn-danger" ref={confirmRef} disabled={busy} onClick={onDelete}>{t('action.delete')}</button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>{t('action.cancel')}</button>
          </div>
        </div>
      )}
    </div>
  );
}

export function UnitPage({ params, query, user }) {
  const [unit, setUnit] = useState(null);
  const [error, setError] = useState(null);
  const { units, reload } = useUnits();
  usePageTitle(unit ? unit.name : t('units.title'));

  useEffect(() => {
    let live = true;
    setUnit(null);
    setError(null);
    api.get(`/api/v1/units/${encodeURIComponent(params.id)}`)
      .then((res) => { if (live) setUnit(res.data); })
      .catch((e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [params.id]);

  if (error && error.status === 404) return <NotFoundPage message={t('unit.not_found')} />;
  if (error) return <section class="page"><h1>{t('units.title')}</h1><FormError text={errorText(error)} /></section>;
  if (!unit) return <section class="page"><p role="status">{t('app.loading')}</p></section>;

  const children = units ? units.filter((u) => u.parent_id === unit.id) : [];
  const childNodes = units ? findNode(unitTree(units), unit.id) : null;
  return (
    <section class="page">
      <p class="crumbs"><Link href="/units">{t('units.title')}</Link></p>
      <h1>{unit.name}</h1>
      <dl class="facts">
        <div><dt>{t('unit.kind')}</dt><dd><UnitKind kind={unit.kind} /></dd></div>
        <div><dt>{t('unit.code')}</dt><dd>{unit.code}</dd></div>
        <div><dt>{t('unit.created_at')}</dt><dd>{formatDateTime(unit.created_at)}</dd></div>
        <div><dt>{t('unit.updated_at')}</dt><dd>{formatDateTime(unit.updated_at)}</dd></div>
      </dl>
      <RecordTabs base={`/units/${unit.id}`} tab={query.get('tab')} user={user} />
      {query.get('tab') === 'history' ? <HistoryList sources={[{ entity: 'unit', id: unit.id }]} /> : <>
      <RenameForm key={unit.id} unit={unit} onSaved={(u) => { setUnit(u); reload(); }} />
      {(unit.kind === 'commune' || unit.kind === 'block') && units && (
        <AddUnitForm units={units} fixedParent={unit} onCreated={reload} />
      )}
      {children.length > 0 && childNodes && (
        <div class="card">
          <h2>{t('unit.children')}</h2>
          <UnitTree nodes={childNodes.children} />
        </div>
      )}
      <DeleteUnit unit={unit} onDeleted={() => navigate('/units')} />
      </>}
    </section>
  );
}

function findNode(nodes, id) {
  for (const n of nodes) {
    if (n.unit.id === id) return n;
    const f = findNode(n.children, id);
    if (f) return f;
  }
  return null;
}
