// The citizen's calls to the public tip API: no session, no CSRF token, no cookie sent. The receipt
// travels only in POST bodies and lives only in the page's memory (never in a URL or in storage).
import { ApiError } from './api.js';

// One request to a public route; body is an object (sent as JSON) or a FormData (multipart, the
// browser writes the boundary). Returns the parsed answer; throws ApiError like api.js.
export async function publicRequest(method, path, body) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', '');
  }
  let json = null;
  if ((res.headers.get('Content-Type') || '').startsWith('application/json')) {
    try { json = await res.json(); } catch (e) { json = null; }
  }
  if (res.ok) return json;
  const err = (json && json.error) || {};
  throw new ApiError(res.status, err.code || 'http_' + res.status, err.message, err.fields);
}

// "1234 5678-9012 3456" → "1234567890123456"; '' when it is not 16 digits.
export function receiptDigits(text) {
  const d = String(text || '').replace(/\D/g, '');
  return d.length === 16 ? d : '';
}

// "1234567890123456" → ["1234", "5678", "9012", "3456"].
export function receiptGroups(text) {
  const d = String(text || '').replace(/\D/g, '');
  return d.match(/.{1,4}/g) || [];
}
