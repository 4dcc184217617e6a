// Units: the commune's tree of blocks (khối phố) and groups (tổ dân phố), each a link to its page, and
// the form to add a block or a group.
import { t, formatNumber } from '../i18n.js';
import { Link } from '../router.jsx';
import { errorText } from '../errors.js';
import { AddUnitForm } from './AddUnitForm.jsx';
import { FormError } from './FormError.jsx';
import { UnitKind } from './UnitKind.jsx';
import { usePageTitle } from './usePageTitle.js';
import { unitTree, useUnits } from './useUnits.js';

export function UnitTree({ nodes, level = 1 }) {
  return (
    <ul class={level === 1 ? 'tree' : 'tree-sub'}>
      {nodes.map((n) => (
        <li key={n.unit.id}>
          <div class="tree-item">
            <UnitKind kind={n.unit.kind} />
            <Link href={`/units/${n.unit.id}`}>{n.unit.name}</Link>
            <span class="muted code">{n.unit.code}</span>
            {n.children.length > 0 && (
              <span class="muted count">{t('unit.children_count', { n: formatNumber(n.children.length) })}</span>
            )}
          </div>
          {n.children.length > 0 && <UnitTree nodes={n.children} level={level + 1} />}
        </li>
      ))}
    </ul>
  );
}

export function UnitsPage() {
  usePageTitle(t('units.title'));
  const { units, error, reload } = useUnits();
  const blocks = units ? units.filter((u) => u.kind === 'block').length : 0;
  const groups = units ? units.filter((u) => u.kind === 'group').length : 0;
  return (
    <section class="page">
      <h1>{t('units.title')}</h1>
      <FormError text={error ? errorText(error) : ''} />
      {!units && !error && <p role="status">{t('app.loading')}</p>}
      {units && (
        <>
          <p class="summary">{t('units.summary', { blocks: formatNumber(blocks), groups: formatNumber(groups) })}</p>
          <AddUnitForm units={units} onCreated={reload} />
          <div class="card">
            <h2>{t('units.tree')}</h2>
            {units.length === 0 ? <p>{t('units.empty')}</p> : <UnitTree nodes={unitTree(units)} />}
          </div>
        </>
      )}
    </section>
  );
}
