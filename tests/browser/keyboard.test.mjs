// The listing from the keyboard, in headless Chromium: "/" goes to the
// filter, the arrows move through the rows, Enter opens a folder, F2 opens
// the rename dialog and Delete the delete dialog; after either reloads the
// page, the focus is back on that row (or on the row that took its place).
// Then "Search subfolders" finds names below the folder, on a page of its own.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSuite, DOCS, flashText, logIn, skipReason, SUITE_MS, watch } from './harness.mjs';

const suite = createSuite();

describe('the listing from the keyboard', { skip: skipReason, timeout: SUITE_MS }, () => {
  suite.setup();
  const step = suite.flow();
  let context;
  let page;
  const focused = () => page.evaluate(() => document.activeElement?.closest('tr.entry')?.dataset.name ?? document.activeElement?.id);

  after(async () => {
    await context?.close().catch(() => {});
  });

  step('1. log in and open a folder of three files', async () => {
    const base = suite.disk('uploads', 'keys');
    mkdirSync(join(base, 'inner'), { recursive: true });
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(join(base, name), name);
    context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
    watch(context, 'keyboard');
    page = await context.newPage();
    await logIn(page, suite.app);
    await page.goto(`${suite.app.base}/browse/uploads/keys/`);
  });

  step('2. "/" focuses the filter; arrows walk the rows; Enter opens a folder', async () => {
    await page.locator('h1').click();
    await page.keyboard.press('/');
    assert.equal(await focused(), 'filter-q');
    await page.keyboard.press('Escape');
    await page.locator('h1').click();
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'inner', 'folders first');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'b.txt');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), 'a.txt');
    await page.keyboard.press('End');
    assert.equal(await focused(), 'c.txt');
    await page.keyboard.press('Home');
    await Promise.all([page.waitForURL((u) => u.pathname === '/browse/uploads/keys/inner/'), page.keyboard.press('Enter')]);
    await page.goBack();
  });

  step('3. F2 renames the focused row; the focus comes back to it', async () => {
    await page.locator('h1').click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'a.txt');
    await page.keyboard.press('F2');
    const dialog = page.getByRole('dialog', { name: 'Rename “a.txt”' });
    await dialog.getByLabel('New name').fill('a2.txt');
    const loaded = page.waitForEvent('load');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await loaded;
    assert.match(await flashText(page), /a2\.txt/);
    assert.ok(existsSync(suite.disk('uploads', 'keys', 'a2.txt')));
    // Renamed: its place (the second row) has the focus.
    assert.equal(await focused(), 'a2.txt');
  });

  step('4. Delete asks first, then deletes; the focus moves to the next row', async () => {
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'b.txt');
    await page.keyboard.press('Delete');
    const dialog = page.getByRole('dialog', { name: 'Delete “b.txt”?' });
    await dialog.waitFor();
    assert.ok(existsSync(suite.disk('uploads', 'keys', 'b.txt')), 'nothing goes before the confirmation');
    const loaded = page.waitForEvent('load');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await loaded;
    assert.ok(!existsSync(suite.disk('uploads', 'keys', 'b.txt')));
    assert.equal(await focused(), 'c.txt', 'the row that took its place');
  });

  step('5. "Search subfolders" beside the filter finds names in every folder below', async () => {
    writeFileSync(suite.disk('uploads', 'keys', 'inner', 'deep c.txt'), 'deep');
    await page.goto(`${suite.app.base}/browse/uploads/`);
    await page.locator('#filter-q').fill('C.TXT');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/search/uploads/'),
      page.getByRole('button', { name: 'Search subfolders' }).click(),
    ]);
    assert.equal((await page.locator('h1').textContent()).trim(), 'Search in /uploads');
    const hits = await page.locator('li.search-hit a.entry-name').allTextContents();
    assert.deepEqual(hits.sort(), ['c.txt', 'deep c.txt']);
    assert.match(await page.locator('.search-summary').textContent(), /^2 matches found in 3 folders/);
    await page.screenshot({ path: join(DOCS, 'search.png') });
    // A match opens like a listing row: a text file's preview.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/preview/uploads/keys/inner/deep%20c.txt'),
      page.locator('li.search-hit a.entry-name', { hasText: 'deep c.txt' }).click(),
    ]);
  });
});
