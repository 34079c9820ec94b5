// Browser tests of what a person reads and does day to day, at 1366 and at 390 px wide with axe-core
// on every page: the task list sorted by a column, an officer's own work first on the home page, an
// overdue milestone flagged on the task page, the footer's policy pages. The real binary with
// `--demo`, a fresh SQLite database. Run with `node --test e2e/` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, clickAndLoad, mainText, openBrowser, signInAsDemo, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const TEST_TIMEOUT = 180_000;
const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

/** The titles of the task table's rows, in order. */
async function titles(page) {
  return page.locator('table.hanteam-task-table tbody tr td:nth-child(2) > a').allInnerTexts();
}

test('the task list is sorted by a column head, and by the 정렬 choice on a phone', { timeout: TEST_TIMEOUT }, async () => {
  for (const viewport of WIDTHS) {
    const b = await openBrowser(server.url, { viewport });
    const { page, assertClean } = b;
    try {
      await visit(page, '/tasks?agency=' + encodeURIComponent('환경부'));
      const before = await titles(page);
      assert.ok(before.length > 2, 'several 환경부 tasks');
      if (viewport.width > 1000) {
        await clickAndLoad(page, page.locator('thead').getByRole('link', { name: /^과제명/ }), (u) => u.searchParams.get('sort') === 'title');
      } else {
        const sort = page.getByLabel('정렬', { exact: true });
        if (!(await sort.isVisible())) await page.locator('summary', { hasText: '검색 조건' }).first().click();
        await sort.selectOption('title');
        await clickAndLoad(page, page.locator('form[role="search"]').getByRole('button', { name: '검색', exact: true }), (u) => u.searchParams.get('sort') === 'title');
      }
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('agency'), '환경부', 'the filter stays when the order changes');
      const sorted = await titles(page);
      assert.deepEqual(sorted, [...before].sort(), `가나다순 at ${viewport.width}px`);
      assert.equal(await page.locator('th[aria-sort="ascending"]').innerText().then((t) => t.trim().startsWith('과제명')), true);
      await checkA11y(page, `/tasks sorted by title at ${viewport.width}px`);
      const text = await mainText(page);
      assert.match(text, /국토부↔환경부/, 'the pair by its two agencies');
      assertClean();
    } finally {
      await b.close();
    }
  }
});

test('a signed-in officer sees their own work above the public summary', { timeout: TEST_TIMEOUT }, async () => {
  for (const viewport of WIDTHS) {
    const b = await openBrowser(server.url, { viewport });
    const { page, assertClean } = b;
    try {
      await signInAsDemo(page, 'demo-officer');
      await visit(page, '/');
      const work = page.getByRole('heading', { name: '내 업무', level: 2 });
      const summary = page.getByRole('heading', { name: '한눈에 보기', level: 2 });
      const [w, s] = [await work.boundingBox(), await summary.boundingBox()];
      assert.ok(w && s && w.y < s.y, `내 업무 comes first at ${viewport.width}px`);
      const text = await mainText(page);
      assert.match(text, /맡은 협업과제 \d+건/);
      assert.match(text, /과제에 참여하지 않는 기관 2곳 별도/);
      assert.match(text, /해당 과제 없음: 발굴, 상정, 추진 중, 일시중지, 완료, 중단/);
      assertClean();
    } finally {
      await b.close();
    }
  }
});

test('an overdue milestone is flagged on the task page', { timeout: TEST_TIMEOUT }, async () => {
  const b = await openBrowser(server.url);
  const { page, assertClean } = b;
  try {
    await signInAsDemo(page, 'demo-admin');
    await visit(page, '/tasks/1/milestones/new');
    await page.getByLabel(/^일정/).fill('평가전담반 구성');
    await page.getByLabel('기한', { exact: true }).fill('2020-01-01');
    await clickAndLoad(page, page.locator('#main').getByRole('button', { name: '저장', exact: true }), (u) => u.pathname === '/tasks/1');
    const row = page.locator('tr', { hasText: '평가전담반 구성' });
    await assert.doesNotReject(row.locator('.hanteam-overdue', { hasText: /기한 \d+일 지남/ }).waitFor());
    await checkA11y(page, '/tasks/1 with an overdue milestone');

    // A done date in the future is refused, and the focus goes to the message.
    await visit(page, '/tasks/1/milestones/new');
    await page.getByLabel(/^일정/).fill('준공');
    await page.getByLabel('완료일', { exact: true }).fill('2999-01-01');
    await page.locator('#main').getByRole('button', { name: '저장', exact: true }).click();
    await page.waitForLoadState('load');
    const focused = await page.evaluate(() => document.activeElement?.closest('[role="alert"]')?.innerText ?? '');
    assert.match(focused, /뒤일 수 없습니다/, `the focus is on the error summary: "${focused}"`);
    assertClean();
  } finally {
    await b.close();
  }
});

test('the footer names the operator and its policy links open pages that exist', { timeout: TEST_TIMEOUT }, async () => {
  for (const viewport of WIDTHS) {
    const b = await openBrowser(server.url, { viewport });
    const { page, assertClean } = b;
    try {
      for (const [name, path] of [['개인정보처리방침', '/privacy'], ['저작권정책', '/copyright'], ['웹접근성', '/accessibility']]) {
        await visit(page, '/');
        const footer = page.locator('#krds-footer');
        assert.match(await footer.innerText(), /운영기관\s*국무조정실/);
        await clickAndLoad(page, footer.getByRole('link', { name, exact: true }), (u) => u.pathname === path);
        assert.equal((await page.locator('h1').innerText()).trim(), name);
        await checkA11y(page, `${path} at ${viewport.width}px`);
      }
      assertClean();
    } finally {
      await b.close();
    }
  }
});
