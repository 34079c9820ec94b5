// Browser test of the audit page as an auditor reads it (the real binary with `--demo`, a fresh SQLite
// database): demo-admin changes a task's title with the edit form, then reads /audit at 1366 and 390
// pixels wide: the change is there with the Korean field label, the title before and after, the action's
// Korean name, the task by number and title linking to it and the person by name; the raw JSON is one
// click away. axe-core runs at both widths. Run with `node --test e2e/` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, clickAndLoad, openBrowser, signInAsDemo, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const ADMIN = 'demo-admin';
const TEST_TIMEOUT = 180_000;
const NEW_TITLE = '용인 반도체 국가산단 신속조성 (감사기록 확인)';

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

test('the audit page reads a title edit in Korean, with the task and the person by name, at 1366 and 390 wide', { timeout: TEST_TIMEOUT }, async () => {
  const { page, assertClean, close } = await openBrowser(server.url);
  try {
    await signInAsDemo(page, ADMIN);
    await visit(page, '/tasks/1/edit');
    const title = page.getByLabel('과제명', { exact: false });
    const oldTitle = (await title.inputValue()).trim();
    await title.fill(NEW_TITLE);
    await clickAndLoad(page, page.locator('#main').getByRole('button', { name: /저장/ }), (u) => !u.pathname.endsWith('/edit'));

    for (const [width, height] of [[1366, 900], [390, 844]]) {
      await page.setViewportSize({ width, height });
      await visit(page, '/audit');
      const row = page.locator('table.hanteam-audit-table tbody tr').filter({ hasText: '과제 수정' }).first();
      await row.scrollIntoViewIfNeeded();
      const shown = (await row.innerText()).replace(/\s+/g, ' ');
      for (const wanted of ['과제 수정', '과제명', oldTitle, NEW_TITLE, '체험용 국무조정실 관리자 (demo-admin)', '과제 1 · ']) {
        assert.ok(shown.includes(wanted), `${width}px: the row shows "${wanted}": ${shown}`);
      }
      for (const raw of ['"title"', 'task.update', '"version"']) {
        assert.ok(!shown.includes(raw), `${width}px: "${raw}" stays in the raw record until it is opened: ${shown}`);
      }
      const link = row.getByRole('link', { name: /과제 1 · / });
      assert.equal(await link.getAttribute('href'), '/tasks/1', 'the task links to its page');
      assert.equal(await row.locator('details pre').first().isVisible(), false, 'the raw JSON is folded');

      // One click opens the raw record, as stored.
      await row.locator('details summary').first().click();
      const raw = (await row.locator('details').first().innerText()).replace(/\s+/g, ' ');
      assert.ok(raw.includes('"title"') && raw.includes('task.update'), `${width}px: the raw record: ${raw.slice(0, 200)}`);
      await checkA11y(page, `/audit at ${width}px, raw record open`);
    }

    // The person's name leads to what they did.
    await page.setViewportSize({ width: 1366, height: 900 });
    await visit(page, '/audit');
    const person = page.locator('table.hanteam-audit-table tbody tr').first().getByRole('link', { name: /demo-admin/ });
    await clickAndLoad(page, person, (u) => u.pathname === '/audit' && u.searchParams.get('actor') === ADMIN);
    await checkA11y(page, '/audit?actor=demo-admin');
    assertClean();
  } finally {
    await close();
  }
});
