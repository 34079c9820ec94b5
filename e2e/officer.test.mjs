// Browser test of an agency officer's write (the real binary with `--demo`, a fresh SQLite database):
// read demo-officer's password from the sign-in page, sign in, change 환경부's role in the Yongin
// semiconductor task through the form and see it saved; 국토부's role has no edit link and its form
// answers 403 "권한이 없습니다". axe-core runs on every page visited. Run with `node --test e2e/`
// after `cargo build -p hanteam` (scripts/test.sh does both).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, clickAndLoad, demoPassword, mainText, openBrowser, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const YONGIN = '세계 최대규모 용인 반도체 국가산단 신속조성';
const OFFICER = 'demo-officer';
const TEST_TIMEOUT = 180_000;

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});


/** The Yongin task's id and 국토부's agency id, from the JSON API. */
async function yonginIds(page) {
  const res = await page.request.get(`/api/v1/tasks?q=${encodeURIComponent('용인 반도체')}`);
  assert.equal(res.status(), 200, 'GET /api/v1/tasks?q=용인 반도체');
  const task = (await res.json()).items.find((t) => t.title === YONGIN);
  assert.ok(task, `the API does not list "${YONGIN}"`);
  const molit = task.agencies.find((a) => a.short_name === '국토부');
  assert.ok(molit, '국토부 should take part in the Yongin task');
  return { taskId: task.id, molitId: molit.id };
}

/** The row of the table under the heading "기관별 역할" whose header cell is `agency`. */
function roleRow(page, agency) {
  const table = page.getByRole('heading', { name: '기관별 역할', exact: true }).locator('xpath=following::table[1]');
  return table.locator('tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^\\s*${agency}\\s*$`) }) });
}

test('an agency officer changes its own agency\'s role and may not change another\'s', { timeout: TEST_TIMEOUT }, async () => {
  const b = await openBrowser(server.url);
  const { page, assertClean } = b;
  try {
    // The sign-in page lists the demo accounts: take demo-officer's password from it.
    await visit(page, '/sign-in');
    assert.equal((await page.locator('h1').innerText()).trim(), '로그인');
    const demoRow = page.locator('table tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^\\s*${OFFICER}\\s*$`) }) });
    assert.equal(await demoRow.count(), 1, `the demo table on /sign-in has no row for ${OFFICER}`);
    const cells = await demoRow.locator('td').allInnerTexts();
    const password = cells[0].trim();
    assert.ok(password.length >= 10, `no password for ${OFFICER} in the demo table: ${JSON.stringify(cells)}`);
    assert.match(cells[1], /환경부/, `${OFFICER} should be described as an officer of 환경부, is "${cells[1]}"`);
    assertClean();

    // Sign in with the form.
    await page.getByLabel('아이디', { exact: true }).fill(OFFICER);
    await page.getByLabel('비밀번호', { exact: true }).fill(password);
    await clickAndLoad(page, page.locator('#main').getByRole('button', { name: '로그인', exact: true }), (u) => u.pathname !== '/sign-in');
    const header = (await page.locator('#krds-header').innerText()).replace(/\s+/g, ' ');
    assert.match(header, /기관 담당자/, `after sign-in the header should show the officer's role, shows: ${header}`);
    assert.ok(await page.getByRole('button', { name: '로그아웃', exact: true }).isVisible(), 'no 로그아웃 button after sign-in');
    await checkA11y(page, `${new URL(page.url()).pathname} (signed in)`);
    assertClean();

    // Open the Yongin task from the list.
    await visit(page, '/tasks');
    await clickAndLoad(page, page.getByRole('link', { name: YONGIN, exact: true }), (u) => /^\/tasks\/\d+$/.test(u.pathname));
    const taskPath = new URL(page.url()).pathname;
    await checkA11y(page, `${taskPath} (${YONGIN}, signed in)`);

    // 환경부's row has the edit link, 국토부's has none.
    assert.equal(await roleRow(page, '환경부').count(), 1, 'the roles table has no 환경부 row');
    assert.equal(await roleRow(page, '국토부').count(), 1, 'the roles table has no 국토부 row');
    assert.equal(await roleRow(page, '국토부').getByRole('link', { name: /역할 수정/ }).count(), 0,
      'an officer of 환경부 must not get an edit link for 국토부\'s role');
    const editLink = roleRow(page, '환경부').getByRole('link', { name: /역할 수정/ });
    assert.equal(await editLink.count(), 1, 'an officer of 환경부 should get an edit link for 환경부\'s role');

    // Change the role through the form.
    await clickAndLoad(page, editLink, (u) => u.pathname.startsWith(`${taskPath}/roles/`));
    await checkA11y(page, `${new URL(page.url()).pathname} (role form)`);
    const newRole = `환경영향평가 평가전담반 운영, 용수확보·공급 지원 (브라우저 시험 ${Date.now()})`;
    const textarea = page.getByLabel('환경부 역할');
    assert.match(await textarea.inputValue(), /환경영향평가/, 'the role form should start with the current role');
    await textarea.fill(newRole);
    await clickAndLoad(page, page.getByRole('button', { name: '저장', exact: true }), (u) => u.pathname === taskPath);
    assert.equal(new URL(page.url()).searchParams.get('saved'), '1', `after saving, expected ${taskPath}?saved=1, got ${page.url()}`);
    const text = await mainText(page);
    assert.ok(text.includes('저장되었습니다.'), 'the task page should say 저장되었습니다. after saving');
    const envRole = (await roleRow(page, '환경부').locator('td').first().innerText()).trim();
    assert.equal(envRole, newRole, 'the task page should show the new role of 환경부');
    await checkA11y(page, `${taskPath}?saved=1`);
    assertClean();

    // 국토부's role form, opened directly: 403 "권한이 없습니다".
    const { taskId, molitId } = await yonginIds(page);
    assert.equal(`/tasks/${taskId}`, taskPath, 'the API and the page disagree on the Yongin task\'s id');
    const forbidden = `${taskPath}/roles/${molitId}`;
    await visit(page, forbidden, { status: 403 });
    assert.equal((await page.locator('h1').innerText()).trim(), '권한이 없습니다', `${forbidden} should show the 403 page`);
    assert.equal(await page.locator('textarea').count(), 0, `${forbidden} must not show a form`);
    assertClean();

    // Sign out: back home as the public, with a 로그인 link.
    await clickAndLoad(page, page.getByRole('button', { name: '로그아웃', exact: true }), (u) => u.pathname === '/');
    assert.ok(await page.locator('#krds-header').getByRole('link', { name: '로그인', exact: true }).isVisible(),
      'after sign-out the header should offer 로그인');
    await checkA11y(page, '/ (signed out)');
    assertClean();
  } finally {
    await b.close();
  }
});

test('the sign-in, account and form pages load under the server\'s own Content-Security-Policy', { timeout: TEST_TIMEOUT }, async () => {
  // As in tasks.test.mjs: a `securitypolicyviolation` listener put in before each page parses records
  // inline scripts or styles and other origins; axe is injected through the DevTools protocol.
  const b = await openBrowser(server.url, { bypassCSP: false });
  const { page } = b;
  try {
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.documentURI}`);
      });
    });
    const violations = [];
    const check = async (label) => {
      violations.push(...(await page.evaluate(() => window.__cspViolations.splice(0))).map((v) => `${label}: ${v}`));
      await checkA11y(page, `${label} (under the server's CSP)`, { inject: 'evaluate' });
    };
    await page.goto('/sign-in', { waitUntil: 'load' });
    await check('/sign-in');
    const password = await demoPassword(page, OFFICER);
    await page.getByLabel('아이디', { exact: true }).fill(OFFICER);
    await page.getByLabel('비밀번호', { exact: true }).fill(password);
    await clickAndLoad(page, page.locator('#main').getByRole('button', { name: '로그인', exact: true }), (u) => u.pathname !== '/sign-in');
    await check(new URL(page.url()).pathname);
    const { taskId, molitId } = await yonginIds(page);
    for (const [path, status] of [['/account', 200], [`/tasks/${taskId}`, 200], [`/tasks/${taskId}/roles/${molitId}`, 403]]) {
      const res = await page.goto(path, { waitUntil: 'load' });
      assert.equal(res.status(), status, `GET ${path}`);
      await check(path);
    }
    assert.ok(violations.length === 0, `CSP violations:\n${violations.join('\n')}`);
    b.assertClean();
  } finally {
    await b.close();
  }
});
