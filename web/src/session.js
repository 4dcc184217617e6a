// Who is logged in: the user from POST /api/v1/session or GET /api/v1/me, shared by every page
// through useSession(). The CSRF token that comes with it goes to the API helper.
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, setUnauthenticatedHandler } from './api.js';

let state = { loading: true, user: null };
const listeners = new Set();

function set(next) {
  state = { ...state, ...next };
  listeners.forEach((fn) => fn(state));
}

setUnauthenticatedHandler(() => set({ user: null, loading: false }));

// { loading, user } and a re-render when it changes.
export function useSession() {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => listeners.delete(setS);
  }, []);
  return s;
}

// Asks the server who we are (once, at start). A 401 just means "not logged in".
export async function loadSession() {
  try {
    const res = await api.get('/api/v1/me', { authRedirect: false });
    setCsrfToken(res.data.csrf_token);
    set({ loading: false, user: res.data.user });
  } catch (e) {
    set({ loading: false, user: null });
  }
}

// Logs in; throws ApiError (invalid_credentials, totp_required, invalid_totp, rate_limited, …).
export async function logIn(username, password, totp) {
  const body = { username, password };
  if (totp) body.totp = totp;
  const res = await api.post('/api/v1/session', body, { authRedirect: false });
  setCsrfToken(res.data.csrf_token);
  set({ loading: false, user: res.data.user });
  return res.data.user;
}

export async function logOut() {
  try {
    await api.del('/api/v1/session', { authRedirect: false });
  } finally {
    setCsrfToken(null);
    set({ user: null });
  }
}
