// Browser test of one full check cycle (주기적 점검): OPC opens a cycle through its form; 환경부's
// officer, on a phone, attaches a PDF to task 1's report, is told what a submission lacks, submits
// it (then it is locked) and raises a bottleneck on the task; OPC returns the report with a comment,
// the officer follows the notification back and resubmits; OPC rates the task 주의, takes the
// bottleneck into mediation, holds the meeting and records its agreement, and closes the cycle; the
// home page then shows the task at risk and no open mediation. axe-core on every page visited. The
// real binary with `--demo`, a fresh SQLite database. Run with `node --test e2e/cycle.test.mjs` after
// `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { asDemo, checkA11y, clickAndLoad, mainText, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const TEST_TIMEOUT = 240_000;
const DESK = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

/** Clicks a submit button of #main and waits for the page its POST answers with (also when that
 * page has the form's own address), then checks it with axe. */
async function post(page, name, label) {
  const button = page.locator('#main form').getByRole('button', { name, exact: true });
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

test('one cycle: opened, a report filed with a file and a bottleneck, returned and resubmitted, the task rated 주의, the mediation concluded, the cycle closed', { timeout: TEST_TIMEOUT }, async () => {
  let cycle;
  let report;
  let bottleneck;
  // 1. OPC opens the cycle; a wrong period is refused first, with what to fix.
  await asDemo(server.url, 'demo-admin', DESK, async (page) => {
    await visit(page, '/checks');
    await clickAndLoad(page, page.getByRole('link', { name: '새 점검 주기 시작' }), (u) => u.pathname === '/checks/new');
    await checkA11y(page, 'the new cycle form');
    await page.getByLabel('점검 주기 이름').fill('2024년 2분기');
    await page.getByLabel('점검 기간 시작일').fill('2024-06-30');
    await page.getByLabel('점검 기간 종료일').fill('2024-04-01');
    await page.getByLabel('보고 기한').fill('2024-07-05');
    await post(page, '점검 주기 시작', 'the cycle form with an error');
    assert.equal(new URL(page.url()).pathname, '/checks', 'the form again, nothing opened');
    assert.match(await mainText(page), /점검 기간 종료일은 시작일과 같거나 뒤여야 합니다/);
    await page.getByLabel('점검 기간 시작일').fill('2024-04-01');
    await page.getByLabel('점검 기간 종료일').fill('2024-06-30');
    await post(page, '점검 주기 시작', 'the new cycle');
    cycle = new URL(page.url()).pathname;
    assert.match(cycle, /^\/checks\/\d+$/);
    const text = await mainText(page);
    assert.match(text, /2024년 2분기/);
    assert.match(text, /과제별 보고와 점검 결과/);
    report = await page.locator(`a[href^="${cycle}/reports/1/"]`, { hasText: '환경부' }).getAttribute('href');
    assert.ok(report, 'task 1 asks 환경부 for a report');
  });
  // 2. 환경부's officer files it on a phone: a file, a refused submission, then a submitted report.
  await asDemo(server.url, 'demo-officer', PHONE, async (page) => {
    await visit(page, report);
    await page.getByLabel('첨부할 파일').setInputFiles({ name: '2분기-실적.pdf', mimeType: 'application/pdf', buffer: PDF });
    await post(page, '파일 올리기', 'the report with its file');
    assert.match(await mainText(page), /2분기-실적\.pdf/);
    await post(page, '저장하고 제출', 'a submission that lacks its narrative');
    assert.match(await mainText(page), /추진실적/);
    assert.ok(await page.locator('#main [aria-invalid="true"]').count() > 0, 'the fields to fix are marked');
    await page.getByLabel('추진실적', { exact: true }).fill('산업단지계획 수립 용역을 마쳤습니다.');
    await page.getByLabel('국민이 체감하는 변화', { exact: true }).fill('산단 조성 일정이 앞당겨졌습니다.');
    for (const reason of await page.locator('#main textarea[name$="_reason"]').all()) {
      await reason.fill('환경영향평가 협의 중');
    }
    await post(page, '저장하고 제출', 'the submitted report');
    const text = await mainText(page);
    assert.match(text, /제출/);
    assert.match(text, /산업단지계획 수립 용역을 마쳤습니다/);
    assert.equal(await page.locator('#main').getByRole('button', { name: '저장하고 제출' }).count(), 0, 'locked once submitted');
    // The report's 애로사항 becomes a bottleneck on record, raised from the task page.
    await clickAndLoad(page, page.locator('#main').getByRole('link', { name: '과제 화면' }), (u) => u.pathname === '/tasks/1');
    await checkA11y(page, 'task 1 for its officer');
    await clickAndLoad(page, page.getByRole('link', { name: '애로사항 제기' }), (u) => u.pathname === '/tasks/1/bottlenecks/new');
    await checkA11y(page, 'the form to raise a bottleneck');
    await page.getByLabel('애로사항 유형').selectOption('disagreement');
    await page.getByLabel('애로사항 내용').fill('산업단지 용수 공급 방식을 두고 국토부와 환경부의 의견이 다릅니다.');
    const agencies = page.locator('fieldset', { hasText: '관련 기관' });
    await agencies.locator('label', { hasText: /^국토부$/ }).click();
    await agencies.locator('label', { hasText: /^환경부$/ }).click();
    await clickAndLoad(page, page.locator('#main form').getByRole('button', { name: '제기', exact: true }), (u) => /^\/bottlenecks\/\d+$/.test(u.pathname));
    await checkA11y(page, 'the bottleneck raised');
    bottleneck = new URL(page.url()).pathname;
    assert.match(await mainText(page), /기관 간 이견/);
  });
  // 3. OPC returns it with a comment.
  await asDemo(server.url, 'demo-admin', DESK, async (page) => {
    await visit(page, report);
    await page.getByLabel('보완 요청 내용').fill('성과지표 실적을 채워 주세요.');
    await post(page, '보완 요청(반려)', 'the returned report');
    assert.match(await mainText(page), /성과지표 실적을 채워 주세요/);
  });
  // 4. The officer is told of the return, and the report is open again.
  await asDemo(server.url, 'demo-officer', PHONE, async (page) => {
    await visit(page, '/notifications');
    assert.match(await mainText(page), /\[추진실적 보완 요청\] 2024년 2분기 — 과제 1 · /);
    await clickAndLoad(page, page.locator('#main table a', { hasText: '추진실적 보완 요청' }), (u) => u.pathname === report);
    await checkA11y(page, 'the returned report, from the notification');
    const text = await mainText(page);
    assert.match(text, /성과지표 실적을 채워 주세요/);
    assert.equal(await page.locator('#main').getByRole('button', { name: '저장하고 제출' }).count(), 1, 'open again');
    await post(page, '저장하고 제출', 'the report resubmitted');
    assert.equal(await page.locator('#main').getByRole('button', { name: '저장하고 제출' }).count(), 0, 'locked again');
  });
  // 5. OPC rates the task 주의, concludes the mediation at its meeting, and closes the cycle.
  await asDemo(server.url, 'demo-admin', DESK, async (page) => {
    await visit(page, report);
    await clickAndLoad(page, page.getByRole('link', { name: '이 과제의 점검 결과 평가' }), (u) => u.pathname.includes('/ratings/'));
    await checkA11y(page, 'the rating form');
    assert.match(await mainText(page), /추진일정과 성과지표로 본 제안/);
    await page.getByRole('combobox', { name: /점검 결과/ }).selectOption('at_risk');
    await page.getByLabel('평가 사유').fill('용수 공급을 두고 기관 간 이견이 있어 조정 중');
    await post(page, '점검 결과 저장', 'the cycle after the rating');
    assert.match(await mainText(page), /주의/);

    await visit(page, bottleneck);
    await clickAndLoad(page, page.getByRole('link', { name: '이견 조정 시작' }), (u) => u.pathname === `${bottleneck}/mediation`);
    await checkA11y(page, 'the confirmation before mediation');
    await post(page, '조정 시작', 'the bottleneck in mediation');
    await clickAndLoad(page, page.getByRole('link', { name: '조정 회의 등록' }), (u) => u.pathname === `${bottleneck}/meetings/new`);
    await checkA11y(page, 'the meeting form');
    await page.getByLabel('회의 일시').fill('2024-07-09T15:00');
    await page.getByLabel('장소').fill('정부서울청사 회의실');
    await page.getByLabel('기관별 참석자').fill('국토부 산업입지정책과장\n환경부 물관리정책과장');
    await post(page, '등록', 'the mediation with its meeting');
    await clickAndLoad(page, page.getByRole('link', { name: '조정 결과 기록' }), (u) => u.pathname === `${bottleneck}/outcome`);
    await checkA11y(page, 'the outcome form');
    await page.locator('#f-outcome').selectOption('agreed');
    await page.getByLabel('조정 결과 내용').fill('용수 공급 방식을 바꾸고 수질 보전 대책을 함께 마련하기로 합의');
    await page.getByLabel('후속조치 1: 내용').fill('수질 보전 대책 마련');
    await page.getByLabel('후속조치 1: 담당 기관').selectOption({ label: '환경부' });
    await page.getByLabel('후속조치 1: 기한').fill('2099-09-30');
    await post(page, '결과 기록', 'the mediation concluded');
    assert.match(await mainText(page), /조정 결과: 합의/);

    await visit(page, cycle);
    await clickAndLoad(page, page.getByRole('link', { name: '점검 주기 마감' }), (u) => u.pathname === `${cycle}/close`);
    await checkA11y(page, 'the confirmation before closing the cycle');
    await post(page, '점검 주기 마감', 'the closed cycle');
    assert.match(await mainText(page), /마감/);
  });
  // 6. The home page shows the task at risk in the closed cycle, and no open mediation.
  await asDemo(server.url, 'demo-officer', PHONE, async (page) => {
    await visit(page, '/');
    const text = await mainText(page);
    assert.match(text, /최근 마감된 점검 주기 2024년 2분기의 점검 결과/);
    assert.match(text, /주의 1건/);
    assert.match(text, /내 과제에 미해결 애로사항이 없습니다/);
    assert.match(text, /수질 보전 대책 마련/, 'the agreed action is on the officer\'s work list');
    await visit(page, '/tasks/1');
    assert.match(await mainText(page), /주의/);
  });
});
