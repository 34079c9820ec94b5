// Browser test of a proposal (과제 발굴) from the form to tabling: the officer of 환경부 proposes a
// task on the 과제 제안 form with 국토부 as co-agency (a mistake first: the form says what to fix and
// writes nothing) and adds a KPI and a milestone; the officer of 국토부 confirms its participation
// from the task page; OPC tables it. axe-core on every page visited, at 1366 and 390 px. The real
// binary with `--demo`, a fresh SQLite database; 국토부's officer is made with `hanteam user add`.
// Run with `node --test e2e/proposals.test.mjs` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkA11y, clickAndLoad, mainText, openBrowser, signInAsDemo, visit } from './browser.mjs';
import { hanteamBin, startServer } from './server.mjs';

const TEST_TIMEOUT = 240_000;
const CO_LOGIN = 'molit.officer';
const NEW_PASSWORD = 'hanteam-proposal-2024!';

let server;
let coPassword;

before(async () => {
  server = await startServer({ args: ['--demo'] });
  const out = execFileSync(
    hanteamBin(),
    ['user', 'add', '--login', CO_LOGIN, '--name', '국토부 담당자', '--role', 'agency_officer', '--agency', '국토부'],
    { env: { ...process.env, DATABASE_URL: `sqlite://${join(server.dir, 'hanteam.db')}` }, encoding: 'utf8' },
  );
  coPassword = /one-time password: (\S+)/.exec(out)?.[1];
  assert.ok(coPassword, `hanteam user add printed a one-time password: ${out}`);
});

after(async () => {
  await server?.stop();
});

/** Submits the form of #main with its button `name`, waits for the page it loads, checks it with axe. */
async function submit(page, name, urlMatches) {
  await clickAndLoad(page, page.locator('#main form.hanteam-form').getByRole('button', { name, exact: true }), urlMatches);
  await checkA11y(page, `after ${name}: ${page.url()}`);
}

test('an officer proposes a task on the form, the co-agency confirms on the task page, OPC tables it', { timeout: TEST_TIMEOUT }, async () => {
  let task;
  const title = '하천 인근 산업단지 인허가 통합';
  // 1. The officer of 환경부 proposes it, at 1366 px.
  {
    const b = await openBrowser(server.url, { viewport: { width: 1366, height: 900 } });
    const { page, assertClean } = b;
    try {
      await signInAsDemo(page, 'demo-officer');
      await visit(page, '/tasks');
      await clickAndLoad(page, page.getByRole('link', { name: '과제 제안', exact: true }), (u) => u.pathname === '/proposals/new');
      await checkA11y(page, 'the 과제 제안 form');
      // Nothing filled in: the form comes back with what to fix, and nothing is written.
      await submit(page, '제안', (u) => u.pathname === '/proposals');
      let text = await mainText(page);
      assert.match(text, /아무것도 저장되지 않았습니다/);
      assert.match(text, /과제명을 입력해 주세요/);
      assert.match(text, /함께할 협력 기관을 한 곳 이상 골라 주세요/);
      await page.getByLabel('과제명').fill(title);
      await page.getByLabel('과제 출처').selectOption('livelihood_debate');
      const co = page.locator('fieldset', { hasText: '협력 기관' });
      await co.locator('label', { hasText: /^국토부/ }).click();
      await page.getByLabel('과제 내용').fill('하천 점용허가와 산업단지 인허가를 한 번에 처리합니다.');
      await submit(page, '제안', (u) => /^\/tasks\/\d+$/.test(u.pathname));
      task = new URL(page.url()).pathname;
      text = await mainText(page);
      assert.match(text, /저장되었습니다/);
      assert.match(text, /발굴/);
      assert.match(text, /국토부\s+협력 기관\s+참여 확인 대기/);
      // The proposer completes it with a KPI and a milestone.
      await clickAndLoad(page, page.getByRole('link', { name: '성과지표 추가' }), (u) => u.pathname === `${task}/kpis/new`);
      await checkA11y(page, 'the KPI form');
      await page.getByLabel('지표명').fill('인허가 처리 기간');
      await page.getByLabel('목표값').fill('90');
      await page.getByLabel('기한').fill('2026-12-31');
      await submit(page, '저장', (u) => u.pathname === task);
      await clickAndLoad(page, page.getByRole('link', { name: '추진일정 추가' }), (u) => u.pathname === `${task}/milestones/new`);
      await checkA11y(page, 'the milestone form');
      await page.locator('#f-title').fill('통합 절차 고시');
      await page.getByLabel('기한').fill('2026-06-30');
      await submit(page, '저장', (u) => u.pathname === task);
      assert.match(await mainText(page), /통합 절차 고시/);
      await visit(page, '/proposals');
      await checkA11y(page, '과제 발굴 목록');
      assert.match(await mainText(page), /국토부 참여 확인 대기/);
      assertClean();
    } finally {
      await b.close();
    }
  }
  // 2. The public does not see it.
  {
    const b = await openBrowser(server.url);
    try {
      const res = await b.page.goto(task);
      assert.equal(res.status(), 404, 'a proposal is not public');
    } finally {
      await b.close();
    }
  }
  // 3. The officer of 국토부 signs in (changing the one-time password) and confirms, at 390 px.
  {
    const b = await openBrowser(server.url, { viewport: { width: 390, height: 844 } });
    const { page, assertClean } = b;
    try {
      await visit(page, '/sign-in');
      await page.getByLabel('아이디', { exact: true }).fill(CO_LOGIN);
      await page.getByLabel('비밀번호', { exact: true }).fill(coPassword);
      await clickAndLoad(page, page.locator('#main').getByRole('button', { name: '로그인', exact: true }), (u) => u.pathname === '/account');
      await page.getByLabel('현재 비밀번호').fill(coPassword);
      await page.getByLabel('새 비밀번호', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('새 비밀번호 확인').fill(NEW_PASSWORD);
      await clickAndLoad(page, page.getByRole('button', { name: '비밀번호 변경', exact: true }), (u) => u.pathname !== '/account/password');
      await visit(page, '/notifications');
      await checkA11y(page, 'the notifications of 국토부');
      assert.match(await mainText(page), new RegExp(`참여 여부를 답해 주세요: ${title}`));
      await visit(page, task);
      await checkA11y(page, 'the proposal as the co-agency sees it');
      await clickAndLoad(page, page.getByRole('link', { name: '참여 거절 (국토부)' }), (u) => u.pathname.endsWith('/decline'));
      await checkA11y(page, 'the decline form');
      // A decline without a reason is refused.
      await submit(page, '참여 거절', (u) => u.pathname === `${task}/participation`);
      assert.match(await mainText(page), /참여를 거절하는 까닭을 적어 주세요/);
      await visit(page, task);
      await clickAndLoad(page, page.getByRole('link', { name: '참여 확인 (국토부)' }), (u) => u.pathname.endsWith('/confirm'));
      await checkA11y(page, 'the confirm form');
      await submit(page, '참여 확인', (u) => u.pathname === task);
      const text = await mainText(page);
      assert.match(text, /저장되었습니다/);
      assert.match(text, /국토부\s+협력 기관\s+참여 확인/);
      assertClean();
    } finally {
      await b.close();
    }
  }
  // 4. OPC tables it.
  {
    const b = await openBrowser(server.url, { viewport: { width: 1366, height: 900 } });
    const { page, assertClean } = b;
    try {
      await signInAsDemo(page, 'demo-admin');
      await visit(page, task);
      await clickAndLoad(page, page.locator('#h-moves').locator('..').getByRole('link', { name: '상정', exact: true }), (u) => u.pathname === `${task}/transitions/table`);
      await checkA11y(page, 'the tabling confirmation');
      await submit(page, '상정', (u) => u.pathname === task);
      const text = await mainText(page);
      assert.match(text, /저장되었습니다/);
      assert.match(text, /상정/);
      assert.doesNotMatch(text, /제안 수정/, 'a tabled proposal is not edited');
      assertClean();
    } finally {
      await b.close();
    }
  }
});
