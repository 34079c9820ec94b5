// Browser walk of a round from scoring to publication: the demo evaluator signs the pledge and
// scores task 1 through the scoring page (제출 after its confirmation), OPC closes scoring through
// the stage pages, 환경부's officer (a party to task 1) files an objection through the objection
// form, OPC rejects it through the decision form, finalises and publishes the round, and the public
// results page shows the grades. What is not the point of the walk goes through the JSON API with
// the browser's own session: the round, its assignment and opening, the evaluator's sheet of task 2,
// the move into 이의신청 and the end of the objection period. After publication OPC opens the prize
// split and 환경부's statement, and the demo exchangee (pair 1) follows the round page's link to its
// own statement. axe-core on every page visited; the scoring page, the objection form, the decision
// form, the prize page, the statements and the results page must have no violation at all. The real binary with `--demo`, a fresh SQLite database. Run with
// `node --test e2e/scoring.test.mjs` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { asDemo, checkA11y, clickAndLoad, mainText, openBrowser, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const TEST_TIMEOUT = 120_000;
const DESK = { width: 1366, height: 900 };
const YONGIN = '세계 최대규모 용인 반도체 국가산단 신속조성';
const CRITERIA = ['국민 체감 변화', '협업의 실질성', '목표 달성도', '절차 개선', '확산 가능성'];
const CODES = ['citizen_change', 'collaboration', 'goal_achievement', 'procedure_saving', 'spread'];

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

/** A date `offset` days from today in Korea (the server's calendar), as YYYY-MM-DD. */
function day(offset) {
  return new Date(Date.now() + 9 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

/** Sends JSON with the page's session and CSRF token; returns the parsed answer. */
async function api(page, method, path, data) {
  const csrf = await page.locator('input[name="csrf_token"]').first().inputValue();
  const r = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
  const body = await r.json();
  assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${JSON.stringify(body)}`);
  return body;
}

/** An agency's id by its short name, from the API. */
async function agencyId(page, shortName) {
  const r = await page.request.get(`/api/v1/agencies/${encodeURIComponent(shortName)}`);
  assert.ok(r.ok(), `agency ${shortName}: ${r.status()}`);
  return (await r.json()).id;
}

async function moveStage(page, id, to) {
  const r = await api(page, 'GET', `/api/v1/evaluation-rounds/${id}`);
  await api(page, 'POST', `/api/v1/evaluation-rounds/${id}/stage`, { to, version: r.version });
}

/** axe-core with no violation of any impact. */
async function spotless(page, label) {
  const results = await checkA11y(page, label);
  const all = results.violations.map((v) => `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(all, [], `axe-core found violations on ${label}`);
}

/** Clicks the button `name` of #main's form and waits for the page its POST answers with. */
async function press(page, name, label) {
  const button = page.locator('#main form').getByRole('button', { name, exact: true });
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

/** OPC moves the round one stage through its page and the confirmation. */
async function stageThroughPage(page, round, to, label) {
  await visit(page, round);
  await clickAndLoad(page, page.getByRole('link', { name: `'${label}' 단계로 옮기기` }), (u) => u.pathname === `${round}/stage/${to}`);
  await checkA11y(page, `the move to ${to}`);
  await press(page, '단계 옮기기', `the round in ${to}`);
  assert.match(await mainText(page), /저장되었습니다/);
}

test('a round from scoring to publication: score, close, object, answer, finalise, publish', { timeout: TEST_TIMEOUT }, async () => {
  let id;
  let round;
  await asDemo(server.url, 'demo-admin', DESK, async (page) => {
    await visit(page, '/evaluation-rounds');
    const r = await api(page, 'POST', '/api/v1/evaluation-rounds', {
      name: '2024년 협업과제 평가(공개까지)',
      setup_on: day(-30), assignment_on: day(-20), scoring_on: day(-10), review_on: day(-5),
      objections_on: day(-1), final_on: day(3), published_on: day(3),
      task_ids: [1, 2], evaluators_per_task: 5, tasks_per_evaluator: 100, lookback_years: 0,
    });
    id = r.id;
    round = `/evaluation-rounds/${id}`;
    await moveStage(page, id, 'assignment');
    await api(page, 'POST', `/api/v1/evaluation-rounds/${id}/assignment`, {});
    await moveStage(page, id, 'scoring');
  });

  await asDemo(server.url, 'demo-evaluator', DESK, async (page) => {
    await visit(page, round);
    await clickAndLoad(page, page.getByRole('link', { name: '내 평가 과제와 서약서' }), (u) => u.pathname === `${round}/my-tasks`);
    await press(page, '위 내용에 동의하고 서약서에 서명하기', 'my tasks after signing');
    await clickAndLoad(page, page.locator(`#main a[href="${round}/my-tasks/1/score"]`), (u) => u.pathname === `${round}/my-tasks/1/score`);
    await spotless(page, 'the scoring page');
    let text = await mainText(page);
    assert.match(text, new RegExp(`채점: 1\\. ${YONGIN}`));
    assert.match(text, /작성 전/);
    assert.match(text, /가중치 40%, 0~5점/);
    for (const [name, score] of CRITERIA.map((c, i) => [c, ['5', '4', '4.5', '3', '4'][i]])) {
      await page.getByLabel(`${name} 점수`).fill(score);
    }
    await page.getByLabel('국민 체감 변화 의견').fill('산단 계획 승인 신청이 앞당겨진 것이 확인됨');
    await clickAndLoad(page, page.locator('#main form').getByRole('button', { name: '제출', exact: true }), (u) => u.pathname === `${round}/my-tasks/1/score/submit`);
    await spotless(page, 'the confirmation before 제출');
    // 40×5/5 + 25×4/5 + 20×4.5/5 + 10×3/5 + 5×4/5 = 40 + 20 + 18 + 6 + 4 = 88
    assert.match(await mainText(page), /가중 합계 88\.00점으로 이 채점표를 제출합니다/);
    await press(page, '제출', 'the sheet submitted');
    text = await mainText(page);
    assert.match(text, /채점표를 제출했습니다/);
    assert.match(text, /제출됨/);
    assert.equal(await page.locator('#main button[name="intent"]').count(), 0, 'a submitted sheet has no form');
    await spotless(page, 'the submitted sheet');

    // Task 2 is not the point of the walk: scored through the API.
    const path = `/api/v1/evaluation-rounds/${id}/tasks/2/score`;
    const scores = CODES.map((code) => ({ code, score: 3, comment: null }));
    const saved = await api(page, 'PUT', path, { scores, comment: null, version: null });
    await api(page, 'POST', `${path}/submit`, { version: saved.version });
  });

  await asDemo(server.url, 'demo-admin', DESK, async (page) => {
    await stageThroughPage(page, round, 'review', '검토');
    await moveStage(page, id, 'objections');
  });

  await asDemo(server.url, 'demo-officer', DESK, async (page) => {
    await visit(page, round);
    await clickAndLoad(page, page.getByRole('link', { name: '이의신청하기' }), (u) => u.pathname === `${round}/objections/new`);
    await spotless(page, 'the objection form');
    await page.getByLabel('과제', { exact: false }).first().selectOption('1');
    await page.getByLabel('이의신청 사유').fill('2024년 하반기 환경영향평가 단축 실적이 평가 근거에 빠졌습니다.');
    await press(page, '이의신청', 'the round with the objection');
    assert.match(await mainText(page), /환경영향평가 단축 실적이 평가 근거에 빠졌습니다/);
  });

  await asDemo(server.url, 'demo-admin', DESK, async (page) => {
    await visit(page, round);
    await clickAndLoad(page, page.locator('section[aria-labelledby="h-objections"] a', { hasText: '결정하기' }).first(), (u) => /\/objections\/\d+\/decision$/.test(u.pathname));
    await spotless(page, 'the decision form');
    await page.locator('#f-decision').selectOption('rejected');
    await page.getByLabel('결정 사유').fill('해당 실적은 점검 보고에 이미 반영되어 평가되었습니다.');
    await press(page, '결정 저장', 'the round with the objection answered');
    assert.match(await mainText(page), /이미 반영되어 평가되었습니다/);

    // The objection period ends yesterday, so the round may be final today.
    await visit(page, `${round}/edit`);
    await page.getByLabel('확정일', { exact: false }).first().fill(day(0));
    await page.getByLabel('공개일', { exact: false }).first().fill(day(0));
    await press(page, '저장', 'the round with its objection period over');
    await stageThroughPage(page, round, 'final', '확정');
    await stageThroughPage(page, round, 'published', '공개');

    // The prize split and an agency's statement (환경부, a party to task 1).
    await clickAndLoad(page, page.locator('#main a', { hasText: '포상금 배분' }).first(), (u) => u.pathname === `${round}/prizes`);
    await spotless(page, 'the prize page');
    await visit(page, `${round}/statements/agencies/${await agencyId(page, '환경부')}`);
    await spotless(page, "환경부's statement");
    assert.match(await mainText(page), /환경부/);
  });

  // The exchangee of pair 1 (국토부 국토정책관, 국장급) finds its own statement from the round's page.
  await asDemo(server.url, 'demo-exchangee', DESK, async (page) => {
    await visit(page, round);
    await clickAndLoad(page, page.locator('#main a', { hasText: '내 지급 명세서' }).first(), (u) => u.pathname === `${round}/statements/person`);
    await spotless(page, "the exchangee's own statement");
    const text = await mainText(page);
    assert.match(text, /특별성과가산금/);
    assert.match(text, /지급표에 금액 없음/, 'the 2024 table has no 국장급 amount');
  });

  const b = await openBrowser(server.url, { viewport: DESK });
  try {
    await visit(b.page, `${round}/results`);
    await spotless(b.page, 'the public results page');
    const rows = b.page.locator('#main table').first().locator('tbody tr');
    assert.equal(await rows.count(), 2, 'both tasks are listed');
    const first = rows.filter({ hasText: YONGIN });
    assert.match((await first.locator('td').nth(1).innerText()).trim(), /^[SABC]$/, 'task 1 has a grade');
    const text = await mainText(b.page);
    assert.doesNotMatch(text, /demo-evaluator|평가위원 담당자|산단 계획 승인 신청이 앞당겨진/, 'no evaluator, no comment');
    assert.doesNotMatch(text, /환경영향평가 단축 실적이 평가 근거에 빠졌습니다/, 'no objection');
    b.assertClean();
  } finally {
    await b.close();
  }
});
