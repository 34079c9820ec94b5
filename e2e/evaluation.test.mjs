// Browser walk of an evaluation round (평가 회차): OPC opens the rounds, creates one through its
// form (one evaluator per task, so the single demo evaluator can fill every panel), sees the rubric
// labelled as hanteam's 기본안, confirms the assignment and moves the round to 배정; the demo
// evaluator reads the pledge before any task, signs it and sees its tasks. axe-core on every page
// visited. The real binary with `--demo`, a fresh SQLite database. Run with
// `node --test e2e/evaluation.test.mjs` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { asDemo, checkA11y, clickAndLoad, mainText, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const TEST_TIMEOUT = 180_000;
const DESK = { width: 1366, height: 900 };

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

/** Clicks a submit button of #main, waits for the page its POST answers with and checks it with axe. */
async function post(page, name, label) {
  const button = page.locator('#main form').getByRole('button', { name, exact: true });
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

test('a round: OPC creates it, assigns and opens it; the evaluator signs the pledge and sees its tasks', { timeout: TEST_TIMEOUT }, async () => {
  let round;
  await asDemo(server.url, 'demo-admin', DESK, async (page) => {
    await visit(page, '/evaluation-rounds');
    await clickAndLoad(page, page.getByRole('link', { name: '새 평가 회차 만들기' }), (u) => u.pathname === '/evaluation-rounds/new');
    await checkA11y(page, 'the new round form');
    await page.getByLabel('평가 회차 이름').fill('2024년 협업과제 평가');
    const dates = [['준비 시작일', '2024-10-01'], ['배정 시작일', '2024-10-15'], ['채점 시작일', '2024-11-01'],
      ['검토 시작일', '2024-11-20'], ['이의신청 시작일', '2024-12-01'], ['확정일', '2024-12-08'], ['공개일', '2024-12-15']];
    for (const [label, value] of dates) {
      await page.getByLabel(label, { exact: false }).first().fill(value);
    }
    await page.getByLabel('과제당 평가위원 수').fill('1');
    await page.getByLabel('평가위원당 최대 과제 수').fill('100');
    await page.getByLabel('제척 기준 기간(년)').fill('0');
    await post(page, '평가 회차 만들기', 'the new round');
    round = new URL(page.url()).pathname;
    assert.match(round, /^\/evaluation-rounds\/\d+$/);
    const text = await mainText(page);
    assert.match(text, /공식 평가표가 아닙니다/);
    assert.match(text, /국민 체감 변화/);
    await clickAndLoad(page, page.getByRole('link', { name: '평가위원 배정' }), (u) => u.pathname === `${round}/assignment`);
    await checkA11y(page, 'the assignment page');
    await post(page, '배정 확정', 'the round with its panels');
    assert.match(await mainText(page), /구성 완료/);
    await clickAndLoad(page, page.getByRole('link', { name: "'배정' 단계로 옮기기" }), (u) => u.pathname === `${round}/stage/assignment`);
    await checkA11y(page, 'the stage confirmation');
    await post(page, '단계 옮기기', 'the round in 배정');
    assert.match(await mainText(page), /저장되었습니다/);
  });
  await asDemo(server.url, 'demo-evaluator', DESK, async (page) => {
    await visit(page, round);
    await clickAndLoad(page, page.getByRole('link', { name: '내 평가 과제와 서약서' }), (u) => u.pathname === `${round}/my-tasks`);
    await checkA11y(page, 'the pledge before any task');
    let text = await mainText(page);
    assert.match(text, /본인은 이 평가 회차의 평가위원으로서/);
    assert.doesNotMatch(text, /배정된 과제/);
    await post(page, '위 내용에 동의하고 서약서에 서명하기', 'my tasks after signing');
    text = await mainText(page);
    assert.match(text, /서명함/);
    assert.match(text, /배정된 과제/);
    assert.ok(await page.locator('#main a', { hasText: '회피 신청' }).count() > 0, 'a 회피 link per task');
  });
});
