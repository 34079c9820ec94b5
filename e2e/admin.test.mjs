// Browser test of the administration of accounts (the real binary with `--demo`, a fresh SQLite
// database): demo-admin signs in, opens 계정 from the menu, makes an account with the form (a
// mistake first: the form keeps what was typed), sees its one-time password once, signs in as it in a
// second browser (which must change the password), and disables it. axe-core runs on every page
// visited. Run with `node --test e2e/` after `cargo build -p hanteam` (scripts/test.sh does both).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, clickAndLoad, demoPassword, mainText, openBrowser, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const ADMIN = 'demo-admin';
const TEST_TIMEOUT = 180_000;

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});


/** Signs in through the form with `login` and `password`; returns where the browser landed. */
async function signIn(page, login, password) {
  await visit(page, '/sign-in');
  await page.getByLabel('아이디', { exact: true }).fill(login);
  await page.getByLabel('비밀번호', { exact: true }).fill(password);
  await clickAndLoad(page, page.locator('#main').getByRole('button', { name: '로그인', exact: true }), (u) => u.pathname !== '/sign-in');
  return new URL(page.url());
}

test('OPC makes an account with the form, its person signs in with the one-time password, OPC disables it', { timeout: TEST_TIMEOUT }, async () => {
  const b = await openBrowser(server.url);
  const other = await openBrowser(server.url);
  const { page, assertClean } = b;
  try {
    await visit(page, '/sign-in');
    await signIn(page, ADMIN, await demoPassword(page, ADMIN));

    // The menu leads OPC to the accounts.
    await clickAndLoad(page, page.locator('#krds-header').getByRole('link', { name: '계정', exact: true }), (u) => u.pathname === '/users');
    await checkA11y(page, '/users');
    assert.match(await mainText(page), /demo-officer/, 'the list shows the demo accounts');

    // A new account: first without a name (the form keeps the rest), then complete.
    await clickAndLoad(page, page.getByRole('link', { name: '새 계정 만들기', exact: true }), (u) => u.pathname === '/users/new');
    await checkA11y(page, '/users/new');
    await page.getByLabel('아이디', { exact: false }).fill('choi.env');
    // KRDS draws the box on the label; the input itself is hidden, so the label is what a person clicks.
    await page.locator('label[for="f-role-agency_officer"]').click();
    assert.ok(await page.getByLabel('기관 담당자', { exact: true }).isChecked(), 'clicking the label ticks the role');
    await page.getByLabel('소속 기관', { exact: true }).selectOption({ value: '환경부' });
    await clickAndLoad(page, page.getByRole('button', { name: '계정 만들기', exact: true }), (u) => u.pathname === '/users');
    assert.match(await mainText(page), /이름은 1~100자/, 'the missing name is named');
    assert.equal(await page.getByLabel('아이디', { exact: false }).inputValue(), 'choi.env', 'what was typed stays');
    assert.ok(await page.getByLabel('기관 담당자', { exact: true }).isChecked(), 'the ticked role stays ticked');
    await checkA11y(page, '/users (form refused)');
    await page.getByLabel('이름', { exact: false }).fill('최환경');
    await clickAndLoad(page, page.getByRole('button', { name: '계정 만들기', exact: true }), (u) => u.pathname === '/users');
    assert.equal((await page.locator('h1').innerText()).trim(), '계정을 만들었습니다');
    const oneTime = (await page.locator('code.hanteam-secret').innerText()).trim();
    assert.ok(oneTime.length >= 16, `a one-time password is shown: "${oneTime}"`);
    await checkA11y(page, '/users (created)');

    // Its person signs in elsewhere and is sent to change the password first.
    const landed = await signIn(other.page, 'choi.env', oneTime);
    assert.equal(`${landed.pathname}${landed.search}`, '/account?password=required');

    // OPC disables it, after a confirmation.
    await visit(page, '/users');
    const choiRow = page.locator('table tbody tr').filter({ has: page.locator('th', { hasText: /^\s*choi\.env\s*$/ }) });
    await clickAndLoad(page, choiRow.getByRole('link', { name: /사용 중지/ }), (u) => u.pathname.endsWith('/disable'));
    await checkA11y(page, 'disable confirmation');
    await clickAndLoad(page, page.locator('#main').getByRole('button', { name: '사용 중지', exact: true }), (u) => u.pathname === '/users');
    assert.match(await mainText(page), /저장되었습니다/);
    assert.match(await choiRow.innerText(), /사용 중지/);
    await checkA11y(page, '/users?saved=1');
    assertClean();
    other.assertClean();
  } finally {
    await b.close();
    await other.close();
  }
});
