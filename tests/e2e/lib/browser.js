// The end-to-end harness: Debian's Chromium driven by playwright-core, one browser per test file, a
// context per user (cookies apart), axe-core run on every page shown, and a screenshot of each page in
// tests/artifacts/e2e/. The app runs under its real CSP: axe is evaluated through the DevTools
// protocol (page.evaluate), never injected as an inline script, and a CSP violation fails the page.
//
//   const b = await openBrowser();
//   const page = await b.page({ width: 360, height: 740 });
//   await b.check(page, 'phone-login');   // axe: no serious or critical violation; screenshot
//   await b.settled(page);                 // no request in flight but the event stream, for 500 ms
//   await b.close();
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const ARTIFACTS = path.join(root, 'tests/artifacts/e2e');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export async function openBrowser() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems = new WeakMap(); // page → [messages]: page errors, CSP violations
  const inflight = new WeakMap(); // page → { busy: Set of requests in flight, at: when it last changed }
  return {
    browser,
    // A new tab in a fresh context (its own cookies and storage) at the given viewport.
    async page(viewport = DESKTOP) {
      const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
      const page = await context.newPage();
      page.setDefaultTimeout(20000);
      const list = [];
      problems.set(page, list);
      page.on('pageerror', (e) => list.push(`page error: ${e.message}`));
      // Playwright's networkidle leaves out EventSource requests, but Chromium reports the hops of a
      // redirected one (the server moves a stream off a reused connection with a 307) as "other", so
      // it would wait for the open stream: settled() counts every request but the stream's instead.
      const net = { busy: new Set(), at: Date.now() };
      inflight.set(page, net);
      const isStream = (r) => r.resourceType() === 'eventsource' || new URL(r.url()).pathname === '/api/v1/stream';
      page.on('request', (r) => { if (!isStream(r)) { net.busy.add(r); net.at = Date.now(); } });
      const done = (r) => { if (net.busy.delete(r)) net.at = Date.now(); };
      page.on('requestfinished', done);
      page.on('requestfailed', done);
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) list.push(`CSP: ${m.text()}`);
      });
      return page;
    },
    // Runs axe on the page (no serious or critical violation), checks there was no script error or
    // CSP violation, and saves a full-page screenshot as NAME.png.
    async check(page, name) {
      await this.settled(page);
      const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
      if (!hasAxe) await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      const text = bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
      assert.deepEqual(text, [], `axe on ${name}`);
      assert.deepEqual(problems.get(page) || [], [], `errors on ${name}`);
    },
    // Waits (up to 20 s) until the page has loaded and no request but the event stream has been in
    // flight for 500 ms: Playwright's networkidle, with the stream left out however it was reached.
    async settled(page) {
      await page.waitForLoadState('load');
      const net = inflight.get(page);
      const deadline = Date.now() + 20000;
      while (net.busy.size || Date.now() - net.at < 500) {
        if (Date.now() > deadline) throw new Error(`still loading after 20 s: ${[...net.busy].map((r) => r.url()).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await browser.close();
    },
  };
}
