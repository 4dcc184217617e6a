// The API helper: JSON in and out of /api/v1, the CSRF token on every write, and the expired-session
// rule — a 401 on any call but the login itself sends the user to /login?next=<where they were>.
//
//   const units = await api.get('/api/v1/units');          // the whole body: { data, next_cursor }
//   await api.post('/api/v1/units', { kind, code, name });  // throws ApiError on 4xx/5xx
import { navigate, currentPath } from './router.jsx';

let csrfToken = null;
let onUnauthenticated = () => {};

export function setCsrfToken(token) { csrfToken = token || null; }

// Called with no argument when the server says the session is gone (the app forgets the user).
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

// An error answer: status, code ("validation_failed", "conflict", …), the server's message, and
// fields ({name: message}) when the server named the fields at fault.
export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

// The login path that brings the user back to where they are now.
export function loginPathHere() {
  const here = currentPath();
  if (here.startsWith('/login')) return here;
  return here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

// contentType: send body as it is (a CSV file's text) with that type instead of as JSON.
export async function request(method, path, body, { authRedirect = true, contentType } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : contentType ? body : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 204) return null;
  let json = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.startsWith('application/json')) {
    try { json = await res.json(); } catch (e) { json = null; }
  }
  if (res.ok) {
    if (json && json.data && json.data.csrf_token) setCsrfToken(json.data.csrf_token);
    return json;
  }
  const err = (json && json.error) || {};
  const e = new ApiError(res.status, err.code || 'http_' + res.status, err.message, err.fields);
  if (res.status === 401 && authRedirect) {
    setCsrfToken(null);
    onUnauthenticated();
    navigate(loginPathHere(), { replace: true });
  }
  throw e;
}

// Every item of a paged list (follows next_cursor; at most `max` pages of 200).
export async function getAll(path, max = 50) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < max; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await request('GET', `${path}${sep}limit=200${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items.push(...page.data);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}

export const api = {
  get: (p, o) => request('GET', p, undefined, o),
  post: (p, b, o) => request('POST', p, b === undefined ? {} : b, o),
  patch: (p, b, o) => request('PATCH', p, b, o),
  del: (p, o) => request('DELETE', p, undefined, o),
};
