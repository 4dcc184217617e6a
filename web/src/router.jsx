// The client-side router: real paths (/units/12), history.pushState, the back button, and <Link>.
// A route pattern is a path with :params ("/units/:id"); matchRoute gives the params or null.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

export function currentPath() {
  return window.location.pathname + window.location.search;
}

// Goes to path (with its ?query); replace keeps the history entry (redirects).
export function navigate(path, { replace = false } = {}) {
  if (path === currentPath()) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  listeners.forEach((fn) => fn());
  if (!replace) window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => listeners.forEach((fn) => fn()));

// The current location as { path, query } and a re-render on every change.
export function useLocation() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const fn = () => setTick((n) => n + 1);
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

// "/units/:id" against "/units/12" → { id: "12" }; null when it does not match.
export function matchRoute(pattern, path) {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

// An <a href> that navigates without reloading (a modified or middle click still opens a new tab).
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} {...rest}>{children}</a>;
}
