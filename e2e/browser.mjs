// Browser helpers for the e2e tests: Debian's Chromium through playwright-core (no downloaded browsers),
// and an axe-core check that fails on every serious or critical WCAG 2.0/2.1 A/AA violation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.HANTEAM_CHROMIUM || '/usr/bin/chromium';
// The network is closed: without these flags Chromium stalls on background requests.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const axeSource = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Launches Chromium and opens one page in a fresh context.
 * bypassCSP: the server sends a strict Content-Security-Policy, which would block the injected axe-core.
 * Every same-origin response >= 400 for a sub-resource (CSS, JS, fonts, images) and every uncaught page
 * error is recorded; `assertClean()` fails on them.
 * viewport: the page's size, e.g. `{ width: 390, height: 844 }` for a phone (Playwright's default
 * is 1280×720).
 */
export async function openBrowser(baseURL, { bypassCSP = true, viewport } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ baseURL, bypassCSP, locale: 'ko-KR', ...(viewport ? { viewport } : {}) });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(20_000);
    const page = await context.newPage();
    const problems = [];
    const origin = new URL(baseURL).origin;
    page.on('response', (res) => {
      const req = res.request();
      const u = new URL(res.url());
      if (res.status() >= 400 && req.resourceType() !== 'document' && u.origin === origin && u.pathname !== '/favicon.ico') {
        problems.push(`${res.status()} for ${req.resourceType()} ${u.pathname}${u.search} (on ${page.url()})`);
      }
    });
    page.on('pageerror', (err) => problems.push(`uncaught error on ${page.url()}: ${err.message}`));
    const assertClean = () => {
      const found = problems.splice(0);
      assert.ok(found.length === 0, `the page had failed sub-resources or script errors:\n${found.join('\n')}`);
    };
    return { browser, context, page, assertClean, close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * Runs axe-core on the current document; fails listing every serious or critical violation.
 * axe is injected with a script tag, which works in openBrowser's default bypassCSP context; pass
 * `{ inject: 'evaluate' }` under the page's own CSP, where the source is evaluated through the DevTools
 * protocol instead (CSP does not govern that, and no inline script is attempted, so no violation is logged).
 */
export async function checkA11y(page, label = page.url(), { inject = 'tag' } = {}) {
  await page.waitForLoadState('load');
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    if (inject === 'tag') await page.addScriptTag({ content: axeSource });
    else await page.evaluate(axeSource);
  }
  const results = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values } }),
    AXE_TAGS,
  );
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const lines = bad.map((v) => {
      const targets = v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}`);
      const more = v.nodes.length > 5 ? [`      … and ${v.nodes.length - 5} more`] : [];
      return [`  - [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s)) ${v.helpUrl}`, ...targets, ...more].join('\n');
    });
    assert.fail(`axe-core found ${bad.length} serious/critical violation(s) on ${label}:\n${lines.join('\n')}`);
  }
  return results;
}

/** Goes to `path`, checks the HTTP status and that an HTML page came back, then runs axe on it. */
export async function visit(page, path, { status = 200 } = {}) {
  const res = await page.goto(path, { waitUntil: 'load' });
  assert.ok(res, `no response for ${path}`);
  assert.equal(res.status(), status, `GET ${path}: expected HTTP ${status}, got ${res.status()}`);
  const type = (await res.headerValue('content-type')) || '';
  assert.match(type, /^text\/html/, `GET ${path}: expected an HTML page, got content-type "${type}"`);
  await checkA11y(page, `${path} (HTTP ${status})`);
  return res;
}

/** The visible text of #main (or of the body when the page has no #main), whitespace collapsed. */
export async function mainText(page) {
  const main = page.locator('#main');
  const el = (await main.count()) > 0 ? main : page.locator('body');
  return (await el.innerText()).replace(/\s+/g, ' ').trim();
}

/** Clicks `locator` and waits for the navigation it starts to load. */
export async function clickAndLoad(page, locator, urlMatches) {
  await Promise.all([page.waitForURL(urlMatches), locator.click()]);
  await page.waitForLoadState('load');
}

/** The password of a demo account, from the table of the sign-in page (the page must be open). */
export async function demoPassword(page, login) {
  const row = page.locator('table tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^\\s*${login}\\s*$`) }) });
  assert.equal(await row.count(), 1, `the demo table on /sign-in has no row for ${login}`);
  return (await row.locator('td').first().innerText()).trim();
}

/** Signs in as a demo account (`hanteam serve --demo`) with the password its row on /sign-in shows. */
export async function signInAsDemo(page, login) {
  await visit(page, '/sign-in');
  const password = await demoPassword(page, login);
  await page.getByLabel('아이디', { exact: true }).fill(login);
  await page.getByLabel('비밀번호', { exact: true }).fill(password);
  await clickAndLoad(page, page.locator('#main').getByRole('button', { name: '로그인', exact: true }), (u) => u.pathname !== '/sign-in');
}

/** Opens a browser of `viewport`'s size, signs in as the demo account `login`, runs `steps(page)`,
 * checks nothing failed on the way (assertClean) and closes the browser whatever happened. */
export async function asDemo(baseURL, login, viewport, steps) {
  const b = await openBrowser(baseURL, { viewport });
  try {
    await signInAsDemo(b.page, login);
    await steps(b.page);
    b.assertClean();
  } finally {
    await b.close();
  }
}
