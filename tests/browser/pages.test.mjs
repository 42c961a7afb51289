// A folder of several pages in a real browser (see ui.test.mjs for how to
// run it): without script the pager's links and the header links page and
// sort the whole folder; with script the headers and the filter ask the
// server without leaving the page, and the next page loads as you scroll.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { SUITE_MS, clickAndLoad, createSuite, entryNames, logIn, skipReason, until, watch } from './harness.mjs';

const suite = createSuite();

const FILES = 450; // PAGE_ROWS is 200: three pages
const PAGE_ROWS = 200;
const name = (i) => `pic-${String(i).padStart(4, '0')}.jpg`;
// Sizes that sort differently from names: the biggest is pic-0449.jpg.
const size = (i) => (i * 37) % 1000;
const bySizeDesc = Array.from({ length: FILES }, (_, i) => i)
  .sort((a, b) => size(b) - size(a) || (name(b) < name(a) ? -1 : 1))
  .map(name);

describe('ftpgate big folders in headless Chromium', { skip: skipReason, timeout: SUITE_MS }, () => {
  suite.setup();

  for (const javaScriptEnabled of [false, true]) {
    describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
      const step = suite.flow();
      let context;
      let page;

      after(async () => {
        await context?.close().catch(() => {});
      });

      step('1. a folder of 450 files opens on its first page of 200', async () => {
        const dir = suite.disk(javaScriptEnabled ? 'big-js' : 'big-plain');
        mkdirSync(dir);
        for (let i = 0; i < FILES; i++) writeFileSync(`${dir}/${name(i)}`, Buffer.alloc(size(i)));
        context = await suite.browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 800 } });
        watch(context, javaScriptEnabled ? 'pages-js' : 'pages-plain');
        page = await context.newPage();
        await logIn(page, suite.app);
        await page.goto(`${suite.app.base}/browse/${javaScriptEnabled ? 'big-js' : 'big-plain'}/`);
        assert.equal((await entryNames(page)).length, PAGE_ROWS);
        assert.equal(await page.locator('#listing .count').textContent(), '450 items');
        assert.match(await page.locator('nav.pager .pager-at').first().textContent(), /^Page 1 of 3/);
        const upload = await page.locator('form.upload-form').boundingBox();
        const firstRow = await page.locator('tr.entry').first().boundingBox();
        assert.ok(upload.y < firstRow.y, 'the upload form is above the rows');
      });

      if (!javaScriptEnabled) {
        step('2. the header sorts the whole folder and Next pages through it', async () => {
          await clickAndLoad(page, page.locator('table.listing th.size a.sort'));
          assert.deepEqual(await entryNames(page), bySizeDesc.slice(0, PAGE_ROWS));
          await clickAndLoad(page, page.locator('nav.pager a[rel="next"]').first());
          assert.match(new URL(page.url()).search, /sort=size&order=desc&page=2/);
          assert.deepEqual(await entryNames(page), bySizeDesc.slice(PAGE_ROWS, 2 * PAGE_ROWS));
          await page.locator('#pager-page').fill('3');
          await clickAndLoad(page, page.getByRole('button', { name: 'Go' }));
          assert.deepEqual(await entryNames(page), bySizeDesc.slice(2 * PAGE_ROWS));
        });

        step('3. the filter form filters every page, not just this one', async () => {
          await page.getByLabel('Filter').fill('pic-04');
          await clickAndLoad(page, page.getByRole('button', { name: 'Filter' }));
          assert.equal(await page.locator('#listing .count').textContent(), '50 of 450 items');
          assert.equal((await entryNames(page)).length, 50);
          assert.equal(await page.locator('nav.pager').count(), 0, 'one page: no pager');
        });
      } else {
        step('2. scrolling down loads the next pages under the table', async () => {
          for (const rows of [2 * PAGE_ROWS, FILES]) {
            await page.locator('tr.entry').last().scrollIntoViewIfNeeded();
            await until(`${rows} rows`, async () => (await entryNames(page)).length === rows, 10_000);
          }
          assert.equal(new URL(page.url()).pathname, '/browse/big-js/', 'still the same page');
        });

        step('3. the header sorts the whole folder on the server, in place', async () => {
          await page.evaluate(() => {
            window.ftpgateSamePage = true;
          });
          // Every row is here now, so the rows are sorted right in the page.
          await page.locator('table.listing th.size a.sort').click();
          await until('sorted by size', async () => (await entryNames(page))[0] === bySizeDesc[0]);
          assert.deepEqual(await entryNames(page), bySizeDesc);
          await page.reload();
          assert.deepEqual(await entryNames(page), bySizeDesc.slice(0, PAGE_ROWS), 'the server agrees');
          // A first page only: the server sorts, and the script swaps its answer in.
          await page.evaluate(() => {
            window.ftpgateSamePage = true;
          });
          await page.locator('table.listing th.name a.sort').click();
          await until('sorted by name', async () => (await entryNames(page))[0] === name(0));
          assert.equal((await entryNames(page)).length, PAGE_ROWS);
          assert.equal(await page.evaluate(() => window.ftpgateSamePage), true, 'no page load');
          assert.match(new URL(page.url()).search, /sort=name&order=asc/);
        });

        step('4. typing in the filter asks the server about every page', async () => {
          await page.getByLabel('Filter').pressSequentially('pic-04', { delay: 20 });
          await until('filtered', async () => (await entryNames(page)).length === 50, 10_000);
          assert.equal(await page.locator('#listing .count').textContent(), '50 of 450 items');
          assert.equal(new URL(page.url()).searchParams.get('q'), 'pic-04');
          assert.equal(await page.evaluate(() => window.ftpgateSamePage), true, 'no page load');
          await page.getByLabel('Filter').fill('');
          await until('all back', async () => (await entryNames(page)).length === PAGE_ROWS, 10_000);
          assert.equal(await page.locator('#listing .count').textContent(), '450 items');
        });
      }
    });
  }
});
