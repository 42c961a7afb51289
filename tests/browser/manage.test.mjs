// Managing files in a real browser (see ui.test.mjs for how to run it): new
// folder, rename, delete, uploads with progress (and cancelling one),
// sorting and filtering. Once with JavaScript (dialogs, progress rows, the
// live filter) and once without (the plain pages and forms), each checked
// against the demo's sample tree on disk. Writes docs/upload-progress.png.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOCS,
  SUITE_MS,
  allowProblems,
  clickAndLoad,
  createSuite,
  entryNames,
  flashText,
  logIn,
  pattern,
  row,
  skipReason,
  tempUploads,
  throttleUploads,
  until,
  visibleNames,
  watch,
} from './harness.mjs';

const suite = createSuite();

/** Counts the page's upload requests (the script PUTs each file) from now on: `() => number`. */
function countUploads(page) {
  let n = 0;
  const onRequest = (r) => {
    if (r.method() === 'PUT' && new URL(r.url()).pathname.startsWith('/upload/')) n += 1;
  };
  page.on('request', onRequest);
  return () => {
    page.off('request', onRequest);
    return n;
  };
}

/** Rows' `data-size` of the files in page order, as numbers. */
const fileSizes = (page) =>
  page.locator('table.listing tr.entry.file').evaluateAll((rows) => rows.map((r) => Number(r.dataset.size)));

/** The `aria-sort` of each sortable header, e.g. { name: 'ascending', size: null, ... }. */
const sortState = (page) =>
  page.locator('table.listing thead th').evaluateAll((ths) =>
    Object.fromEntries(ths.map((th) => [th.className, th.getAttribute('aria-sort')])),
  );

/** Clicks a column's sort link until it sorts `order`; at most twice. */
async function sortBy(page, column, order, inPlace) {
  const link = page.locator(`table.listing th.${column} a.sort`);
  for (let i = 0; i < 2; i++) {
    if ((await sortState(page))[column] === order) return;
    if (!inPlace) {
      await clickAndLoad(page, link);
      continue;
    }
    // With script the rows are sorted where they are: no new page.
    await page.evaluate(() => {
      window.ftpgateSamePage = true;
    });
    const before = JSON.stringify(await sortState(page));
    await link.click();
    await until('the rows sorted in place', async () => JSON.stringify(await sortState(page)) !== before);
    assert.equal(await page.evaluate(() => window.ftpgateSamePage), true, 'sorted without loading a page');
  }
  assert.equal((await sortState(page))[column], order, `${column} sorts ${order} after two clicks`);
}

/** Sorting by size (descending) and by name (both ways), through the header
 * links: with `inPlace` (script on) the rows move in the page, and a reload,
 * which the server sorts from the address, must show the same order. */
async function checkSorting(page, files, inPlace = false) {
  const bySize = [...files].sort((a, b) => b.size - a.size).map((f) => f.name);
  const byName = files.map((f) => f.name).sort();
  await sortBy(page, 'size', 'descending', inPlace);
  assert.deepEqual(
    (await sortState(page)),
    { name: null, size: 'descending', modified: null, perms: null, actions: null },
    'only the size column says it sorts',
  );
  assert.match(new URL(page.url()).search, /sort=size/);
  assert.deepEqual(await page.locator('tr.entry.file a.entry-name').allTextContents(), bySize);
  const sizes = await fileSizes(page);
  assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'files by size, largest first');
  if (inPlace) {
    const here = await entryNames(page);
    await page.reload();
    assert.deepEqual(await entryNames(page), here, 'the server sorts the same way');
  }
  await sortBy(page, 'name', 'ascending', inPlace);
  assert.deepEqual(await page.locator('tr.entry.file a.entry-name').allTextContents(), byName);
  await sortBy(page, 'name', 'descending', inPlace);
  assert.deepEqual(await page.locator('tr.entry.file a.entry-name').allTextContents(), [...byName].reverse());
  if (inPlace) {
    const here = await entryNames(page);
    await page.reload();
    assert.deepEqual(await entryNames(page), here, 'the server sorts the same way');
  }
  await sortBy(page, 'name', 'ascending', inPlace);
}

describe('ftpgate file management in headless Chromium', { skip: skipReason, timeout: SUITE_MS }, () => {
  suite.setup();

  describe('with JavaScript', () => {
    const step = suite.flow();
    let context;
    let page;
    // Names sort differently from sizes, on purpose.
    const drop = [
      { name: 'alpha.bin', size: 200 * 1024 + 3, seed: 1 },
      { name: 'beta.bin', size: 320 * 1024 + 7, seed: 2 },
      { name: 'gamma.txt', size: 64 * 1024 + 11, seed: 3 },
    ];
    const replacement = { name: 'alpha.bin', bytes: pattern(96 * 1024, 4) };

    after(async () => {
      await context?.close().catch(() => {});
    });

    step('1. log in as "localhost" (the same server by another name) and open uploads', async () => {
      context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
      watch(context, 'js');
      page = await context.newPage();
      await logIn(page, suite.app, { host: 'localhost' });
      assert.equal(await flashText(page), `Connected to localhost as ${suite.app.user}`);
      await clickAndLoad(page, row(page, 'uploads').locator('a.entry-name'));
      assert.equal(new URL(page.url()).pathname, '/browse/uploads/');
      assert.equal((await page.locator('p.empty').textContent()).trim(), 'This folder is empty.');
    });

    step('2. "New folder" creates a folder (a plain form post)', async () => {
      await page.getByLabel('New folder').fill('projects');
      await clickAndLoad(page, page.getByRole('button', { name: 'Create' }));
      assert.equal(await flashText(page), 'Created folder “projects”');
      assert.deepEqual(await entryNames(page), ['projects']);
      assert.equal(await row(page, 'projects').getAttribute('data-kind'), 'dir');
      assert.ok(existsSync(suite.disk('uploads', 'projects')), 'the folder is on the server');
    });

    step('3. Rename opens a dialog: Esc leaves it be, a new name renames it', async () => {
      const open = async () => {
        await row(page, 'projects').getByRole('link', { name: 'Rename projects' }).click();
        const dialog = page.getByRole('dialog', { name: 'Rename “projects”' });
        await dialog.waitFor();
        return dialog;
      };
      let dialog = await open();
      const input = dialog.getByLabel('New name');
      assert.equal(await input.inputValue(), 'projects');
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        return { label: el.labels?.[0]?.textContent, start: el.selectionStart, end: el.selectionEnd };
      });
      assert.deepEqual(focus, { label: 'New name', start: 0, end: 8 }, 'the name is focused and selected');
      assert.match(await dialog.textContent(), /A new name, or a full path starting with \/ to move it/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.ok(existsSync(suite.disk('uploads', 'projects')), 'Esc renamed nothing');

      dialog = await open();
      await dialog.getByLabel('New name').fill('archive');
      await clickAndLoad(page, dialog.getByRole('button', { name: 'Rename' }));
      assert.equal(await flashText(page), 'Renamed “projects” to “archive”', 'the server\'s message, after the reload');
      assert.deepEqual(await entryNames(page), ['archive']);
      assert.ok(existsSync(suite.disk('uploads', 'archive')) && !existsSync(suite.disk('uploads', 'projects')));
    });

    step('4. three dropped files upload two at a time, each with its progress', async () => {
      // Record every row's progress as it changes: the page reloads when all are in.
      const seen = {};
      await page.exposeFunction('reportUploadRow', (name, value, max, status) => {
        const s = (seen[name] ??= { top: 0, statuses: new Set() });
        s.top = Math.max(s.top, max > 0 ? value / max : 0);
        s.statuses.add(status);
      });
      const posts = countUploads(page);
      const unthrottle = await throttleUploads(page, 256 * 1024);
      try {
        await page.evaluate((files) => {
          new MutationObserver(() => {
            for (const li of document.querySelectorAll('.upload-row')) {
              const bar = li.querySelector('progress');
              const name = li.querySelector('.upload-name').textContent;
              window.reportUploadRow(name, bar.value, bar.max, li.querySelector('.upload-status').textContent);
            }
          }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          const dt = new DataTransfer();
          for (const f of files) {
            const bytes = new Uint8Array(f.size);
            for (let i = 0; i < f.size; i++) bytes[i] = (Math.imul(i + f.seed, 2654435761) >>> 24) & 255;
            dt.items.add(new File([bytes], f.name, { type: 'application/octet-stream' }));
          }
          window.testDrop = dt;
          const target = document.querySelector('table.listing');
          target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
          target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        }, drop);
        const overlay = page.locator('.drop-overlay');
        await overlay.waitFor({ state: 'visible' });
        assert.match(await overlay.textContent(), /Drop files to upload them to \/uploads/);
        const loaded = page.waitForEvent('load', { timeout: 20_000 });
        await page.evaluate(() => {
          const drop = new DragEvent('drop', { dataTransfer: window.testDrop, bubbles: true, cancelable: true });
          document.querySelector('table.listing').dispatchEvent(drop);
        });
        await overlay.waitFor({ state: 'hidden' });
        const rows = page.locator('.uploads .upload-row');
        assert.deepEqual(await rows.locator('.upload-name').allTextContents(), drop.map((f) => f.name));
        assert.equal(await page.locator('.uploads').getAttribute('aria-live'), 'polite');
        // Two at a time: the third waits while the first two are on their way.
        await until('two uploads under way and one waiting', async () => {
          const bars = await rows.locator('progress').evaluateAll((ps) => ps.map((p) => p.value / p.max));
          const statuses = await rows.locator('.upload-status').allTextContents();
          return bars[0] > 0.15 && bars[1] > 0.05 && statuses[2] === 'Waiting';
        });
        const bar = rows.first().getByRole('progressbar', { name: 'alpha.bin' });
        assert.equal(await bar.count(), 1, 'the progress bar is labelled with the file name');
        assert.match(await rows.nth(1).locator('.upload-numbers').textContent(), /of 320 KiB.*\d+%.*\/s/);
        assert.equal(await rows.nth(2).getByRole('button', { name: 'Cancel uploading gamma.txt' }).count(), 1);
        await page.screenshot({ path: join(DOCS, 'upload-progress.png') });
        await loaded; // every row stored: the listing reloads
      } finally {
        await unthrottle();
      }
      assert.equal(posts(), drop.length, 'one request per file');
      for (const f of drop) {
        assert.equal(seen[f.name]?.top, 1, `${f.name}'s progress reached 100%`);
        assert.ok(seen[f.name].statuses.has('Uploaded'), `${f.name} said Uploaded: ${[...seen[f.name].statuses]}`);
        const onDisk = readFileSync(suite.disk('uploads', f.name));
        assert.ok(onDisk.equals(pattern(f.size, f.seed)), `${f.name} arrived intact`);
      }
      assert.deepEqual(await entryNames(page), ['archive', ...drop.map((f) => f.name)]);
      assert.equal(await page.locator('.upload-row').count(), 0, 'a fresh listing');
      assert.equal(await flashText(page), 'Uploaded 3 files: alpha.bin, beta.bin, gamma.txt');
      await page.locator('.flash-close').click();
      assert.equal(await page.locator('.flash-wrap').count(), 0, 'the banner closes');
    });

    step('5. an existing name is found before a byte is sent, and "Replace" overwrites it', async () => {
      const posts = countUploads(page);
      await page.locator('#upload-files').setInputFiles({
        name: replacement.name,
        mimeType: 'application/octet-stream',
        buffer: replacement.bytes,
      });
      await page.getByRole('button', { name: 'Upload' }).click();
      const upload = page.locator('.upload-row', { hasText: replacement.name });
      await upload.locator('.upload-status', { hasText: 'already exists' }).waitFor();
      assert.match(await upload.getAttribute('class'), /upload-error/);
      await clickAndLoad(page, upload.getByRole('button', { name: `Replace the existing ${replacement.name}` }));
      assert.equal(posts(), 1, 'only the replacement was sent');
      assert.equal(await flashText(page), `Uploaded ${replacement.name}`);
      assert.ok(readFileSync(suite.disk('uploads', replacement.name)).equals(replacement.bytes), 'replaced');
      drop[0].size = replacement.bytes.length;
      assert.equal(await row(page, 'alpha.bin').getAttribute('data-size'), String(replacement.bytes.length));
    });

    step('6. cancelling an upload midway leaves no temporary file behind', async () => {
      const big = { name: 'too big.iso', bytes: pattern(3 * 1024 * 1024, 5) };
      const folder = suite.disk('uploads');
      assert.deepEqual(tempUploads(folder), []);
      const unthrottle = await throttleUploads(page, 192 * 1024);
      try {
        await page.locator('#upload-files').setInputFiles({
          name: big.name,
          mimeType: 'application/octet-stream',
          buffer: big.bytes,
        });
        await page.getByRole('button', { name: 'Upload' }).click();
        // The server streams it into a temporary file while it arrives.
        const temp = await until('the temporary upload file on disk', () => tempUploads(folder)[0], 10_000);
        const upload = page.locator('.upload-row', { hasText: big.name });
        await until('some progress', async () => {
          const [value, max] = await upload.locator('progress').evaluate((p) => [p.value, p.max]);
          return value / max > 0.05;
        });
        await upload.getByRole('button', { name: `Cancel uploading ${big.name}` }).click();
        await upload.locator('.upload-status', { hasText: 'Cancelled' }).waitFor();
        assert.match(await upload.getAttribute('class'), /upload-cancelled/);
        await until(`the server to delete ${temp}`, () => tempUploads(folder).length === 0, 5_000);
      } finally {
        await unthrottle();
      }
      assert.ok(!existsSync(join(folder, big.name)), 'no partial file under the real name');
      assert.equal(await page.locator('.upload-row').count(), 1, 'nothing succeeded: no reload');
      await page.reload();
      assert.deepEqual(await entryNames(page), ['archive', ...drop.map((f) => f.name)]);
    });

    step('7. sorting by size and by name through the column headers', async () => {
      await checkSorting(page, drop, true);
      // Folders stay first whatever the order.
      assert.equal((await entryNames(page))[0], 'archive');
    });

    step('8. the filter narrows the rows as you type, and keeps ?q= in the address', async () => {
      const filter = page.getByLabel('Filter');
      assert.equal(await page.locator('.filter-submit').isVisible(), false, 'no Filter button with script');
      const count = page.locator('#listing .count');
      assert.equal(await count.textContent(), '4 items');
      await filter.pressSequentially('.BIN', { delay: 20 });
      assert.deepEqual(await visibleNames(page), ['alpha.bin', 'beta.bin']);
      assert.equal(await count.textContent(), '2 of 4 items');
      assert.equal(new URL(page.url()).searchParams.get('q'), '.BIN');
      await filter.fill('zzz');
      assert.deepEqual(await visibleNames(page), []);
      assert.equal((await page.locator('tr.no-matches').textContent()).trim(), 'No names match “zzz”.');
      assert.equal(await count.textContent(), '0 of 4 items');
      await filter.fill('');
      assert.deepEqual(await visibleNames(page), ['archive', ...drop.map((f) => f.name)]);
      assert.equal(await count.textContent(), '4 items');
      assert.equal(await page.locator('tr.no-matches').count(), 0);
      assert.equal(new URL(page.url()).searchParams.get('q'), null);

      // Loaded with ?q= the server sends only the matches; widening the
      // filter fetches the rest.
      await page.goto(`${suite.app.base}/browse/uploads/?q=gam`);
      assert.deepEqual(await visibleNames(page), ['gamma.txt']);
      assert.equal(await count.textContent(), '1 of 4 items');
      await filter.fill('a');
      await until('all rows back', async () => (await visibleNames(page)).length === 4);
      assert.equal(await count.textContent(), '4 of 4 items');
      await page.goto(`${suite.app.base}/browse/uploads/`);
    });

    step('9. Delete asks in a dialog, focused on Cancel, then deletes the file', async () => {
      await row(page, 'gamma.txt').getByRole('link', { name: 'Delete gamma.txt' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete “gamma.txt”?' });
      await dialog.waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
      assert.equal(await page.evaluate(() => document.querySelector('dialog').matches(':modal')), true);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.ok(existsSync(suite.disk('uploads', 'gamma.txt')), 'Cancel deleted nothing');

      await row(page, 'gamma.txt').getByRole('link', { name: 'Delete gamma.txt' }).click();
      await dialog.waitFor();
      await clickAndLoad(page, dialog.getByRole('button', { name: 'Delete' }));
      assert.equal(await flashText(page), 'Deleted “gamma.txt”');
      assert.deepEqual(await entryNames(page), ['archive', 'alpha.bin', 'beta.bin']);
      assert.ok(!existsSync(suite.disk('uploads', 'gamma.txt')));
    });

    step('10. a rename the server refuses shows its reason in the dialog', async () => {
      allowProblems(/409/);
      await row(page, 'alpha.bin').getByRole('link', { name: 'Rename alpha.bin' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rename “alpha.bin”' });
      await dialog.waitFor();
      // The name without its extension is selected, ready to type over.
      assert.deepEqual(
        await page.evaluate(() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]),
        [0, 5],
      );
      await page.keyboard.type('beta');
      assert.equal(await dialog.getByLabel('New name').inputValue(), 'beta.bin');
      await dialog.getByRole('button', { name: 'Rename' }).click();
      const error = dialog.getByRole('alert');
      await error.waitFor();
      assert.match(await error.textContent(), /already exists/);
      assert.ok(await dialog.isVisible(), 'the dialog stays open');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.deepEqual(await entryNames(page), ['archive', 'alpha.bin', 'beta.bin']);
      // The rename page (the link's target) selects the same way with script.
      await page.goto(`${suite.app.base}/rename/uploads/alpha.bin`);
      assert.deepEqual(
        await page.evaluate(() => {
          const el = document.activeElement;
          return [el.id, el.selectionStart, el.selectionEnd];
        }),
        ['rename-to', 0, 5],
      );
      await clickAndLoad(page, page.getByRole('link', { name: 'Cancel' }));
    });

    step('11. deleting a folder with things in it says how many first', async () => {
      await clickAndLoad(page, page.getByRole('link', { name: 'Up', exact: true }));
      await row(page, 'photos').getByRole('link', { name: 'Delete photos' }).click();
      // photos/2026/{summer,winter}/*.txt: 2 files in 3 folders.
      const dialog = page.getByRole('dialog', {
        name: 'Delete folder “photos” and everything in it: 2 files and 3 folders?',
      });
      await dialog.waitFor();
      await clickAndLoad(page, dialog.getByRole('button', { name: 'Delete everything' }));
      assert.match(await flashText(page), /^Deleted folder “photos” and everything in it \(2 files and 3 folders\)/);
      assert.ok(!(await entryNames(page)).includes('photos'));
      assert.ok(!existsSync(suite.disk('photos')), 'the folder is gone from the server');
    });

    step('11b. on a 360 px phone the dialog, an upload error and both pages fit the width', async () => {
      allowProblems(/409/);
      const phone = await suite.browser.newContext({
        viewport: { width: 360, height: 740 },
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      try {
        watch(phone, 'phone');
        const p = await phone.newPage();
        const sideways = () =>
          p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await p.goto(`${suite.app.base}/browse/`);
        await row(p, 'README.txt').getByRole('link', { name: 'Rename README.txt' }).click();
        await p.getByRole('dialog').waitFor();
        const box = await p.getByRole('dialog').boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 360, `the dialog spans ${box.x}..${box.x + box.width}`);
        await p.keyboard.press('Escape');
        await p.locator('#upload-files').setInputFiles({
          name: 'README.txt',
          mimeType: 'text/plain',
          buffer: Buffer.from('a long name is not needed: the error text is long enough\n'),
        });
        await p.getByRole('button', { name: 'Upload' }).click();
        await p.locator('.upload-row.upload-error').waitFor();
        assert.equal(await sideways(), 0, 'the browse page with an upload error row');
        for (const path of ['/delete/downloads', '/rename/README.txt']) {
          await p.goto(`${suite.app.base}${path}`);
          assert.equal(await sideways(), 0, `${path} scrolls sideways`);
        }
      } finally {
        await phone.close();
      }
    });

    step('12. after logging out the demo server is prefilled again, never the password', async () => {
      await clickAndLoad(page, page.getByRole('button', { name: 'Log out' }));
      assert.equal(new URL(page.url()).pathname, '/login');
      // The demo's values win over the remembered "localhost" login: a
      // restarted demo has a new FTP port, which an old cookie would hide
      // (without a prefill the cookie fills the form: tests/web_login.rs).
      assert.equal(await page.locator('#login-host').inputValue(), suite.app.ftpHost, 'the demo prefill');
      assert.equal(await page.locator('#login-port').inputValue(), suite.app.ftpPort);
      assert.equal(await page.locator('#login-user').inputValue(), suite.app.user);
      assert.equal(await page.locator('#login-password').inputValue(), '');
    });
  });

  describe('without JavaScript', () => {
    const step = suite.flow();
    let context;
    let page;
    const files = [
      { name: 'one.txt', size: 10 * 1024 },
      { name: 'two.txt', size: 30 * 1024 },
    ].map((f, i) => ({ ...f, bytes: pattern(f.size, 10 + i) }));

    after(async () => {
      await context?.close().catch(() => {});
    });

    step('1. log in and create a folder with the plain form', async () => {
      context = await suite.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
      watch(context, 'no-js');
      page = await context.newPage();
      await logIn(page, suite.app);
      await page.getByLabel('New folder').fill('plain');
      await clickAndLoad(page, page.getByRole('button', { name: 'Create' }));
      assert.equal(await flashText(page), 'Created folder “plain”');
      assert.ok((await entryNames(page)).includes('plain'));
      assert.ok(existsSync(suite.disk('plain')));
    });

    step('2. upload two files with the plain form', async () => {
      await clickAndLoad(page, row(page, 'plain').locator('a.entry-name'));
      assert.equal(new URL(page.url()).pathname, '/browse/plain/');
      await page.locator('#upload-files').setInputFiles(
        files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: f.bytes })),
      );
      await clickAndLoad(page, page.getByRole('button', { name: 'Upload' }));
      assert.equal(await flashText(page), 'Uploaded 2 files: one.txt, two.txt');
      assert.deepEqual(await entryNames(page), ['one.txt', 'two.txt']);
      for (const f of files) assert.ok(readFileSync(suite.disk('plain', f.name)).equals(f.bytes));
    });

    step('3. rename through the rename page', async () => {
      await clickAndLoad(page, row(page, 'one.txt').getByRole('link', { name: 'Rename one.txt' }));
      assert.equal(await page.locator('body').getAttribute('class'), 'page-rename');
      const to = page.getByLabel('New name');
      assert.equal(await to.inputValue(), 'one.txt');
      await to.fill('three.txt');
      await clickAndLoad(page, page.getByRole('button', { name: 'Rename' }));
      assert.equal(new URL(page.url()).pathname, '/browse/plain/');
      assert.equal(await flashText(page), 'Renamed “one.txt” to “three.txt”');
      assert.deepEqual(await entryNames(page), ['three.txt', 'two.txt']);
      files[0].name = 'three.txt';
      assert.ok(existsSync(suite.disk('plain', 'three.txt')) && !existsSync(suite.disk('plain', 'one.txt')));
    });

    step('4. sort through the header links', async () => {
      await checkSorting(page, files);
    });

    step('5. filter through ?q= with the Filter button', async () => {
      const submit = page.getByRole('button', { name: 'Filter' });
      assert.ok(await submit.isVisible(), 'without script the Filter button shows');
      await page.getByLabel('Filter').fill('TWO');
      await clickAndLoad(page, submit);
      assert.equal(new URL(page.url()).searchParams.get('q'), 'TWO');
      assert.deepEqual(await entryNames(page), ['two.txt']);
      assert.equal(await page.locator('#listing .count').textContent(), '1 of 2 items');
      assert.equal(await page.getByLabel('Filter').inputValue(), 'TWO');
      await page.getByLabel('Filter').fill('nothing like it');
      await clickAndLoad(page, submit);
      assert.match(await page.locator('p.empty').textContent(), /^No names match “nothing like it”\./);
      await clickAndLoad(page, page.getByRole('link', { name: 'Show all' }));
      assert.deepEqual(await entryNames(page), ['three.txt', 'two.txt']);
    });

    step('6. delete a file through the confirmation page (Cancel first)', async () => {
      const open = () => clickAndLoad(page, row(page, 'two.txt').getByRole('link', { name: 'Delete two.txt' }));
      await open();
      assert.equal(await page.locator('body').getAttribute('class'), 'page-confirm');
      assert.equal((await page.locator('h1').textContent()).trim(), 'Delete this file?');
      await clickAndLoad(page, page.getByRole('link', { name: 'Cancel' }));
      assert.equal(new URL(page.url()).pathname, '/browse/plain/');
      assert.ok(existsSync(suite.disk('plain', 'two.txt')));
      await open();
      await clickAndLoad(page, page.getByRole('button', { name: 'Delete' }));
      assert.equal(await flashText(page), 'Deleted “two.txt”');
      assert.deepEqual(await entryNames(page), ['three.txt']);
      assert.ok(!existsSync(suite.disk('plain', 'two.txt')));
    });

    step('7. delete a folder with a file in it through the confirmation page', async () => {
      await clickAndLoad(page, page.getByRole('link', { name: 'Up', exact: true }));
      await clickAndLoad(page, row(page, 'plain').getByRole('link', { name: 'Delete plain' }));
      assert.equal((await page.locator('h1').textContent()).trim(), 'Delete this folder and everything in it?');
      assert.match(await page.locator('main').textContent(), /It holds 1 file\./);
      await clickAndLoad(page, page.getByRole('button', { name: 'Delete everything' }));
      assert.equal(new URL(page.url()).pathname, '/browse/');
      assert.match(await flashText(page), /^Deleted folder “plain” and everything in it/);
      assert.ok(!(await entryNames(page)).includes('plain'));
      assert.ok(!existsSync(suite.disk('plain')));
    });
  });
});
