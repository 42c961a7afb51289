// ftpgate's web UI in a real browser: Debian's Chromium, headless, driven by
// playwright-core (which never downloads a browser of its own).
//
//   cargo build --examples                       # builds target/debug/examples/demo
//   npm ci --prefix tests/browser
//   node --test tests/browser/
//
// The test starts the demo (ftpgate + an in-process FTP server, user demo /
// password demo) on a free port, walks through what a person does (log in,
// browse, upload, download, log out), once with JavaScript and once
// without, and fails on any console error, page error or CSP violation.
// It also writes the README's screenshots to docs/.
//
// With CI=true a missing Chromium or demo binary is a failure. Outside CI a
// missing Chromium skips the suite (with a message); a missing demo fails.
// Overrides: FTPGATE_CHROMIUM (browser path), FTPGATE_DEMO (demo binary).

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEMO = process.env.FTPGATE_DEMO || join(ROOT, 'target', 'debug', 'examples', 'demo');
const CHROMIUM = process.env.FTPGATE_CHROMIUM || '/usr/bin/chromium';
const DOCS = join(ROOT, 'docs');
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI || '');

const STEP_MS = 30_000; // one step, at most
const ACTION_MS = 15_000; // one click, navigation or wait inside a step
const SUITE_MS = 180_000; // the whole suite, hooks included

const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  // Without the background-networking flags Chromium keeps trying to reach
  // Google, which a closed network refuses.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const HOME_FOLDERS = ['documents', 'downloads', 'photos', 'uploads'];
const README_START = 'Welcome to the ftpgate demo';

// Decide up front whether the suite can run at all.
let skipReason = false;
if (!existsSync(CHROMIUM)) {
  const msg = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
  if (IN_CI) {
    // A failure, never a skip, in CI: the suite runs and its setup test fails.
  } else {
    skipReason = `${msg}; skipping the browser UI test (set CI=true to make this a failure)`;
    console.log(`# ${skipReason}`);
  }
}

let ready = false; // set once the demo runs and Chromium is up
let app = null; // the running demo: URLs, credentials, its stderr so far

// Last resort: whatever hangs, the demo dies and the run ends.
let demo = null;
const watchdog = setTimeout(() => {
  console.error(`# browser UI test: over ${SUITE_MS + 20_000} ms in total; giving up`);
  demo?.kill('SIGKILL');
  process.exit(1);
}, SUITE_MS + 20_000);
watchdog.unref();
process.on('exit', () => demo?.kill('SIGKILL'));

/** Starts the demo on a port the OS picks and resolves with its URLs. */
function startDemo(sampleDir) {
  if (!existsSync(DEMO)) {
    throw new Error(
      `the demo binary ${DEMO} is missing: run \`cargo build --examples\` (or \`cargo test\`) first`,
    );
  }
  return new Promise((resolvePromise, reject) => {
    // The demo puts its sample tree under the temp dir: use our own, removed at the end.
    const child = spawn(DEMO, ['--listen', '127.0.0.1:0', '--log', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: sampleDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo = child;
    let out = '';
    let err = '';
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n--- demo stdout ---\n${out}--- demo stderr ---\n${err}`));
    };
    const timer = setTimeout(() => fail('the demo printed no URL within 20 s'), 20_000);
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
    });
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const web = out.match(/ftpgate demo is running: (http:\/\/\S+?)\/?\s*$/m);
      const ftp = out.match(/FTP server: ([\d.]+):(\d+)\s+user: (\S+)\s+password: (\S+)/);
      if (web && ftp) {
        clearTimeout(timer);
        resolvePromise({
          base: web[1].replace(/\/$/, ''),
          ftpHost: ftp[1],
          ftpPort: ftp[2],
          user: ftp[3],
          password: ftp[4],
          stderr: () => err,
        });
      }
    });
    child.on('error', (e) => fail(`cannot start the demo: ${e.message}`));
    child.on('exit', (code, signal) => {
      if (demo === child) demo = null;
      fail(`the demo exited early (code ${code}, signal ${signal})`);
    });
  });
}

/** Console errors, page errors, CSP violations and failed loads, from every page. */
const problems = [];
function watch(context, label) {
  context.setDefaultTimeout(ACTION_MS);
  context.setDefaultNavigationTimeout(ACTION_MS);
  context.on('page', (page) => watchPage(page, label));
  for (const page of context.pages()) watchPage(page, label);
}
function watchPage(page, label) {
  page.on('console', (msg) => {
    // Chromium reports CSP violations ("Refused to ...") as console errors.
    if (msg.type() === 'error' || /Content Security Policy/i.test(msg.text())) {
      problems.push(`[${label}] console ${msg.type()}: ${msg.text()} (${page.url()})`);
    }
  });
  page.on('pageerror', (e) => problems.push(`[${label}] page error: ${e.message} (${page.url()})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`[${label}] HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // A download handed to the download manager is reported as aborted; that is fine.
    const why = r.failure()?.errorText || '';
    if (!/ERR_ABORTED/.test(why)) problems.push(`[${label}] request failed: ${r.url()}: ${why}`);
  });
}
function assertNoProblems() {
  const seen = problems.splice(0);
  assert.deepEqual(seen, [], `the browser reported problems:\n${seen.join('\n')}`);
}

/**
 * Steps of one flow run in order; once one fails the rest fail fast with a
 * pointer to it instead of piling up confusing follow-on errors.
 */
function flow() {
  let broken = null;
  return (name, fn) =>
    it(name, { timeout: STEP_MS }, async () => {
      if (!ready) throw new Error('not run: the demo or Chromium did not start (see "0. ...")');
      if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
      try {
        await fn();
        assertNoProblems();
      } catch (e) {
        broken = name;
        // What the server logged (warnings and errors only) helps in CI.
        const log = app ? app.stderr().trim() : '';
        const died = demo ? '' : '\n(the demo process is no longer running)';
        if (log || died) e.message += `${died}\n--- demo stderr ---\n${log.slice(-4000)}`;
        throw e;
      }
    });
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** Clicks what `click` names and returns the downloaded bytes and file name. */
async function download(page, click, saveDir) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const failure = await dl.failure();
  assert.equal(failure, null, `the download of ${dl.url()} failed: ${failure}`);
  const name = dl.suggestedFilename();
  const file = join(saveDir, `${Date.now()}-${name}`);
  await dl.saveAs(file);
  return { name, bytes: readFileSync(file), url: dl.url() };
}

/** The names in the listing, in page order. */
const entryNames = (page) => page.locator('table.listing tr.entry a.entry-name').allTextContents();

/** The flash banner's text, whitespace-trimmed. */
async function flashText(page) {
  return (await page.locator('.flash .flash-text').textContent()).trim();
}

describe('ftpgate web UI in headless Chromium', { skip: skipReason, timeout: SUITE_MS }, () => {
  let browser;
  let work; // temp dir: the demo's sample tree and the saved downloads
  let saveDir;

  // A test, not a `before` hook: a failing hook shows as "cancelled" with
  // "# fail 0" in the summary; a missing demo or browser must read as a failure.
  it('0. the demo starts and Chromium launches', { timeout: 60_000 }, async (t) => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
    }
    work = mkdtempSync(join(tmpdir(), 'ftpgate-ui-'));
    saveDir = join(work, 'downloads');
    mkdirSync(saveDir);
    mkdirSync(join(work, 'tmp'));
    mkdirSync(DOCS, { recursive: true });
    app = await startDemo(join(work, 'tmp'));
    browser = await chromium.launch({ ...LAUNCH, timeout: 30_000 });
    t.diagnostic(`ftpgate demo at ${app.base}, FTP ${app.ftpHost}:${app.ftpPort}, Chromium ${browser.version()}`);
    ready = true;
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (demo) {
      const child = demo;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3_000))]);
      child.kill('SIGKILL');
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('with JavaScript', () => {
    const step = flow();
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
      context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      watch(context, 'js');
      page = await context.newPage();
      const res = await page.goto(`${app.base}/`);
      assert.equal(res.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/login', 'GET / without a session lands on /login');
      const csp = (await res.allHeaders())['content-security-policy'] || '';
      assert.match(csp, /script-src|default-src/, 'the page carries a Content-Security-Policy');
      assert.match(await page.title(), /ftpgate/);
      await page.getByRole('heading', { name: 'Connect to an FTP server' }).waitFor();
      assert.equal(await page.locator('#login-host').inputValue(), app.ftpHost);
      assert.equal(await page.locator('#login-port').inputValue(), app.ftpPort);
      assert.equal(await page.locator('#login-user').inputValue(), app.user);
      assert.equal(await page.locator('#login-password').inputValue(), '');
      // The first empty field gets the focus: the password.
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'login-password');
      await page.screenshot({ path: join(DOCS, 'login.png') });
      await page.locator('#login-password').fill(app.password);
      await Promise.all([
        page.waitForURL((u) => u.pathname.startsWith('/browse/')),
        page.getByRole('button', { name: 'Connect' }).click(),
      ]);
    });

    step('2. the home listing shows a success banner and folders before files', async () => {
      assert.equal(new URL(page.url()).pathname, '/browse/');
      const banner = page.locator('.flash.flash-success');
      await banner.waitFor();
      assert.equal(await banner.getAttribute('role'), 'status');
      assert.equal(await flashText(page), `Connected to ${app.ftpHost} as ${app.user}`);
      assert.equal((await page.locator('h1.path').textContent()).trim(), '/');
      assert.deepEqual(await entryNames(page), [...HOME_FOLDERS, 'README.txt']);
      const dirs = await page.locator('tr.entry.dir a.entry-name').allTextContents();
      assert.deepEqual(dirs, HOME_FOLDERS);
      const files = await page.locator('tr.entry.file a.entry-name').allTextContents();
      assert.deepEqual(files, ['README.txt']);
      // README.txt is a download link with its size; folders are not.
      const readme = page.locator('tr.entry.file', { hasText: 'README.txt' });
      assert.notEqual(await readme.locator('a.entry-name').getAttribute('download'), null);
      assert.match(await readme.locator('td.size').textContent(), /\d+\s*B/);
      assert.match(await page.locator('.toolbar .count').textContent(), /^5 items$/);
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      assert.match(await page.locator('.account .who').textContent(), /demo/);
    });

    step('3. the banner closes with its × control', async () => {
      const close = page.locator('.flash-close');
      await close.click();
      await page.locator('.flash').waitFor({ state: 'detached' });
      assert.equal(await page.locator('.flash-wrap').count(), 0, 'app.js removes the banner');
      await page.screenshot({ path: join(DOCS, 'browse.png') });
    });

    step('3b. the same listing on a phone and in dark mode (screenshots)', async () => {
      const state = await context.storageState();
      const shots = [
        {
          file: 'browse-phone.png',
          options: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
        },
        { file: 'browse-dark.png', options: { viewport: { width: 1200, height: 800 }, colorScheme: 'dark' } },
      ];
      for (const { file, options } of shots) {
        const ctx = await browser.newContext({ ...options, storageState: state });
        try {
          watch(ctx, file);
          const p = await ctx.newPage();
          await p.goto(`${app.base}/browse/`);
          assert.deepEqual(await entryNames(p), [...HOME_FOLDERS, 'README.txt']);
          if (options.isMobile) {
            // Nothing is wider than the screen: no sideways scrolling.
            const overflow = await p.evaluate(
              () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
            );
            assert.ok(overflow <= 0, `the phone page scrolls sideways by ${overflow}px`);
          }
          if (options.colorScheme === 'dark') {
            const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
            const [r, g, b] = bg.match(/\d+/g).map(Number);
            assert.ok(r + g + b < 150, `dark mode has a dark background, got ${bg}`);
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

    step('5. a file uploads through the form and appears in the listing', async () => {
      await page.locator('input[type=file][name=file]').setInputFiles({
        name: uploaded.name,
        mimeType: 'application/octet-stream',
        buffer: uploaded.bytes,
      });
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/browse/uploads/'),
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Upload' }).click(),
      ]);
      await page.locator('.flash').waitFor();
      assert.equal(
        await page.locator('.flash').getAttribute('class'),
        'flash flash-success',
        `upload banner: ${await flashText(page)}`,
      );
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
        saveDir,
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
        saveDir,
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
      await page.goto(`${app.base}/browse/`);
      assert.equal(new URL(page.url()).pathname, '/login', `/browse/ after logout went to ${page.url()}`);
      await page.getByRole('button', { name: 'Connect' }).waitFor();
      await page.goto(`${app.base}/browse/uploads/`);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  describe('without JavaScript', () => {
    const step = flow();
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
      context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1200, height: 800 },
      });
      watch(context, 'no-js');
      page = await context.newPage();
      await page.goto(`${app.base}/`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('#login-user').inputValue(), app.user);
      await page.locator('#login-password').fill(app.password);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/browse/'),
        page.getByRole('button', { name: 'Connect' }).click(),
      ]);
      assert.equal(await flashText(page), `Connected to ${app.ftpHost} as ${app.user}`);
      assert.deepEqual((await entryNames(page)).slice(0, 4), HOME_FOLDERS);
    });

    step('2. the banner hides through its CSS-only close control', async () => {
      const banner = page.locator('.flash');
      assert.ok(await banner.isVisible());
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

    step('4. download it by clicking its link', async () => {
      const got = await download(
        page,
        () => page.locator('tr.entry.file a.entry-name', { hasText: uploaded.name }).click(),
        saveDir,
      );
      assert.equal(got.name, uploaded.name);
      assert.ok(got.bytes.equals(uploaded.bytes), 'downloaded bytes equal the uploaded ones');
    });

    step('5. download /README.txt by name', async () => {
      await page.locator('#by-name-path').fill('/README.txt');
      const got = await download(
        page,
        () => page.locator('section.by-name').getByRole('button', { name: 'Download' }).click(),
        saveDir,
      );
      assert.ok(got.bytes.toString('utf8').startsWith(README_START));
    });

    step('6. log out; /browse/ then asks to log in', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login'),
        page.getByRole('button', { name: 'Log out' }).click(),
      ]);
      assert.equal(await flashText(page), 'You are logged out.');
      await page.goto(`${app.base}/browse/`);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });
});
