// ftpgate's web UI in a real browser: Debian's Chromium, headless, driven by
// playwright-core (which never downloads a browser of its own).
//
//   cargo build --examples                       # builds target/debug/examples/demo
//   npm ci --prefix tests/browser
//   node --test tests/browser/
//
// Each test file starts its own demo (ftpgate + an in-process FTP server,
// user demo / password demo) on a free port with its own sample tree, and
// fails on any console error, page error or CSP violation (harness.mjs).
// This file walks through the basics (log in, browse, upload, download, log
// out), once with JavaScript and once without, checks the colours' WCAG
// contrast in light and dark mode, and writes the README's screenshots to
// docs/. manage.test.mjs covers new folder, rename, delete, uploads with
// progress, sorting and filtering.
//
// With CI=true a missing Chromium or demo binary is a failure. Outside CI a
// missing Chromium skips the suite (with a message); a missing demo fails.
// Overrides: FTPGATE_CHROMIUM (browser path), FTPGATE_DEMO (demo binary),
// FTPGATE_TEST_LOG (the demo's --log level, e.g. debug; default warn).

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  DOCS,
  HOME_FOLDERS,
  README_START,
  SUITE_MS,
  contrastReport,
  createSuite,
  download,
  entryNames,
  flashText,
  sha256,
  skipReason,
  watch,
} from './harness.mjs';

const suite = createSuite();

/** Fails unless every colour pair of the page's scheme meets its WCAG AA minimum. */
async function assertContrast(page, scheme, t) {
  const report = await contrastReport(page);
  const low = report.filter((r) => r.ratio < r.min);
  t?.diagnostic(`${scheme}: ${report.map((r) => `${r.fg} on ${r.bg} ${r.ratio.toFixed(2)}`).join(', ')}`);
  assert.deepEqual(
    low.map((r) => `${r.fg} on ${r.bg}: ${r.ratio.toFixed(2)} < ${r.min}`),
    [],
    `${scheme} colours below WCAG AA`,
  );
}

describe('ftpgate web UI in headless Chromium', { skip: skipReason, timeout: SUITE_MS }, () => {
  suite.setup();

  describe('with JavaScript', () => {
    const step = suite.flow();
    let context;
    let page;
    const uploaded = {
      name: 'from browser ✓.bin',
      bytes: randomBytes(300 * 1024 + 123),
    };

    after(async () => {
      await context?.close().catch(() => {});
    });

    step('1. the login page is prefilled; type the password and connect', async () => {
      context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
      watch(context, 'js');
      page = await context.newPage();
      const res = await page.goto(`${suite.app.base}/`);
      assert.equal(res.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/login', 'GET / without a session lands on /login');
      const csp = (await res.allHeaders())['content-security-policy'] || '';
      assert.match(csp, /script-src|default-src/, 'the page carries a Content-Security-Policy');
      assert.match(await page.title(), /ftpgate/);
      await page.getByRole('heading', { name: 'Connect to an FTP server' }).waitFor();
      assert.equal(await page.locator('#login-host').inputValue(), suite.app.ftpHost);
      assert.equal(await page.locator('#login-port').inputValue(), suite.app.ftpPort);
      assert.equal(await page.locator('#login-user').inputValue(), suite.app.user);
      assert.equal(await page.locator('#login-password').inputValue(), '');
      // The first empty field gets the focus: the password.
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'login-password');
      await page.screenshot({ path: join(DOCS, 'login.png') });
      // The demo says its password on the page.
      assert.match(await page.locator('#login-demo').textContent(), new RegExp(suite.app.password));
      await page.locator('#login-password').fill(suite.app.password);
      // A slow server: the login is held back until the button was seen busy.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await page.route('**/login', async (route) => {
        if (route.request().method() === 'POST') await held;
        await route.continue();
      });
      // Clicked and read from inside the page: Playwright's own click and
      // locators would wait for the navigation the route holds back.
      await page.getByRole('button', { name: 'Connect' }).waitFor();
      const seen = await page.evaluate(async () => {
        const form = document.querySelector('form[action="/login"]');
        const button = form.querySelector('button[type=submit]');
        button.click();
        while (form.getAttribute('aria-busy') !== 'true') await new Promise((r) => setTimeout(r, 20));
        return { text: button.textContent, disabled: button.disabled };
      });
      assert.deepEqual(seen, { text: 'Connecting…', disabled: true }, 'a second click cannot start a second login');
      await Promise.all([
        page.waitForURL((u) => u.pathname.startsWith('/browse/')),
        release(),
      ]);
      await page.unroute('**/login');
    });

    step('2. the home listing shows a success banner and folders before files', async () => {
      assert.equal(new URL(page.url()).pathname, '/browse/');
      const banner = page.locator('.flash.flash-success');
      await banner.waitFor();
      assert.equal(await banner.getAttribute('role'), 'status');
      assert.equal(await flashText(page), `Connected to ${suite.app.ftpHost} as ${suite.app.user}`);
      assert.equal((await page.locator('h1.path').textContent()).trim(), '/');
      assert.deepEqual(await entryNames(page), [...HOME_FOLDERS, 'README.txt']);
      const dirs = await page.locator('tr.entry.dir a.entry-name').allTextContents();
      assert.deepEqual(dirs, HOME_FOLDERS);
      const files = await page.locator('tr.entry.file a.entry-name').allTextContents();
      assert.deepEqual(files, ['README.txt']);
      // README.txt's name opens its preview, its Download action downloads; folders have neither.
      const readme = page.locator('tr.entry.file', { hasText: 'README.txt' });
      assert.equal(await readme.locator('a.entry-name').getAttribute('href'), '/preview/README.txt');
      assert.notEqual(await readme.locator('a.action-download').getAttribute('download'), null);
      assert.equal(await page.locator('tr.entry.dir a.action-download').count(), 0);
      assert.match(await readme.locator('td.size').textContent(), /\d+\s*B/);
      assert.match(await page.locator('#listing .count').textContent(), /^5 items$/);
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      assert.match(await page.locator('.account .who').textContent(), /demo/);
    });

    step('3. the banner closes with its × control; the colours pass WCAG AA', async (t) => {
      const close = page.locator('.flash-close');
      await close.click();
      await page.locator('.flash').waitFor({ state: 'detached' });
      assert.equal(await page.locator('.flash-wrap').count(), 0, 'app.js removes the banner');
      await assertContrast(page, 'light', t);
      await page.screenshot({ path: join(DOCS, 'browse.png') });
    });

    step('3b. the same listing on a phone and in dark mode (screenshots)', async (t) => {
      const state = await context.storageState();
      const shots = [
        {
          file: 'browse-phone.png',
          options: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
        },
        { file: 'browse-dark.png', options: { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' } },
      ];
      for (const { file, options } of shots) {
        const ctx = await suite.browser.newContext({ ...options, storageState: state });
        try {
          watch(ctx, file);
          const p = await ctx.newPage();
          await p.goto(`${suite.app.base}/browse/`);
          assert.deepEqual(await entryNames(p), [...HOME_FOLDERS, 'README.txt']);
          if (options.isMobile) {
            // Nothing is wider than the screen: no sideways scrolling.
            const overflow = await p.evaluate(
              () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
            );
            assert.ok(overflow <= 0, `the phone page scrolls sideways by ${overflow}px`);
            // The phone keeps the Modified column, and its targets fit a finger.
            const readme = p.locator('tr.entry.file', { hasText: 'README.txt' });
            assert.ok(await readme.locator('td.modified time').isVisible(), 'the modified date shows on a phone');
            for (const target of [readme.locator('a.action-rename'), readme.locator('a.action-delete')]) {
              const box = await target.boundingBox();
              assert.ok(box.width >= 44 && box.height >= 44, `a row action is ${box.width}×${box.height} px`);
            }
            const root = await p.locator('.crumbs a').first().boundingBox();
            assert.ok(root.width >= 24 && root.height >= 24, `the breadcrumb root is ${root.width}×${root.height} px`);
          }
          if (options.colorScheme === 'dark') {
            const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
            const [r, g, b] = bg.match(/\d+/g).map(Number);
            assert.ok(r + g + b < 150, `dark mode has a dark background, got ${bg}`);
            await assertContrast(p, 'dark', t);
          }
          await p.screenshot({ path: join(DOCS, file) });
        } finally {
          await ctx.close();
        }
      }
    });

    step('4. the uploads folder opens from its link and says it is empty', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/browse/uploads/'),
        page.locator('tr.entry.dir a.entry-name', { hasText: /^uploads$/ }).click(),
      ]);
      const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
      assert.deepEqual(
        (await crumbs.locator('li').allTextContents()).map((s) => s.trim()),
        ['/', 'uploads'],
      );
      assert.equal(await crumbs.locator('a[aria-current="page"]').textContent(), 'uploads');
      assert.equal((await page.locator('h1.path').textContent()).trim(), '/uploads');
      assert.equal((await page.locator('p.empty').textContent()).trim(), 'This folder is empty.');
      assert.equal(await page.locator('table.listing').count(), 0);
      assert.equal(await page.getByRole('link', { name: 'Up', exact: true }).getAttribute('href'), '/browse/');
    });

    step('5. a file uploads through the form (by script) and appears in the listing', async () => {
      await page.locator('input[type=file][name=file]').setInputFiles({
        name: uploaded.name,
        mimeType: 'application/octet-stream',
        buffer: uploaded.bytes,
      });
      // The script sends it and reloads the listing once it is stored.
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Upload' }).click()]);
      assert.equal(new URL(page.url()).pathname, '/browse/uploads/');
      assert.equal(await flashText(page), `Uploaded ${uploaded.name}`);
      assert.deepEqual(await entryNames(page), [uploaded.name]);
      const size = page.locator('tr.entry.file td.size');
      assert.match(await size.textContent(), /KiB|kB|KB/);
      assert.match(
        (await size.getAttribute('title')) || '',
        new RegExp(uploaded.bytes.length.toLocaleString('en-US')),
      );
    });

    step('6. clicking the uploaded file downloads the same bytes', async () => {
      const got = await download(
        page,
        () => page.locator('tr.entry.file a.entry-name', { hasText: uploaded.name }).click(),
        suite.saveDir,
      );
      assert.equal(got.name, uploaded.name);
      assert.equal(got.bytes.length, uploaded.bytes.length);
      assert.equal(sha256(got.bytes), sha256(uploaded.bytes));
      assert.equal(new URL(page.url()).pathname, '/browse/uploads/', 'the page stays put');
    });

    step('7. "Download by name" fetches ../README.txt relative to uploads', async () => {
      await page.locator('#by-name-path').fill('../README.txt');
      const got = await download(
        page,
        () => page.locator('section.by-name').getByRole('button', { name: 'Download' }).click(),
        suite.saveDir,
      );
      assert.equal(got.name, 'README.txt');
      assert.ok(
        got.bytes.toString('utf8').startsWith(README_START),
        `README.txt begins with ${JSON.stringify(got.bytes.toString('utf8').slice(0, 40))}`,
      );
      assert.equal(new URL(got.url).pathname, '/download/README.txt');
    });

    step('8. logging out lands on the login page; /browse/ then asks to log in', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login'),
        page.getByRole('button', { name: 'Log out' }).click(),
      ]);
      await page.locator('.flash').waitFor();
      assert.equal(await flashText(page), 'You are logged out.');
      assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 0);
      assert.equal(await page.locator('#login-password').inputValue(), '');
      await page.goto(`${suite.app.base}/browse/`);
      assert.equal(new URL(page.url()).pathname, '/login', `/browse/ after logout went to ${page.url()}`);
      await page.getByRole('button', { name: 'Connect' }).waitFor();
      await page.goto(`${suite.app.base}/browse/uploads/`);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  describe('without JavaScript', () => {
    const step = suite.flow();
    let context;
    let page;
    const uploaded = {
      name: 'no script — plain form.txt',
      bytes: Buffer.concat([Buffer.from('uploaded without JavaScript\n'), randomBytes(64 * 1024)]),
    };

    after(async () => {
      await context?.close().catch(() => {});
    });

    step('1. log in with the plain form', async () => {
      context = await suite.browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1280, height: 800 },
      });
      watch(context, 'no-js');
      page = await context.newPage();
      await page.goto(`${suite.app.base}/`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('#login-user').inputValue(), suite.app.user);
      await page.locator('#login-password').fill(suite.app.password);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/browse/'),
        page.getByRole('button', { name: 'Connect' }).click(),
      ]);
      assert.equal(await flashText(page), `Connected to ${suite.app.ftpHost} as ${suite.app.user}`);
      assert.deepEqual((await entryNames(page)).slice(0, 4), HOME_FOLDERS);
    });

    step('2. the banner hides through its CSS-only close control', async () => {
      const banner = page.locator('.flash');
      assert.ok(await banner.isVisible());
      // Assistive technology hears a button that dismisses, not a checkbox.
      await page.getByRole('button', { name: 'Dismiss message' }).waitFor({ state: 'attached' });
      assert.equal(await page.getByRole('checkbox', { name: 'Dismiss message' }).count(), 0);
      await page.locator('.flash-close').click();
      await banner.waitFor({ state: 'hidden' });
      assert.equal(await page.locator('.flash-wrap').count(), 1, 'no script: still in the page, only hidden');
    });

    step('3. open uploads and upload a file', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/browse/uploads/'),
        page.locator('tr.entry.dir a.entry-name', { hasText: /^uploads$/ }).click(),
      ]);
      await page.locator('input[type=file][name=file]').setInputFiles({
        name: uploaded.name,
        mimeType: 'text/plain',
        buffer: uploaded.bytes,
      });
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Upload' }).click(),
      ]);
      assert.equal(new URL(page.url()).pathname, '/browse/uploads/');
      assert.equal(await flashText(page), `Uploaded ${uploaded.name}`);
      const names = await entryNames(page);
      assert.ok(names.includes(uploaded.name), `listing: ${JSON.stringify(names)}`);
    });

    step('4. download it with its row\'s Download (its name opens its preview)', async () => {
      const file = page.locator('tr.entry.file', { hasText: uploaded.name });
      assert.match(await file.locator('a.entry-name').getAttribute('href'), /^\/preview\/uploads\//);
      const got = await download(page, () => file.locator('a.action-download').click(), suite.saveDir);
      assert.equal(got.name, uploaded.name);
      assert.ok(got.bytes.equals(uploaded.bytes), 'downloaded bytes equal the uploaded ones');
    });

    step('5. download /README.txt by name', async () => {
      await page.locator('#by-name-path').fill('/README.txt');
      const got = await download(
        page,
        () => page.locator('section.by-name').getByRole('button', { name: 'Download' }).click(),
        suite.saveDir,
      );
      assert.ok(got.bytes.toString('utf8').startsWith(README_START));
    });

    step('6. log out; /browse/ then asks to log in', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login'),
        page.getByRole('button', { name: 'Log out' }).click(),
      ]);
      assert.equal(await flashText(page), 'You are logged out.');
      await page.goto(`${suite.app.base}/browse/`);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });
});
