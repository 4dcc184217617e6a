// Every unit the user may see (GET /api/v1/units, all pages), with a reload after a change.
import { useEffect, useState } from 'preact/hooks';
import { getAll } from '../api.js';

export function useUnits() {
  const [units, setUnits] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    getAll('/api/v1/units')
      .then((list) => { if (live) { setUnits(list); setError(null); } })
      .catch((e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [tick]);
  return { units, error, reload: () => setTick((n) => n + 1) };
}

// Vietnamese order for names: "Khối phố 2" before "Khối phố 10".
const collator = new Intl.Collator('vi', { numeric: true, sensitivity: 'base' });
export function byName(a, b) {
  return collator.compare(a.name, b.name);
}

// The units as a forest: [{unit, children: [...]}], roots being units whose parent the user cannot see.
export function unitTree(units) {
  const nodes = new Map(units.map((u) => [u.id, { unit: u, children: [] }]));
  const roots = [];
  for (const n of nodes.values()) {
    const p = n.unit.parent_id && nodes.get(n.unit.parent_id);
    (p ? p.children : roots).push(n);
  }
  const sort = (list) => {
    list.sort((a, b) => byName(a.unit, b.unit));
    list.forEach((n) => sort(n.children));
    return list;
  };
  return sort(roots);
}
