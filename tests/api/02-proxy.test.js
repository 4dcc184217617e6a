// Behind a reverse proxy: with --trusted-proxy the client address (for login throttling, audit and
// the public rate limits) is the one the proxy appended to X-Forwarded-For; without it the header is
// ignored, so a client cannot pick its own address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';

const ADDRESS_LIMIT = 20; // failed logins per client address in 15 minutes

async function failLogin(srv, username, xff) {
  const res = await fetch(srv.url + '/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
    body: JSON.stringify({ username, password: 'wrong-password' }),
  });
  return res.status;
}

test('with --trusted-proxy, each client behind the proxy is throttled on its own address', async () => {
  const srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      // the client's own entry comes first; only the last one, added by the proxy, counts
      assert.equal(await failLogin(srv, `someone${i}`, `9.9.9.${i}, 10.0.0.1`), 401);
    }
    assert.equal(await failLogin(srv, 'someone-else', '10.0.0.1'), 429);
    assert.equal(await failLogin(srv, 'someone-else', '10.0.0.2'), 401);
  } finally {
    await srv.stop();
  }
});

test('without --trusted-proxy, X-Forwarded-For is ignored', async () => {
  const srv = await startServer();
  try {
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      assert.equal(await failLogin(srv, `someone${i}`, `10.0.0.${i}`), 401);
    }
    assert.equal(await failLogin(srv, 'someone-else', '10.0.0.250'), 429);
  } finally {
    await srv.stop();
  }
});

test('a --trusted-proxy that is not an address stops the server with a clear message', async () => {
  await assert.rejects(startServer({ args: ['--trusted-proxy', 'proxy.example'] }),
    /--trusted-proxy: 'proxy\.example' is not an IP address/);
});
