// Browser test of a bottleneck from raising to its follow-up: an officer of 환경부 raises a
// bottleneck on task 1 and states the agency's position; OPC takes it into mediation, schedules a
// meeting and records the outcome (합의) with an agreed action for 환경부; the officer's bell counts
// the meeting and the action, and the action shows on the officer's home page. axe-core on every
// page visited. The real binary with `--demo`, a fresh SQLite database. Run with
// `node --test e2e/mediation.test.mjs` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, clickAndLoad, mainText, openBrowser, signInAsDemo, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const TEST_TIMEOUT = 240_000;

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

/** Submits the form of #main with its button `name`, waits for the page it loads, checks it with axe. */
async function submit(page, name, urlMatches) {
  await clickAndLoad(page, page.locator('#main form.hanteam-form').getByRole('button', { name, exact: true }), urlMatches);
  await checkA11y(page, `after ${name}: ${page.url()}`);
}

test('a bottleneck is raised, positions stated, mediated and concluded with a follow-up on the owner\'s home page', { timeout: TEST_TIMEOUT }, async () => {
  let bottleneck;
  // 1. The officer of 환경부 raises it on task 1 and states 환경부's position.
  {
    const b = await openBrowser(server.url, { viewport: { width: 390, height: 844 } });
    const { page, assertClean } = b;
    try {
      await signInAsDemo(page, 'demo-officer');
      await visit(page, '/tasks/1');
      await clickAndLoad(page, page.getByRole('link', { name: '애로사항 제기' }), (u) => u.pathname === '/tasks/1/bottlenecks/new');
      await checkA11y(page, 'the form to raise a bottleneck');
      // Nothing chosen: the form comes back with what to fix, in Korean.
      await submit(page, '제기', (u) => u.pathname === '/tasks/1/bottlenecks');
      assert.match(await mainText(page), /애로사항 유형을 골라 주세요/);
      await page.getByLabel('애로사항 유형').selectOption('disagreement');
      await page.getByLabel('애로사항 내용').fill('산업단지 용수 공급 방식을 두고 국토부와 환경부의 의견이 다릅니다.');
      const agencies = page.locator('fieldset', { hasText: '관련 기관' });
      // KRDS draws the box over the input: a person clicks its label.
      await agencies.locator('label', { hasText: /^국토부$/ }).click();
      await agencies.locator('label', { hasText: /^환경부$/ }).click();
      assert.ok(await agencies.getByLabel('국토부', { exact: true }).isChecked());
      await submit(page, '제기', (u) => /^\/bottlenecks\/\d+$/.test(u.pathname));
      bottleneck = new URL(page.url()).pathname;
      let text = await mainText(page);
      assert.match(text, /저장되었습니다/);
      assert.match(text, /기관 간 이견/);
      assert.match(text, /제기/);
      await clickAndLoad(page, page.getByRole('link', { name: /입장 작성 \(환경부\)/ }), (u) => u.pathname.includes('/positions/'));
      await checkA11y(page, 'the position form');
      await page.getByLabel('기관 입장').fill('수질 보전 대책이 함께 마련되면 공급 방식 변경에 동의합니다.');
      await submit(page, '저장', (u) => u.pathname === bottleneck);
      text = await mainText(page);
      assert.match(text, /수질 보전 대책이 함께 마련되면/);
      assert.match(text, /아직 입장을 적지 않았습니다/, '국토부 has not stated its position yet');
      assertClean();
    } finally {
      await b.close();
    }
  }
  // 2. The public sees neither the bottleneck nor the position, at most that one is open.
  {
    const b = await openBrowser(server.url);
    const { page, assertClean } = b;
    try {
      await visit(page, '/tasks/1');
      const text = await mainText(page);
      assert.match(text, /해소 중인 애로사항이 1건/);
      assert.doesNotMatch(text, /수질 보전 대책/);
      const res = await page.goto(bottleneck);
      assert.ok(page.url().includes('/sign-in'), `the public is sent to sign in (${res.status()})`);
      assertClean();
    } finally {
      await b.close();
    }
  }
  // 3. OPC mediates: opens the mediation, schedules a meeting, records the outcome with a follow-up.
  {
    const b = await openBrowser(server.url, { viewport: { width: 1366, height: 900 } });
    const { page, assertClean } = b;
    try {
      await signInAsDemo(page, 'demo-admin');
      await visit(page, bottleneck);
      await clickAndLoad(page, page.getByRole('link', { name: '이견 조정 시작' }), (u) => u.pathname === `${bottleneck}/mediation`);
      await checkA11y(page, 'the confirmation before mediation');
      await clickAndLoad(page, page.locator('#main form').getByRole('button', { name: '조정 시작' }), (u) => u.pathname === bottleneck);
      await checkA11y(page, 'the bottleneck in mediation');
      assert.match(await mainText(page), /조정 중/);
      await clickAndLoad(page, page.getByRole('link', { name: '조정 회의 등록' }), (u) => u.pathname === `${bottleneck}/meetings/new`);
      await checkA11y(page, 'the meeting form');
      await page.getByLabel('회의 일시').fill('2024-07-09T15:00');
      await page.getByLabel('장소').fill('정부서울청사 회의실');
      await page.getByLabel('기관별 참석자').fill('국토부 산업입지정책과장\n환경부 물관리정책과장');
      await submit(page, '등록', (u) => u.pathname === bottleneck);
      let text = await mainText(page);
      assert.match(text, /정부서울청사 회의실/);
      assert.match(text, /환경부 물관리정책과장/);
      await clickAndLoad(page, page.getByRole('link', { name: '조정 결과 기록' }), (u) => u.pathname === `${bottleneck}/outcome`);
      await checkA11y(page, 'the outcome form');
      await page.locator('#f-outcome').selectOption('agreed');
      // 합의 without an agreed action is refused, and nothing is written.
      await submit(page, '결과 기록', (u) => u.pathname === `${bottleneck}/outcome`);
      assert.match(await mainText(page), /후속조치로 하나 이상/);
      await page.getByLabel('조정 결과 내용').fill('용수 공급 방식을 바꾸고 수질 보전 대책을 함께 마련하기로 합의');
      await page.getByLabel('후속조치 1: 내용').fill('수질 보전 대책 마련');
      await page.getByLabel('후속조치 1: 담당 기관').selectOption({ label: '환경부' });
      await page.getByLabel('후속조치 1: 기한').fill('2099-09-30');
      await submit(page, '결과 기록', (u) => u.pathname === bottleneck);
      text = await mainText(page);
      assert.match(text, /조정 결과: 합의/);
      assert.match(text, /해소/);
      assert.match(text, /수질 보전 대책 마련/);
      assertClean();
    } finally {
      await b.close();
    }
  }
  // 4. The follow-up is on the officer's home page, and leaves it once done.
  {
    const b = await openBrowser(server.url, { viewport: { width: 390, height: 844 } });
    const { page, assertClean } = b;
    try {
      await signInAsDemo(page, 'demo-officer');
      // The bell counts what 환경부's officer was told: the meeting and the follow-up.
      await visit(page, '/');
      assert.equal(await page.locator('.hanteam-bell').getAttribute('data-unread'), '2');
      await visit(page, '/notifications');
      await checkA11y(page, 'the notification list');
      let text = await mainText(page);
      assert.match(text, /이견 조정 회의 일정/);
      assert.match(text, /2024\. 7\. 9\. 15:00, 정부서울청사 회의실/);
      assert.match(text, /\[후속조치 지정\] 수질 보전 대책 마련 \(기한 2099\. 9\. 30\.\)/);
      await clickAndLoad(page, page.locator('#main form').getByRole('button', { name: '모두 읽음으로 표시' }), (u) => u.pathname === '/notifications');
      await checkA11y(page, 'the notification list, all read');
      assert.match(await mainText(page), /읽지 않음 0건/);
      assert.equal(await page.locator('.hanteam-bell').getAttribute('data-unread'), '0');
      await visit(page, '/');
      text = await mainText(page);
      assert.match(text, /내 후속조치/);
      assert.match(text, /수질 보전 대책 마련/);
      await clickAndLoad(page, page.getByRole('link', { name: /완료 처리 \(수질 보전 대책 마련\)/ }), (u) => u.pathname.endsWith('/done'));
      await checkA11y(page, 'the follow-up done form');
      await page.getByLabel('조치 내용').fill('대책 수립');
      await submit(page, '완료 처리', (u) => u.pathname === '/');
      text = await mainText(page);
      assert.doesNotMatch(text, /수질 보전 대책 마련 \(담당/);
      assert.match(text, /맡은 후속조치 가운데 끝나지 않은 것이 없습니다/);
      assertClean();
    } finally {
      await b.close();
    }
  }
});
