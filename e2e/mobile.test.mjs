// Browser test of hanteam on a phone (390×844) and on a laptop (1366×900), the real binary with
// `--demo` on a fresh SQLite database: no page scrolls sideways, signed out or signed in as the demo
// administrator; the task list shows each task's number, title and status inside the screen; on the
// phone the menu folds behind one button and the filters behind another, so the header stays short
// and the first result comes before the fold; on the laptop both look as they always did. axe-core
// runs on every page at both widths. Run with `node --test e2e/` after `cargo build -p hanteam`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, clickAndLoad, openBrowser, signInAsDemo, visit } from './browser.mjs';
import { startServer } from './server.mjs';

const ADMIN = 'demo-admin';
const TEST_TIMEOUT = 300_000;
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 900 };

// On the phone the header (the logo's row with the 메뉴 button) is 61 px high; it was 136 px signed out
// and 274 px signed in, the menu wrapping in two rows under the account's two rows.
const PHONE_HEADER_MAX = 120;
// The first result of the task list starts at about 550-610 px with the filters folded (1,320 px when
// they were always open).
const FIRST_RESULT_MAX = 700;

const PUBLIC_PAGES = ['/', '/tasks', '/tasks/1', '/pairs', '/agencies', '/agencies/환경부', '/meetings', '/meetings/1', '/privacy', '/sign-in'];
const SIGNED_IN_PAGES = [...PUBLIC_PAGES.filter((p) => p !== '/sign-in'), '/audit', '/account', '/users', '/sign-in'];

let server;

before(async () => {
  server = await startServer({ args: ['--demo'] });
});

after(async () => {
  await server?.stop();
});

/** Opens a browser of the given size, runs `fn(page, assertClean)`, always closes the browser. */
async function withPage(viewport, fn) {
  const b = await openBrowser(server.url, { viewport });
  try {
    await fn(b.page, b.assertClean);
  } finally {
    await b.close();
  }
}

/** Signs in as the demo administrator through the form (at whatever width the page has). */
const signIn = (page) => signInAsDemo(page, ADMIN);

/**
 * Fails when the document is wider than the window, naming the elements that stick out beyond its
 * right edge and are not clipped by a box of their own (a scrolling table wrapper clips its table,
 * but not an absolutely positioned descendant whose containing block lies outside it).
 */
async function assertNoSidewaysScroll(page, label) {
  const m = await page.evaluate(() => {
    const de = document.documentElement;
    const clipOf = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return a;
      }
      return null;
    };
    const escapes = (el) => {
      const clip = clipOf(el);
      if (!clip) return true;
      const pos = getComputedStyle(el).position;
      if (pos === 'fixed') return true;
      if (pos !== 'absolute') return false;
      const cb = el.offsetParent;
      return !cb || (cb !== clip && cb.contains(clip));
    };
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right + window.scrollX > de.clientWidth + 1 && escapes(el)) {
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        out.push(`${el.tagName.toLowerCase()}${cls} (right edge at ${Math.round(r.right + window.scrollX)} px)`);
      }
    }
    return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, out };
  });
  assert.ok(m.scrollWidth <= m.clientWidth + 1,
    `${label}: the page scrolls sideways (scrollWidth ${m.scrollWidth} > clientWidth ${m.clientWidth}); beyond the right edge:\n  ` +
    `${m.out.slice(0, 8).join('\n  ')}${m.out.length > 8 ? `\n  … and ${m.out.length - 8} more` : ''}`);
}

/** Visits each page (HTTP 200, axe clean) and checks it does not scroll sideways. */
async function checkPages(page, assertClean, paths, who) {
  for (const path of paths) {
    await visit(page, path);
    await assertNoSidewaysScroll(page, `${path} at ${page.viewportSize().width} px (${who})`);
    assertClean();
  }
}

/** Where the header and its parts are: heights and whether the menu's links show. */
async function headerBox(page) {
  const header = await page.locator('#krds-header').boundingBox();
  assert.ok(header, 'the page has no visible #krds-header');
  return header;
}

const menuButton = (page) => page.locator('#krds-header summary', { hasText: '메뉴' });
const menuLinks = (page) => page.locator('#krds-header nav[aria-label="주 메뉴"] a');

for (const viewport of [PHONE, LAPTOP]) {
  test(`no page scrolls sideways at ${viewport.width} px, signed out or signed in, and axe finds nothing`, { timeout: TEST_TIMEOUT }, async () => {
    await withPage(viewport, async (page, assertClean) => {
      await checkPages(page, assertClean, PUBLIC_PAGES, 'signed out');
      await signIn(page);
      await checkPages(page, assertClean, SIGNED_IN_PAGES, `signed in as ${ADMIN}`);
    });
  });
}

/** The column index (0-based) of each named column head of the task table. */
async function taskColumns(page, names) {
  const heads = (await page.locator('#main table.hanteam-task-table thead th').allInnerTexts()).map((t) => t.trim());
  return Object.fromEntries(names.map((n) => {
    const i = heads.findIndex((h) => h === n || h.startsWith(n));
    assert.ok(i >= 0, `the task table has no "${n}" column (columns: ${heads.join(', ')})`);
    return [n, i];
  }));
}

test('at 390 px each task of the list shows its number, title and status inside the screen', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(PHONE, async (page, assertClean) => {
    await visit(page, '/tasks');
    const cols = await taskColumns(page, ['번호', '과제명', '상태']);
    const rows = page.locator('#main table.hanteam-task-table tbody tr');
    const n = await rows.count();
    assert.ok(n >= 10, `expected a page of tasks on /tasks, found ${n} rows`);
    const screen = page.viewportSize().width;
    for (let r = 0; r < n; r++) {
      const row = rows.nth(r);
      const box = await row.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= screen + 1,
        `task row ${r + 1} does not fit the ${screen} px screen: ${JSON.stringify(box)}`);
      const cells = row.locator(':scope > th, :scope > td');
      for (const [name, i] of Object.entries(cols)) {
        const cell = cells.nth(i);
        const text = (await cell.innerText()).trim();
        const b = await cell.boundingBox();
        assert.ok(text.length > 0 && b && b.width > 0 && b.height > 0, `task row ${r + 1}: its ${name} is not shown`);
        assert.ok(b.x >= 0 && b.x + b.width <= screen + 1, `task row ${r + 1}: its ${name} lies outside the screen: ${JSON.stringify(b)}`);
      }
      // The title gets most of the width, not a squeezed column of one or two syllables a line.
      const title = await cells.nth(cols['과제명']).boundingBox();
      assert.ok(title.width >= screen * 0.6, `task row ${r + 1}: the title is only ${Math.round(title.width)} px wide on a ${screen} px screen`);
    }
    // Every link of the table (the titles, the pairs, the column heads that sort) can be seen where
    // the keyboard focus lands on it.
    const links = page.locator('#main table.hanteam-task-table a');
    for (let i = 0; i < (await links.count()); i++) {
      const b = await links.nth(i).boundingBox();
      const text = (await links.nth(i).innerText()).trim();
      assert.ok(b && b.width > 2 && b.height > 2 && b.x >= 0 && b.x + b.width <= screen + 1,
        `the link "${text}" of the task table is not shown inside the screen: ${JSON.stringify(b)}`);
    }
    assertClean();
  });
});

test('at 390 px the menu folds behind 메뉴: a short header, the links and the account one press away', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(PHONE, async (page, assertClean) => {
    for (const who of ['signed out', 'signed in']) {
      if (who === 'signed in') await signIn(page);
      await visit(page, '/tasks');
      const header = await headerBox(page);
      assert.ok(header.height <= PHONE_HEADER_MAX, `${who}: the header is ${Math.round(header.height)} px high at 390 px (at most ${PHONE_HEADER_MAX})`);
      assert.equal(await menuLinks(page).filter({ visible: true }).count(), 0, `${who}: the menu's links show before 메뉴 is pressed`);
      const button = menuButton(page);
      assert.ok(await button.isVisible(), `${who}: no 메뉴 button in the header`);

      // By keyboard: the skip link, then the logo, then 메뉴; Enter opens it.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), '메뉴', `${who}: the third Tab does not reach 메뉴`);
      await page.keyboard.press('Enter');
      assert.ok(await page.locator('#krds-header details.hanteam-menu').evaluate((d) => d.open), `${who}: Enter on 메뉴 does not open the menu`);
      const links = menuLinks(page);
      const n = await links.count();
      assert.ok(n >= 5, `${who}: the menu has ${n} links`);
      for (let i = 0; i < n; i++) {
        const b = await links.nth(i).boundingBox();
        assert.ok(b && b.width > 0 && b.x >= 0 && b.x + b.width <= PHONE.width + 1,
          `${who}: menu link "${await links.nth(i).innerText()}" is not shown inside the screen once the menu is open`);
      }
      if (who === 'signed in') {
        assert.ok(await page.getByRole('button', { name: '로그아웃', exact: true }).isVisible(), 'the open menu has no 로그아웃');
        assert.ok(await page.locator('#krds-header').getByRole('link', { name: '내 정보', exact: true }).isVisible(), 'the open menu has no 내 정보');
      } else {
        assert.ok(await page.locator('#krds-header').getByRole('link', { name: '로그인', exact: true }).isVisible(), 'the open menu has no 로그인');
      }
      await assertNoSidewaysScroll(page, `/tasks with the menu open (${who})`);
      await checkA11y(page, `/tasks with the menu open at 390 px (${who})`);

      // A link of the open menu leads where it says; the next page starts with the menu folded.
      await clickAndLoad(page, page.locator('#krds-header').getByRole('link', { name: '기관', exact: true }), (u) => u.pathname === '/agencies');
      assert.equal(await menuLinks(page).filter({ visible: true }).count(), 0, `${who}: the menu is open on the next page`);
      assertClean();
    }
  });
});

test('at 1366 px the menu is the KRDS bar: no 메뉴 button, the links in a row, the account beside the logo', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(LAPTOP, async (page, assertClean) => {
    for (const who of ['signed out', 'signed in']) {
      if (who === 'signed in') await signIn(page);
      await visit(page, '/tasks');
      assert.equal(await menuButton(page).isVisible(), false, `${who}: a 메뉴 button shows at 1366 px`);
      const links = menuLinks(page);
      const n = await links.count();
      const tops = new Set();
      for (let i = 0; i < n; i++) {
        const b = await links.nth(i).boundingBox();
        assert.ok(b && b.width > 0, `${who}: menu link ${i + 1} is hidden at 1366 px`);
        tops.add(Math.round(b.y));
      }
      assert.equal(tops.size, 1, `${who}: the menu's links are not in one row at 1366 px`);
      const logo = await page.locator('#krds-header .hanteam-logo').boundingBox();
      const account = await page.locator('#krds-header .hanteam-account').boundingBox();
      assert.ok(account && logo, `${who}: the logo or the account is hidden at 1366 px`);
      assert.ok(account.y < logo.y + logo.height && account.y + account.height > logo.y && account.x > logo.x + logo.width,
        `${who}: the account is not on the logo's row, to its right (logo ${JSON.stringify(logo)}, account ${JSON.stringify(account)})`);
      const linkTop = [...tops][0];
      assert.ok(linkTop >= account.y + account.height, `${who}: the menu's links are not below the logo's row`);
      const header = await headerBox(page);
      assert.ok(header.height <= 140, `${who}: the header is ${Math.round(header.height)} px high at 1366 px`);
      assertClean();
    }
  });
});

/** The top of the first result of the list, in page coordinates. */
async function firstResultTop(page) {
  const row = page.locator('#main table tbody tr').first();
  const b = await row.boundingBox();
  assert.ok(b, 'the list has no visible first result');
  return b.y + (await page.evaluate(() => window.scrollY));
}

test('at 390 px the filters fold behind 검색 조건, the first result comes first, and they open and work', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(PHONE, async (page, assertClean) => {
    await visit(page, '/tasks');
    const agency = page.locator('#f-agency');
    assert.equal(await agency.isVisible(), false, 'the filter form shows before 검색 조건 is pressed');
    const top = await firstResultTop(page);
    assert.ok(top <= FIRST_RESULT_MAX, `the first task starts at ${Math.round(top)} px (at most ${FIRST_RESULT_MAX})`);

    const toggle = page.locator('#main summary', { hasText: '검색 조건' });
    assert.ok(await toggle.isVisible(), 'no 검색 조건 button above the list');
    assert.equal((await toggle.innerText()).trim(), '검색 조건', 'with no filter the button names none');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.ok(await agency.isVisible(), '검색 조건 does not open the filter form');
    await checkA11y(page, '/tasks with the filters open at 390 px');
    await assertNoSidewaysScroll(page, '/tasks with the filters open');

    // The form works as on a wide screen: its labels, its button.
    await page.getByLabel('기관', { exact: true }).selectOption({ value: '환경부' });
    await clickAndLoad(page, page.getByRole('button', { name: '검색', exact: true }), (u) => u.searchParams.has('agency'));
    assert.equal(await page.locator('#main table tbody tr').count(), 5, '환경부 has 5 tasks');
    assert.equal(await agency.isVisible(), false, 'after a search the filters are folded again');
    assert.match((await toggle.innerText()).replace(/\s+/g, ' '), /적용: 기관\)/, 'the folded button names the filter in use');
    assert.equal(await agency.inputValue(), '환경부', 'the chosen agency stays chosen');
    await checkA11y(page, '/tasks?agency=환경부 at 390 px');

    // A wrong filter opens the form, so the field and its message show.
    await visit(page, '/tasks?status=nonsense', { status: 400 });
    assert.ok(await page.locator('#f-status').isVisible(), 'after a wrong filter the form is open');

    // The audit page's filters fold the same way.
    await signIn(page);
    await visit(page, '/audit');
    assert.equal(await page.locator('#main form[role="search"] input, #main form[role="search"] select').filter({ visible: true }).count(), 0,
      'the audit filters show before 검색 조건 is pressed');
    assert.ok(await firstResultTop(page) <= FIRST_RESULT_MAX + 100, 'the first audit record comes soon after the header');
    await page.locator('#main summary', { hasText: '검색 조건' }).click();
    assert.ok(await page.locator('#main form[role="search"] input').first().isVisible(), '검색 조건 does not open the audit filters');
    assertClean();
  });
});

test('at 1366 px the filters show without a 검색 조건 button', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(LAPTOP, async (page, assertClean) => {
    await visit(page, '/tasks');
    assert.ok(await page.locator('#f-agency').isVisible(), 'the filter form is hidden at 1366 px');
    assert.equal(await page.locator('#main summary', { hasText: '검색 조건' }).isVisible(), false, 'a 검색 조건 button shows at 1366 px');
    await signIn(page);
    await visit(page, '/audit');
    assert.ok(await page.locator('#main form[role="search"] input').first().isVisible(), 'the audit filters are hidden at 1366 px');
    assertClean();
  });
});
