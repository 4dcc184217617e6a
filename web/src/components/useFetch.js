// One GET of the API for a page: { body, error, loading, reload }. `body` is the whole answer
// ({data, …}); a null path fetches nothing. Changing the path fetches again; reload() refetches.
import { useEffect, useState } from 'preact/hooks';
import { api, getAll } from '../api.js';

export function useFetch(path, { all = false } = {}) {
  const [state, setState] = useState({ body: null, error: null, loading: !!path });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return undefined;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const p = all ? getAll(path).then((data) => ({ data })) : api.get(path);
    p.then((body) => { if (live) setState({ body, error: null, loading: false }); })
      .catch((error) => { if (live) setState({ body: null, error, loading: false }); });
    return () => { live = false; };
  }, [path, tick, all]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}
