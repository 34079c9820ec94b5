// Browser test of the task list's downloads (the real binary, a fresh SQLite database with the built-in
// 41 tasks): filter the list by 환경부, click "CSV 내려받기" and "엑셀 내려받기", and check that the files
// come as downloads with Korean names and hold the rows the list shows; at 1366 and at 390 pixels wide,
// axe-core clean on every page visited.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { checkA11y, openBrowser, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const TEST_TIMEOUT = 180_000;
const HEADERS = ['번호', '과제명', '교류직위 쌍', '과제 유형', '현재 상태', '주관기관', '참여기관', '성과지표 수', '추진일정 수', '최종 수정일'];

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** RFC 4180: records of fields, quoted fields with doubled quotes and line breaks inside. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i += 1; }
    else field += c;
  }
  assert.equal(field + record.join(''), '', 'the CSV ends with a line break');
  return records;
}

/** Today in Korean time, as the file's name carries it. */
function koreanToday() {
  return new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Clicks the link named `name` and returns the download it starts, saved. */
async function downloadFrom(page, name) {
  const link = page.getByRole('link', { name });
  await link.waitFor({ state: 'visible' });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const failure = await download.failure();
  assert.equal(failure, null, `the download of "${name}" failed: ${failure}`);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()), url: download.url() };
}

for (const width of [1366, 390]) {
  test(`at ${width} px: the filtered list downloads as CSV and Excel with the rows it shows`, { timeout: TEST_TIMEOUT }, async () => {
    const b = await openBrowser(server.url, { viewport: { width, height: 900 } });
    try {
      const { page } = b;
      await visit(page, '/tasks');
      // On a phone the filters fold behind 검색 조건.
      const agency = page.locator('#f-agency');
      if (!(await agency.isVisible())) await page.locator('#main summary', { hasText: '검색 조건' }).click();
      await agency.selectOption({ value: '환경부' });
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('agency') === '환경부'),
        page.getByRole('button', { name: '검색', exact: true }).click(),
      ]);
      await page.waitForLoadState('load');
      await checkA11y(page, `/tasks?agency=환경부 at ${width} px`);
      // Each row's number (its first cell) and title (its link to the task).
      const shown = await page.locator('#main table tbody tr').evaluateAll((rows) => rows.map((tr) => [
        tr.querySelector('td')?.innerText.replace(/\s+/g, ' ').trim(),
        tr.querySelector('a[href^="/tasks/"]')?.innerText.replace(/\s+/g, ' ').trim(),
      ]));
      assert.equal(shown.length, 5, 'the list of 환경부 shows 5 tasks');

      // The buttons sit inside the page's width.
      for (const name of [/^CSV 내려받기/, /^엑셀 내려받기/]) {
        const box = await page.getByRole('link', { name }).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width, `${name} is outside the ${width} px page: ${JSON.stringify(box)}`);
      }

      const csv = await downloadFrom(page, /^CSV 내려받기/);
      assert.equal(csv.name, `협업과제_목록_${koreanToday()}.csv`);
      assert.ok(new URL(csv.url).searchParams.get('agency') === '환경부', `the CSV link carries the filter: ${csv.url}`);
      assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with the UTF-8 byte order mark');
      const records = parseCsv(csv.bytes.subarray(3).toString('utf8'));
      assert.deepEqual(records[0], HEADERS);
      const rows = records.slice(1);
      assert.deepEqual(rows.map((r) => r[0]), shown.map((r) => r[0]), 'the same task numbers in the same order');
      assert.deepEqual(rows.map((r) => r[1]), shown.map((r) => r[1]), 'the same titles');
      assert.ok(rows.every((r) => r[6].split(', ').includes('환경부')), 'every row names 환경부 among its agencies');

      const xlsx = await downloadFrom(page, /^엑셀 내려받기/);
      assert.equal(xlsx.name, `협업과제_목록_${koreanToday()}.xlsx`);
      assert.equal(xlsx.bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'an XLSX file is a zip archive');

      // Downloading leaves the page as it was.
      assert.equal(new URL(page.url()).searchParams.get('agency'), '환경부');
      b.assertClean();
    } finally {
      await b.close();
    }
  });
}
