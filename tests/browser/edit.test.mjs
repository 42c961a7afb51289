// Editing text files, making empty ones and changing permissions in a real
// browser, with and without JavaScript, checked against the demo's files on
// disk: the editor saves (line endings kept) through a temporary name; a
// file changed on the server meanwhile is not overwritten (the text stays,
// "Reload" and "Save as a copy" work); the new-file form refuses a taken
// name; the permissions page sends SITE CHMOD, which the demo's server
// (libunftp) refuses with a clear message. With script, Ctrl-S saves and
// the permission boxes and the octal field follow each other.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allowProblems,
  clickAndLoad,
  createSuite,
  DOCS,
  flashText,
  logIn,
  row,
  skipReason,
  SUITE_MS,
  tempUploads,
  watch,
} from './harness.mjs';

const suite = createSuite();

for (const js of [false, true]) {
  describe(`Editing ${js ? 'with' : 'without'} JavaScript`, { skip: skipReason, timeout: SUITE_MS }, () => {
    if (!js) suite.setup();
    const step = suite.flow();
    const folder = js ? 'edit-js' : 'edit-nojs';
    const disk = (...parts) => suite.disk('uploads', folder, ...parts);
    const listing = () => `${suite.app.base}/browse/uploads/${folder}/`;
    let context;
    let page;

    after(async () => {
      await context?.close().catch(() => {});
    });

    /** Saves the editor's form: Ctrl-S with script, the button without. */
    async function submitEditor(button) {
      if (js) {
        await page.locator('#edit-text').focus();
        await Promise.all([page.waitForEvent('load'), page.keyboard.press('Control+s')]);
      } else {
        await clickAndLoad(page, page.getByRole('button', { name: button, exact: true }));
      }
    }

    step(`1. log in (${js ? 'script on' : 'script off'}) and open a folder with a text file`, async () => {
      mkdirSync(disk(), { recursive: true });
      writeFileSync(disk('notes.txt'), 'line one\nline two\n');
      context = await suite.browser.newContext({ javaScriptEnabled: js, viewport: { width: 1280, height: 800 } });
      watch(context, js ? 'edit-js' : 'edit-nojs');
      page = await context.newPage();
      await logIn(page, suite.app);
      await page.goto(listing());
      assert.ok(await row(page, 'notes.txt').getByRole('link', { name: 'Edit notes.txt' }).isVisible());
    });

    step('2. "New file" makes an empty file and refuses a taken name', async () => {
      await page.getByLabel('New file').fill('fresh.txt');
      await clickAndLoad(page, page.getByRole('button', { name: 'Add', exact: true }));
      assert.equal(await flashText(page), 'Created the empty file “fresh.txt”');
      assert.equal(statSync(disk('fresh.txt')).size, 0);
      await page.getByLabel('New file').fill('notes.txt');
      allowProblems(/409.*\/new-file\//);
      await clickAndLoad(page, page.getByRole('button', { name: 'Add', exact: true }));
      assert.match(await page.locator('main').textContent(), /“notes\.txt” already exists here; nothing was replaced\./);
      assert.equal(readFileSync(disk('notes.txt'), 'utf8'), 'line one\nline two\n');
    });

    step('3. edit and save: the file changes, LF line endings and all', async () => {
      await page.goto(listing());
      await clickAndLoad(page, row(page, 'notes.txt').getByRole('link', { name: 'Edit notes.txt' }));
      assert.equal(await page.locator('body').getAttribute('class'), 'page-edit');
      const box = page.getByLabel('Text', { exact: true });
      assert.equal(await box.inputValue(), 'line one\nline two\n');
      await box.fill('line one\nline 2\nline three\n');
      if (js) await page.screenshot({ path: join(DOCS, 'edit.png') });
      await submitEditor('Save');
      assert.equal(new URL(page.url()).pathname, `/browse/uploads/${folder}/`);
      assert.equal(await flashText(page), 'Saved “notes.txt”');
      // The browser sent CRLF; the file had LF and keeps it.
      assert.equal(readFileSync(disk('notes.txt'), 'utf8'), 'line one\nline 2\nline three\n');
      assert.deepEqual(tempUploads(disk()), []);
    });

    step('4. a file changed on the server meanwhile is not overwritten; Reload opens it fresh', async () => {
      await page.goto(`${suite.app.base}/edit/uploads/${folder}/notes.txt`);
      writeFileSync(disk('notes.txt'), 'changed elsewhere, and longer\n');
      await page.getByLabel('Text', { exact: true }).fill('my edit\n');
      allowProblems(/409.*\/edit\//);
      await submitEditor('Save');
      assert.match(await page.locator('.conflict').textContent(), /changed on the FTP server since you opened it/);
      assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), 'my edit\n', 'the text is kept');
      assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0);
      assert.equal(readFileSync(disk('notes.txt'), 'utf8'), 'changed elsewhere, and longer\n');
      await clickAndLoad(page, page.getByRole('link', { name: 'Reload (lose my edits)' }));
      assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), 'changed elsewhere, and longer\n');
      assert.equal(await page.locator('.conflict').count(), 0);
    });

    step('5. after another conflict, "Save as a copy" saves beside it, replacing nothing', async () => {
      writeFileSync(disk('notes (edited).txt'), 'an older copy\n');
      writeFileSync(disk('notes.txt'), 'changed again\n');
      await page.getByLabel('Text', { exact: true }).fill('my second edit\n');
      allowProblems(/409.*\/edit\//);
      await submitEditor('Save');
      assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), 'my second edit\n');
      // With script Ctrl-S takes the form's first button: "Save as a copy" now.
      await submitEditor('Save as a copy');
      assert.equal(await flashText(page), 'Saved your text as “notes (edited 2).txt”');
      assert.equal(readFileSync(disk('notes (edited 2).txt'), 'utf8'), 'my second edit\n');
      assert.equal(readFileSync(disk('notes (edited).txt'), 'utf8'), 'an older copy\n');
      assert.equal(readFileSync(disk('notes.txt'), 'utf8'), 'changed again\n');
      assert.deepEqual(tempUploads(disk()), []);
    });

    step('6. the permissions page: the demo server has no SITE CHMOD, and says so', async () => {
      await page.goto(`${suite.app.base}/chmod/uploads/${folder}/notes.txt`);
      assert.equal(await page.locator('body').getAttribute('class'), 'page-chmod');
      const before = statSync(disk('notes.txt')).mode & 0o7777;
      const octal = page.getByLabel('Or as octal');
      if (js) {
        // The boxes and the field follow each other.
        await octal.fill('640');
        assert.equal(await page.getByLabel('Owner write').isChecked(), true);
        assert.equal(await page.getByLabel('Group write').isChecked(), false);
        assert.equal(await page.getByLabel('Others read').isChecked(), false);
        await page.getByLabel('Others read').check();
        assert.equal(await octal.inputValue(), '0644');
      } else {
        await octal.fill('600');
      }
      allowProblems(/(501|403).*\/chmod\//);
      await clickAndLoad(page, page.getByRole('button', { name: 'Change permissions' }));
      assert.match(
        await page.locator('main').textContent(),
        /This FTP server does not allow changing permissions \(it said “5\d\d /,
      );
      assert.equal(statSync(disk('notes.txt')).mode & 0o7777, before, 'unchanged');
    });

    if (js) {
      step('7. on a phone the Permissions column goes', async () => {
        await page.setViewportSize({ width: 400, height: 800 });
        await page.goto(listing());
        const cell = row(page, 'notes.txt').locator('td.perms');
        assert.equal(await cell.isHidden(), true);
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.reload();
        assert.equal(await cell.isVisible(), true);
      });
    }
  });
}

