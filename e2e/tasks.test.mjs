// Browser test of hanteam (the real binary, a fresh SQLite database seeded with the built-in 41 tasks):
// opens the task list, filters by 환경부, opens the Yongin semiconductor task and checks its roles;
// axe-core runs on every page visited. Run with `node --test e2e/` after `cargo build -p hanteam`
// (scripts/test.sh does both).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, mainText, openBrowser, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const YONGIN = '세계 최대규모 용인 반도체 국가산단 신속조성';
const HANGUL = /[가-힣]/;
const TEST_TIMEOUT = 180_000;

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** Opens a browser page on the server, runs `fn(page, assertClean)`, always closes the browser. */
async function withPage(fn, options) {
  const b = await openBrowser(server.url, options);
  try {
    await fn(b.page, b.assertClean);
  } finally {
    await b.close();
  }
}

/** Waits for a visible "총 N건" count on the page. */
async function expectCount(page, n) {
  const count = page.getByText(new RegExp(`총\\s*${n}\\s*건`)).first();
  try {
    await count.waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    const shown = (await mainText(page)).match(/총\s*\d+\s*건/);
    assert.fail(`expected the count "총 ${n}건" on ${page.url()}, found ${shown ? `"${shown[0]}"` : 'no "총 N건" text'}`);
  }
}

test('task list → filter by 환경부 → the Yongin semiconductor task and its roles', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(async (page, assertClean) => {
    // Home.
    await visit(page, '/');
    assertClean();

    // The full list: all 41 seeded tasks.
    await visit(page, '/tasks');
    await expectCount(page, 41);
    assert.ok((await page.locator('#main table tbody tr').count()) > 0, 'the task table on /tasks has no rows');
    assertClean();

    // Filter by agency with the form.
    const agency = page.getByLabel('기관', { exact: true });
    assert.equal(await agency.getAttribute('id'), 'f-agency', 'the control labelled "기관" is not <select id="f-agency">');
    await agency.selectOption({ value: '환경부' });
    await Promise.all([
      page.waitForURL((u) => u.searchParams.has('agency')),
      page.getByRole('button', { name: '검색', exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    assert.ok(page.url().includes('agency=%ED%99%98%EA%B2%BD%EB%B6%80'),
      `after 검색 the URL should carry agency=환경부 percent-encoded, got ${page.url()}`);
    await expectCount(page, 5);
    assert.equal(await page.locator('#main table tbody tr').count(), 5, 'the filtered table should have 5 rows');
    assert.equal(await page.locator('#f-agency').inputValue(), '환경부', 'the agency filter should stay selected');
    await checkA11y(page, '/tasks?agency=환경부');
    assertClean();

    // Open the Yongin task.
    const link = page.getByRole('link', { name: YONGIN, exact: true });
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith('/tasks/')),
      link.click(),
    ]);
    await page.waitForLoadState('load');
    const h1 = page.locator('h1');
    assert.equal(await h1.count(), 1, `the task page ${page.url()} should have exactly one h1`);
    assert.equal((await h1.innerText()).trim(), YONGIN);

    // The roles table under the heading "기관별 역할".
    const heading = page.getByRole('heading', { name: '기관별 역할', exact: true });
    await heading.waitFor({ state: 'visible' });
    const table = heading.locator('xpath=following::table[1]');
    assert.equal(await table.count(), 1, 'no table after the heading "기관별 역할"');
    const rows = await table.evaluate((t) =>
      [...t.querySelectorAll('tr')].map((tr) => ({
        th: (tr.querySelector('th')?.innerText ?? '').replace(/\s+/g, ' ').trim(),
        td: [...tr.querySelectorAll('td')].map((td) => td.innerText.replace(/\s+/g, ' ').trim()).join(' | '),
      })));
    const expectRole = (agencyName, text) => {
      const row = rows.find((r) => r.th === agencyName);
      assert.ok(row, `the roles table has no row whose th is "${agencyName}"; rows: ${JSON.stringify(rows)}`);
      assert.ok(row.td.includes(text), `the ${agencyName} row should contain "${text}", has "${row.td}"`);
    };
    expectRole('국토부', '산업단지계획 마련 및 입지규제 개선');
    expectRole('환경부', '환경영향평가 평가전담반 운영, 용수확보·공급 지원');
    await checkA11y(page, `${new URL(page.url()).pathname} (${YONGIN})`);
    assertClean();
  });
});

test('the other pages answer as expected and pass axe', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(async (page, assertClean) => {
    const pages = [
      ['/pairs', 200],
      ['/agencies', 200],
      ['/agencies/환경부', 200],
      ['/meetings', 200],
      ['/meetings/1', 200],
    ];
    for (const [path, status] of pages) {
      await t.test(`${path}`, async () => {
        await visit(page, path, { status });
        const h1 = page.locator('h1');
        assert.equal(await h1.count(), 1, `${path} should have exactly one h1`);
        assert.match(await h1.innerText(), HANGUL, `${path}: the h1 should be Korean`);
        assertClean();
      });
    }
    await t.test('/agencies/환경부 is about 환경부', async () => {
      await visit(page, '/agencies/환경부');
      assert.ok((await mainText(page)).includes('환경부'), '/agencies/환경부 does not mention 환경부');
    });

    await t.test('/tasks?limit=abc → 400 with a Korean error', async () => {
      await visit(page, '/tasks?limit=abc', { status: 400 });
      const text = await mainText(page);
      assert.match(text, HANGUL, `/tasks?limit=abc should show a Korean error message, shows: ${text.slice(0, 300)}`);
      assert.doesNotMatch(text, /총\s*41\s*건/, '/tasks?limit=abc should show an error, not the list');
      assertClean();
    });

    await t.test('/tasks/9999 → 404 with a Korean message', async () => {
      await visit(page, '/tasks/9999', { status: 404 });
      const text = await mainText(page);
      assert.match(text, HANGUL, `/tasks/9999 should show a Korean message, shows: ${text.slice(0, 300)}`);
      assertClean();
    });
  });
});

test('keyboard: the first Tab reaches the skip link, Enter moves to #main', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(async (page, assertClean) => {
    await visit(page, '/tasks');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return { tag: el?.tagName, text: (el?.innerText ?? el?.textContent ?? '').trim(), href: el?.getAttribute('href') };
    });
    assert.equal(focused.text, '본문 바로가기', `the first Tab should focus the skip link, focused ${JSON.stringify(focused)}`);
    assert.equal(focused.tag, 'A', 'the skip link should be a link');
    assert.equal(focused.href, '#main', 'the skip link should point at #main');

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#main');
    assert.equal(await page.locator('#main').count(), 1, 'there is no #main to skip to');
    // The next Tab continues inside the main content, past the header and navigation.
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => {
      const main = document.getElementById('main');
      const el = document.activeElement;
      return { ok: !!main && main !== el && main.contains(el), focused: el?.outerHTML.slice(0, 200) };
    });
    assert.ok(inMain.ok, `after the skip link, Tab should move into #main; focused: ${inMain.focused}`);
    assertClean();
  });
});

test('pages load under the server\'s own Content-Security-Policy without violations', { timeout: TEST_TIMEOUT }, async () => {
  // Same pages, but without bypassCSP. Every CSP violation of a page (inline scripts or styles, other
  // origins) is caught by a `securitypolicyviolation` listener that an init script puts in before the page
  // parses, and read back before axe runs (axe itself adds styles a strict CSP refuses, so any violation
  // logged after that is axe's own). axe runs here too, injected through the DevTools protocol.
  const b = await openBrowser(server.url, { bypassCSP: false });
  try {
    await b.page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}` +
          `${e.sample ? ` (${e.sample})` : ''} at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
      });
    });
    const violations = [];
    for (const path of ['/', '/tasks', '/tasks?agency=환경부', '/pairs', '/agencies', '/meetings', '/meetings/1']) {
      const res = await b.page.goto(path, { waitUntil: 'load' });
      assert.equal(res.status(), 200, `GET ${path}`);
      assert.ok(res.headers()['content-security-policy'], `GET ${path} sent no Content-Security-Policy header`);
      const found = await b.page.evaluate(() => window.__cspViolations.splice(0));
      violations.push(...found.map((v) => `${path}: ${v}`));
      await checkA11y(b.page, `${path} (under the server's CSP)`, { inject: 'evaluate' });
    }
    assert.ok(violations.length === 0, `CSP violations:\n${violations.join('\n')}`);
    b.assertClean();
  } finally {
    await b.close();
  }
});

test('a task prints on A4 without the menus, with its title and the date printed', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(async (page, assertClean) => {
    await visit(page, '/tasks/1');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#krds-header').isVisible(), false, 'the header and its menu do not print');
    assert.equal(await page.locator('#krds-footer').isVisible(), false, 'the footer does not print');
    const stamp = page.locator('.hanteam-print-stamp');
    assert.ok(await stamp.isVisible(), 'a printed copy carries the page title and the date');
    assert.match(await stamp.innerText(), new RegExp(`${YONGIN}.*\\d{4}\\. \\d{1,2}\\. \\d{1,2}\\. \\d{2}:\\d{2} 출력`));
    // The printable width of A4 with the stylesheet's margins (210 - 28 mm) at 96 dpi.
    await page.setViewportSize({ width: 688, height: 1000 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 688, `nothing wider than the A4 page: ${width}px`);
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    assert.equal(pdf.subarray(0, 4).toString(), '%PDF', 'Chromium makes a PDF of it');
    await page.emulateMedia({ media: 'screen' });
    assert.ok(!(await stamp.isVisible()), 'the line is for paper only');
    assertClean();
  });
});
