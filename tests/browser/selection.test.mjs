// Downloads as ZIP, in headless Chromium, with and without JavaScript: the
// toolbar's "Download as ZIP" gives the whole folder; ticking rows and
// "Download selected as ZIP" gives those entries (with script, shift-click
// ticks a range and the bar counts them). Each archive is read back with
// Python's zipfile, which checks every CRC. Then "Delete selected…": a
// confirmation that counts what goes, and only the ticked entries go. With
// script, "Choose a folder…" sends a whole tree, made with MKD on the way.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  clickAndLoad,
  createSuite,
  download,
  flashText,
  logIn,
  row,
  skipReason,
  SUITE_MS,
  watch,
} from './harness.mjs';

const suite = createSuite();

/** The names in a ZIP (sorted), after zipfile checked every CRC. */
function zipNames(bytes) {
  const file = join(suite.work, `check-${Date.now()}.zip`);
  writeFileSync(file, bytes);
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'bad = z.testzip()',
    'assert bad is None, bad',
    'print("\\n".join(sorted(z.namelist())))',
  ].join('\n');
  return execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }).trim().split('\n');
}

/** What the archive of a folder on disk must hold: `base/` and every entry below. */
function treeNames(dir, base) {
  const out = [`${base}/`];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = `${base}/${relative(dir, p)}`;
      if (statSync(p).isDirectory()) {
        out.push(`${rel}/`);
        walk(p);
      } else out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

for (const js of [true, false]) {
  describe(`ZIP downloads ${js ? 'with' : 'without'} JavaScript`, { skip: skipReason, timeout: SUITE_MS }, () => {
    if (js) suite.setup();
    const step = suite.flow();
    let context;
    let page;

    after(async () => {
      await context?.close().catch(() => {});
    });

    step(`1. log in (${js ? 'script on' : 'script off'})`, async () => {
      context = await suite.browser.newContext({ javaScriptEnabled: js, acceptDownloads: true });
      watch(context, js ? 'zip-js' : 'zip-nojs');
      page = await context.newPage();
      await logIn(page, suite.app);
    });

    step('2. "Download as ZIP" gives the whole folder', async () => {
      await page.goto(`${suite.app.base}/browse/documents/`);
      const got = await download(page, () => page.getByRole('link', { name: 'Download as ZIP' }).click(), suite.saveDir);
      assert.equal(got.name, 'documents.zip');
      assert.deepEqual(zipNames(got.bytes), treeNames(suite.disk('documents'), 'documents'));
    });

    step('3. ticked rows download as one ZIP of just those', async () => {
      await page.goto(`${suite.app.base}/browse/`);
      const names = (await page.locator('table.listing tr.entry').evaluateAll((rows) => rows.map((r) => r.dataset.name)));
      assert.ok(names.includes('README.txt') && names.includes('photos'), JSON.stringify(names));
      const submit = page.getByRole('button', { name: 'Download selected as ZIP' });
      if (js) {
        assert.equal(await submit.isDisabled(), true, 'nothing ticked yet');
        // A range: the first folder, then shift-click the second.
        await row(page, 'documents').getByRole('checkbox').click();
        await row(page, 'downloads').getByRole('checkbox').click({ modifiers: ['Shift'] });
        assert.equal((await page.locator('.selection-count').textContent()).trim(), '2 items selected');
        await row(page, 'downloads').getByRole('checkbox').click();
      }
      await row(page, 'photos').getByRole('checkbox').check();
      await row(page, 'README.txt').getByRole('checkbox').check();
      const want = js ? ['documents', 'photos', 'README.txt'] : ['photos', 'README.txt'];
      if (js) assert.equal((await page.locator('.selection-count').textContent()).trim(), '3 items selected');
      const got = await download(page, () => submit.click(), suite.saveDir);
      assert.equal(got.name, 'files.zip', 'the top folder has no name: files.zip');
      const expected = want
        .flatMap((n) => (n.includes('.') ? [n] : treeNames(suite.disk(n), n)))
        .sort();
      assert.deepEqual(zipNames(got.bytes), expected);
    });

    step('4. "Delete selected…" confirms with the counts, then deletes only those', async () => {
      const base = suite.disk('uploads', js ? 'bulk-js' : 'bulk-nojs');
      mkdirSync(join(base, 'old', 'deep'), { recursive: true });
      writeFileSync(join(base, 'old', 'deep', 'a.txt'), 'a');
      writeFileSync(join(base, 'old', 'b.txt'), 'b');
      writeFileSync(join(base, 'junk.txt'), 'junk');
      writeFileSync(join(base, 'keep.txt'), 'keep');
      await page.goto(`${suite.app.base}/browse/uploads/${js ? 'bulk-js' : 'bulk-nojs'}/`);
      await row(page, 'old').getByRole('checkbox').check();
      await row(page, 'junk.txt').getByRole('checkbox').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Delete selected…' }));
      assert.equal((await page.locator('h1').textContent()).trim(), 'Delete 2 items?');
      assert.match(await page.locator('.delete-list').textContent(), /old — a folder holding 2 files and 1 folder/);
      assert.match(await page.locator('p.warning').textContent(), /3 files and 2 folders will be deleted/);
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
      await clickAndLoad(page, page.getByRole('button', { name: 'Delete 2 items' }));
      assert.equal(await flashText(page), 'Deleted 3 files and 2 folders');
      assert.deepEqual(readdirSync(base), ['keep.txt']);
      assert.ok(!existsSync(join(base, 'old')));
    });

    step('4b. "Move selected…" picks a folder by browsing to it (a dialog with script), then moves', async () => {
      const name = js ? 'bulk-js' : 'bulk-nojs';
      const base = suite.disk('uploads', name);
      mkdirSync(join(base, 'target'));
      await page.goto(`${suite.app.base}/browse/uploads/${name}/`);
      await row(page, 'keep.txt').getByRole('checkbox').check();
      if (js) {
        // A dialog that browses folders; the page stays where it is.
        await page.getByRole('button', { name: 'Move selected…' }).click();
        const dialog = page.getByRole('dialog', { name: `Move 1 item from /uploads/${name}` });
        await dialog.getByRole('button', { name: 'target', exact: true }).click();
        await dialog.locator('.picker-where', { hasText: `Move to /uploads/${name}/target` }).waitFor();
        await clickAndLoad(page, dialog.getByRole('button', { name: 'Move here' }));
      } else {
        await clickAndLoad(page, page.getByRole('button', { name: 'Move selected…' }));
        assert.equal((await page.locator('h1').textContent()).trim(), `Move 1 item from /uploads/${name}`);
        await clickAndLoad(page, page.getByRole('link', { name: 'target/' }));
        assert.equal(await page.getByLabel('Move to').inputValue(), `/uploads/${name}/target`);
        await clickAndLoad(page, page.getByRole('button', { name: 'Move here' }));
      }
      assert.equal(await flashText(page), `Moved 1 item to /uploads/${name}/target`);
      assert.deepEqual(readdirSync(base), ['target']);
      assert.deepEqual(readdirSync(join(base, 'target')), ['keep.txt']);
    });

    step('4c. "Copy selected…" copies one folder up; the original stays', async () => {
      const name = js ? 'bulk-js' : 'bulk-nojs';
      const base = suite.disk('uploads', name);
      await page.goto(`${suite.app.base}/browse/uploads/${name}/target/`);
      await row(page, 'keep.txt').getByRole('checkbox').check();
      if (js) {
        await page.getByRole('button', { name: 'Copy selected…' }).click();
        const dialog = page.getByRole('dialog', { name: `Copy 1 item from /uploads/${name}/target` });
        await dialog.getByRole('button', { name: `↑ Up to /uploads/${name}` }).click();
        // Exactly: the folder shown before (…/target) contains this text too.
        await dialog.locator('.picker-where', { hasText: new RegExp(`^Copy to /uploads/${name}$`) }).waitFor();
        await clickAndLoad(page, dialog.getByRole('button', { name: 'Copy here' }));
      } else {
        await clickAndLoad(page, page.getByRole('button', { name: 'Copy selected…' }));
        assert.equal((await page.locator('h1').textContent()).trim(), `Copy 1 item from /uploads/${name}/target`);
        await clickAndLoad(page, page.getByRole('link', { name: 'One folder up' }));
        await clickAndLoad(page, page.getByRole('button', { name: 'Copy here' }));
      }
      assert.equal(await flashText(page), `Copied 1 file to /uploads/${name}`);
      assert.equal(readFileSync(join(base, 'keep.txt'), 'utf8'), 'keep');
      assert.deepEqual(readdirSync(join(base, 'target')), ['keep.txt']);
      // Back to where the next step expects to be: only the folder left.
      rmSync(join(base, 'keep.txt'));
    });

    if (js) {
      step('5. "Choose a folder…" recreates the tree', async () => {
        const local = join(suite.work, 'album');
        mkdirSync(join(local, 'day 1', 'raw'), { recursive: true });
        writeFileSync(join(local, 'cover.txt'), 'cover');
        writeFileSync(join(local, 'day 1', 'a.txt'), 'a'.repeat(5000));
        writeFileSync(join(local, 'day 1', 'raw', 'b.bin'), Buffer.alloc(70000, 7));
        await page.goto(`${suite.app.base}/browse/uploads/bulk-js/`);
        assert.equal(await page.getByRole('button', { name: 'Choose a folder…' }).count(), 1);
        const loaded = page.waitForEvent('load', { timeout: 20_000 });
        await page.locator('#upload-folder-input').setInputFiles(local);
        await loaded; // all in: the listing reloads
        assert.match(await flashText(page), /^Uploaded 3 files/);
        const onDisk = suite.disk('uploads', 'bulk-js', 'album');
        assert.deepEqual(treeNames(onDisk, 'album'), treeNames(local, 'album'));
        assert.equal(readFileSync(join(onDisk, 'day 1', 'raw', 'b.bin')).length, 70000);
      });

      step('6. names that exist: "Skip all" keeps them, "Replace all" replaces them', async () => {
        const base = suite.disk('uploads', 'bulk-js');
        writeFileSync(join(base, 'one.txt'), 'old one');
        writeFileSync(join(base, 'two.txt'), 'old two');
        await page.goto(`${suite.app.base}/browse/uploads/bulk-js/`);
        const files = [
          { name: 'one.txt', mimeType: 'text/plain', buffer: Buffer.from('new one') },
          { name: 'two.txt', mimeType: 'text/plain', buffer: Buffer.from('new two') },
        ];
        await page.locator('#upload-files').setInputFiles(files);
        await page.getByRole('button', { name: 'Upload', exact: true }).click();
        const rows = page.locator('.upload-row.upload-error');
        await page.getByRole('button', { name: 'Skip all 2 files that exist' }).first().waitFor();
        assert.equal(await rows.count(), 2);
        // The rows say what happened, and no bar looks finished for a file not stored.
        assert.equal(await page.getByRole('region', { name: 'Uploads' }).count(), 1);
        for (const text of await rows.locator('.upload-status').allTextContents()) {
          assert.match(text, /^(one|two)\.txt already exists here\.$/);
        }
        await page.getByRole('button', { name: 'Skip all 2 files that exist' }).first().click();
        assert.equal(await page.locator('.upload-row.upload-skipped').count(), 2);
        for (const value of await page.locator('.upload-row.upload-skipped progress').evaluateAll((bars) => bars.map((b) => b.value))) {
          assert.equal(value, 0, 'a skipped file shows no progress');
        }
        assert.equal(readFileSync(join(base, 'one.txt'), 'utf8'), 'old one');

        await page.locator('#upload-files').setInputFiles(files);
        await page.getByRole('button', { name: 'Upload', exact: true }).click();
        await page.getByRole('button', { name: 'Replace all 2 existing files' }).first().waitFor();
        const loaded = page.waitForEvent('load', { timeout: 20_000 });
        await page.getByRole('button', { name: 'Replace all 2 existing files' }).first().click();
        await loaded;
        assert.equal(readFileSync(join(base, 'one.txt'), 'utf8'), 'new one');
        assert.equal(readFileSync(join(base, 'two.txt'), 'utf8'), 'new two');
      });

      step('7. dragging a row onto a folder row, then onto a breadcrumb, moves it', async () => {
        const base = suite.disk('uploads', 'bulk-js');
        mkdirSync(join(base, 'dest'));
        writeFileSync(join(base, 'dragme.txt'), 'drag');
        await page.goto(`${suite.app.base}/browse/uploads/bulk-js/`);
        let loaded = page.waitForEvent('load');
        await row(page, 'dragme.txt').locator('td.size').dragTo(row(page, 'dest').locator('td.size'));
        await loaded;
        assert.equal(await flashText(page), 'Moved 1 item to /uploads/bulk-js/dest');
        assert.ok(existsSync(join(base, 'dest', 'dragme.txt')));
        await page.goto(`${suite.app.base}/browse/uploads/bulk-js/dest/`);
        loaded = page.waitForEvent('load');
        await row(page, 'dragme.txt').locator('td.size').dragTo(page.locator('nav.crumbs a', { hasText: 'uploads' }));
        await loaded;
        assert.equal(await flashText(page), 'Moved 1 item to /uploads');
        assert.ok(existsSync(suite.disk('uploads', 'dragme.txt')));
      });
    }
  });
}
