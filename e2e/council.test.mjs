// Browser test of a council meeting: OPC (demo-admin) schedules the meeting through the
// "회의 일정 등록" form (an empty form is refused first, in Korean), puts a tabled task on its
// agenda from the backlog, confirms it, and reads the minutes; the meeting and the minutes pass
// axe at 1366 and 390 px. The tabled task is prepared through the JSON API with the browser's own
// session. The real binary with `--demo`, a fresh SQLite database. Run with
// `node --test e2e/council.test.mjs` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { asDemo, checkA11y, clickAndLoad, mainText, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const TEST_TIMEOUT = 240_000;
const TITLE = '하천 점용허가 절차 통합';

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

/** Sends JSON with the page's session and CSRF token; returns the parsed answer. */
async function api(page, method, path, data) {
  const csrf = await page.locator('input[name="csrf_token"]').first().inputValue();
  const r = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
  const body = await r.json();
  assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${JSON.stringify(body)}`);
  return body;
}

/** Submits the form of #main with its button `name`, waits for the page it loads, checks it with axe. */
async function submit(page, name, urlMatches) {
  await clickAndLoad(page, page.locator('#main form.hanteam-form').getByRole('button', { name, exact: true }), urlMatches);
  await checkA11y(page, `after ${name}: ${page.url()}`);
}

test('OPC schedules a meeting, puts a tabled task on its agenda, confirms it and reads the minutes', { timeout: TEST_TIMEOUT }, async () => {
  let meeting;
  await asDemo(server.url, 'demo-admin', { width: 1366, height: 900 }, async (page) => {
    // A tabled task, as its proposers would bring it.
    const task = await api(page, 'POST', '/api/v1/tasks', { title: TITLE, pair_id: 7 });
    await api(page, 'POST', `/api/v1/tasks/${task.id}/kpis`, { name: '처리 기간', target: '30', unit: '일', due: '2026-12-31' });
    await api(page, 'POST', `/api/v1/tasks/${task.id}/milestones`, { title: '공동 지침 마련', due: '2026-06-30' });
    const current = await api(page, 'GET', `/api/v1/tasks/${task.id}`);
    await api(page, 'POST', `/api/v1/tasks/${task.id}/transitions`, { action: 'table', version: current.version });

    // The form: empty is refused with what to fix; then scheduled.
    await visit(page, '/meetings');
    await clickAndLoad(page, page.getByRole('link', { name: '회의 일정 등록' }), (u) => u.pathname === '/meetings/new');
    await checkA11y(page, 'the form to schedule a meeting');
    await submit(page, '등록', (u) => u.pathname === '/meetings');
    let text = await mainText(page);
    assert.match(text, /아무것도 저장되지 않았습니다/);
    assert.match(text, /회의 차수를 숫자로 입력해 주세요/);
    await page.getByLabel('회의 차수').fill('2');
    await page.getByLabel('회의 일시').fill('2099-07-09T15:00');
    await page.getByLabel('장소').fill('정부서울청사');
    await page.getByLabel('의장').fill('국무1차장');
    await page.locator('fieldset', { hasText: '참석 기관' }).locator('label', { hasText: /^환경부$/ }).click();
    await submit(page, '등록', (u) => /^\/meetings\/\d+$/.test(u.pathname));
    meeting = new URL(page.url()).pathname;
    text = await mainText(page);
    assert.match(text, /저장되었습니다/);
    assert.match(text, /제2차 협업과제점검협의회/);
    assert.match(text, /개최 예정/);

    // The agenda, from the backlog.
    await clickAndLoad(page, page.getByRole('link', { name: '안건 올리기' }), (u) => u.pathname === `${meeting}/agenda`);
    await checkA11y(page, 'the backlog');
    await clickAndLoad(page, page.getByRole('button', { name: new RegExp(`안건으로 올리기.*${TITLE}`) }), (u) => u.pathname === meeting);
    await checkA11y(page, 'the meeting with its agenda');
    assert.match(await mainText(page), new RegExp(`안건 1\\. ${TITLE}`));

    // The decision: confirmed.
    await clickAndLoad(page, page.getByRole('link', { name: /결정하기/ }), (u) => /^\/agenda-items\/\d+\/decision$/.test(u.pathname));
    await checkA11y(page, 'the decision form');
    await page.locator('#f-decision').selectOption('confirmed');
    await submit(page, '결정 기록', (u) => u.pathname === meeting);
    text = await mainText(page);
    assert.match(text, /결정: 확정/);
    assert.match(text, /개최/);

    // The minutes.
    await clickAndLoad(page, page.getByRole('link', { name: '회의록 (인쇄용)' }), (u) => u.pathname === `${meeting}/minutes`);
    await checkA11y(page, 'the minutes');
    text = await mainText(page);
    assert.match(text, /제2차 협업과제점검협의회 회의록/);
    assert.match(text, new RegExp(TITLE));
    assert.match(text, /확정/);
    const history = await api(page, 'GET', `/api/v1/tasks/${task.id}/history`);
    assert.equal(history.at(-1).action, 'confirm');
    assert.equal(history.at(-1).meeting_title, '제2차 협업과제점검협의회');
  });

  // On a phone: the meeting and its minutes, as the public reads them.
  await asDemo(server.url, 'demo-officer', { width: 390, height: 844 }, async (page) => {
    await visit(page, meeting);
    await checkA11y(page, 'the meeting on a phone');
    assert.match(await mainText(page), /제2차 협업과제점검협의회/);
    await visit(page, `${meeting}/minutes`);
    await checkA11y(page, 'the minutes on a phone');
    assert.match(await mainText(page), /회의록/);
    await visit(page, '/');
    await checkA11y(page, 'the home page on a phone');
  });
});
