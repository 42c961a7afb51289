// Shared by the browser test files: start the demo, launch Chromium, watch
// every page for console errors / CSP violations / failed requests, run the
// steps of a flow in order, and small helpers for pages and the demo's disk.
//
// Each test file makes its own suite (its own demo, sample tree and
// browser), so the files never see each other's changes.

import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO = process.env.FTPGATE_DEMO || join(ROOT, 'target', 'debug', 'examples', 'demo');
export const CHROMIUM = process.env.FTPGATE_CHROMIUM || '/usr/bin/chromium';
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI || '');
// FTPGATE_BROWSER_HTTPS=1: the same flows over HTTPS, the demo serving a
// self-signed certificate (Chromium told to accept it); the screenshots of
// that run go to a temp folder, not over the README's.
export const HTTPS = /^(1|true|yes)$/i.test(process.env.FTPGATE_BROWSER_HTTPS || '');
export const DOCS = HTTPS ? join(tmpdir(), 'ftpgate-docs-https') : join(ROOT, 'docs');

export const STEP_MS = 30_000; // one step, at most
export const ACTION_MS = 15_000; // one click, navigation or wait inside a step
export const SUITE_MS = 180_000; // one test file, hooks included

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
    ...(HTTPS ? ['--ignore-certificate-errors'] : []),
  ],
};

export const HOME_FOLDERS = ['documents', 'downloads', 'photos', 'uploads'];
export const README_START = 'Welcome to the ftpgate demo';

/** Whether the suite can run at all: a reason to skip it, or false. */
export const skipReason = (() => {
  if (existsSync(CHROMIUM) || IN_CI) return false; // in CI a missing browser fails "0. ..."
  const why = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium); skipping the browser UI test (set CI=true to make this a failure)`;
  console.log(`# ${why}`);
  return why;
})();

/** Starts the demo on a port the OS picks and resolves with its URLs. */
function startDemo(sampleDir, onChild) {
  if (!existsSync(DEMO)) {
    throw new Error(
      `the demo binary ${DEMO} is missing: run \`cargo build --examples\` (or \`cargo test\`) first`,
    );
  }
  return new Promise((resolvePromise, reject) => {
    // The demo puts its sample tree under the temp dir: use our own, removed at the end.
    const tls = HTTPS ? ['--tls-self-signed', '--state-dir', join(sampleDir, 'state')] : [];
    const args = ['--listen', '127.0.0.1:0', '--log', process.env.FTPGATE_TEST_LOG || 'warn', ...tls];
    const child = spawn(DEMO, args, {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: sampleDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onChild(child);
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
      const web = out.match(/ftpgate demo is running: (https?:\/\/\S+?)\/?\s*$/m);
      if (web && HTTPS !== web[1].startsWith('https:')) {
        fail(`the demo serves ${web[1]}, but FTPGATE_BROWSER_HTTPS is ${HTTPS ? 'on' : 'off'}`);
        return;
      }
      const ftp = out.match(/FTP server: ([\d.]+):(\d+)\s+user: (\S+)\s+password: (\S+)/);
      const files = out.match(/sample files: (.+?)\s*$/m);
      if (web && ftp && files) {
        clearTimeout(timer);
        resolvePromise({
          base: web[1].replace(/\/$/, ''),
          ftpHost: ftp[1],
          ftpPort: ftp[2],
          user: ftp[3],
          password: ftp[4],
          files: files[1],
          stderr: () => err,
        });
      }
    });
    child.on('error', (e) => fail(`cannot start the demo: ${e.message}`));
    child.on('exit', (code, signal) => fail(`the demo exited early (code ${code}, signal ${signal})`));
  });
}

/** Console errors, page errors, CSP violations and failed loads, from every page. */
const problems = [];
let allowed = []; // patterns of problems the current step expects (e.g. a 409)

/** Lets the current step see problems matching these patterns (an expected 409, say). */
export function allowProblems(...patterns) {
  allowed.push(...patterns);
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
    if (r.status() >= 400) problems.push(`[${label}] HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // A download handed to the download manager, or a cancelled upload, is
    // reported as aborted; that is fine.
    const why = r.failure()?.errorText || '';
    if (!/ERR_ABORTED/.test(why)) problems.push(`[${label}] request failed: ${r.url()}: ${why}`);
  });
}

/** Sets the timeouts of `context` and watches its pages for problems. */
export function watch(context, label) {
  context.setDefaultTimeout(ACTION_MS);
  context.setDefaultNavigationTimeout(ACTION_MS);
  context.on('page', (page) => watchPage(page, label));
  for (const page of context.pages()) watchPage(page, label);
}

function assertNoProblems() {
  const seen = problems.splice(0).filter((p) => !allowed.some((re) => re.test(p)));
  allowed = [];
  assert.deepEqual(seen, [], `the browser reported problems:\n${seen.join('\n')}`);
}

/**
 * One test file's demo and browser. `setup` is a test ("0. ..."), not a
 * `before` hook: a failing hook shows as "cancelled" with "# fail 0" in the
 * summary; a missing demo or browser must read as a failure.
 */
export function createSuite() {
  const suite = { ready: false, app: null, browser: null, work: null, saveDir: null, demo: null };

  // Last resort: whatever hangs, the demo dies and the run ends.
  const watchdog = setTimeout(() => {
    console.error(`# browser UI test: over ${SUITE_MS + 20_000} ms in total; giving up`);
    suite.demo?.kill('SIGKILL');
    process.exit(1);
  }, SUITE_MS + 20_000);
  watchdog.unref();
  process.on('exit', () => suite.demo?.kill('SIGKILL'));

  suite.setup = () =>
    it('0. the demo starts and Chromium launches', { timeout: 60_000 }, async (t) => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
      }
      suite.work = mkdtempSync(join(tmpdir(), 'ftpgate-ui-'));
      suite.saveDir = join(suite.work, 'downloads');
      mkdirSync(suite.saveDir);
      mkdirSync(join(suite.work, 'tmp'));
      mkdirSync(DOCS, { recursive: true });
      suite.app = await startDemo(join(suite.work, 'tmp'), (child) => {
        suite.demo = child;
        child.on('exit', () => {
          if (suite.demo === child) suite.demo = null;
        });
      });
      suite.browser = await chromium.launch({ ...LAUNCH, timeout: 30_000 });
      t.diagnostic(
        `ftpgate demo at ${suite.app.base}, FTP ${suite.app.ftpHost}:${suite.app.ftpPort}, Chromium ${suite.browser.version()}`,
      );
      suite.ready = true;
    });

  after(async () => {
    await suite.browser?.close().catch(() => {});
    if (suite.demo) {
      const child = suite.demo;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3_000))]);
      child.kill('SIGKILL');
    }
    if (suite.work) rmSync(suite.work, { recursive: true, force: true });
  });

  /**
   * Steps of one flow run in order; once one fails the rest fail fast with a
   * pointer to it instead of piling up confusing follow-on errors.
   */
  suite.flow = () => {
    let broken = null;
    return (name, fn) =>
      it(name, { timeout: STEP_MS }, async (t) => {
        if (!suite.ready) throw new Error('not run: the demo or Chromium did not start (see "0. ...")');
        if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
        try {
          await fn(t);
          assertNoProblems();
        } catch (e) {
          broken = name;
          allowed = [];
          // What the server logged (warnings and errors only) helps in CI.
          const log = suite.app ? suite.app.stderr().trim() : '';
          const died = suite.demo ? '' : '\n(the demo process is no longer running)';
          if (log || died) e.message += `${died}\n--- demo stderr ---\n${log.slice(-4000)}`;
          throw e;
        }
      });
  };

  /** A path inside the demo's sample tree on disk. */
  suite.disk = (...parts) => join(suite.app.files, ...parts);

  return suite;
}

export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** Clicks what `click` names and returns the downloaded bytes and file name. */
export async function download(page, click, saveDir) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const failure = await dl.failure();
  assert.equal(failure, null, `the download of ${dl.url()} failed: ${failure}`);
  const name = dl.suggestedFilename();
  const file = join(saveDir, `${Date.now()}-${name}`);
  await dl.saveAs(file);
  return { name, bytes: readFileSync(file), url: dl.url() };
}

/** The names in the listing, in page order (hidden rows included). */
export const entryNames = (page) => page.locator('table.listing tr.entry a.entry-name').allTextContents();

/** The names of the rows a person sees. */
export const visibleNames = (page) =>
  page.locator('table.listing tr.entry:visible a.entry-name').allTextContents();

/** The flash banner's text, whitespace-trimmed. */
export async function flashText(page) {
  return (await page.locator('.flash .flash-text').textContent()).trim();
}

/** The listing's row for `name`. */
export const row = (page, name) => page.locator(`table.listing tr.entry[data-name="${name.replace(/["\\]/g, '\\$&')}"]`);

/** Logs in through the form (optionally as another host name for the same server). */
export async function logIn(page, app, { host } = {}) {
  await page.goto(`${app.base}/login`);
  if (host) await page.locator('#login-host').fill(host);
  await page.locator('#login-password').fill(app.password);
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/browse/')),
    page.getByRole('button', { name: 'Connect' }).click(),
  ]);
}

/** Clicks something that navigates, and waits for the new page to load. */
export async function clickAndLoad(page, locator) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
}

/** Polls `check` until it returns a truthy value, or fails with `what`. */
export async function until(what, check, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** ftpgate's temporary upload files in `dir`: one-shot ones and resumable parts. */
export const tempUploads = (dir) =>
  readdirSync(dir).filter((n) => n.startsWith('.ftpgate-upload-') || n.startsWith('.ftpgate-part-'));

/**
 * Slows the page's uploads to `bytesPerSecond` through DevTools network
 * emulation (downloads stay fast); the returned function lifts the limit.
 */
export async function throttleUploads(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const set = (up) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: up,
    });
  await set(bytesPerSecond);
  return async () => {
    await set(-1);
    await cdp.detach();
  };
}

/** A deterministic byte pattern, the same in Node and in the page. */
export function pattern(size, seed) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (Math.imul(i + seed, 2654435761) >>> 24) & 255;
  return buf;
}

// WCAG 2.x contrast of two colours given as "rgb(r, g, b)" or "#rrggbb".
function luminance(color) {
  const c = color.startsWith('#')
    ? [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16))
    : color.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  const lin = c.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colour pairs of the stylesheet that carry text (4.5:1) or mark a
 * control or graphic (3:1), as [foreground var, background var, minimum].
 */
export const CONTRAST_PAIRS = [
  ['--text', '--bg', 4.5],
  ['--text', '--surface', 4.5],
  ['--text', '--surface-2', 4.5],
  ['--muted', '--bg', 4.5],
  ['--muted', '--surface', 4.5],
  ['--muted', '--surface-2', 4.5],
  ['--accent', '--bg', 4.5],
  ['--accent', '--surface', 4.5],
  ['--accent', '--surface-2', 4.5],
  ['--on-accent', '--accent', 4.5],
  ['--on-accent', '--accent-hover', 4.5],
  ['--danger', '--surface', 4.5],
  ['--danger', '--surface-2', 4.5],
  ['--on-danger', '--danger', 4.5],
  ['--on-danger', '--danger-hover', 4.5],
  ['--ok-fg', '--ok-bg', 4.5],
  ['--err-fg', '--err-bg', 4.5],
  ['--info-fg', '--info-bg', 4.5],
  ['--ok-fg', '--surface', 4.5],
  ['--field-border', '--surface', 3],
  ['--field-border', '--bg', 3],
  ['--focus', '--bg', 3],
  ['--focus', '--surface', 3],
  ['--accent', '--surface-2', 3], // a progress bar's fill against its track
  ['--folder', '--surface', 3],
  ['--icon-image', '--surface', 3],
  ['--icon-archive', '--surface', 3],
  ['--icon-text', '--surface', 3],
];

/** Every pair's ratio on `page` (its colour scheme), as "fg on bg: 4.71". */
export async function contrastReport(page) {
  const vars = await page.evaluate((names) => {
    const style = getComputedStyle(document.documentElement);
    return Object.fromEntries(names.map((n) => [n, style.getPropertyValue(n).trim()]));
  }, [...new Set(CONTRAST_PAIRS.flatMap(([a, b]) => [a, b]))]);
  return CONTRAST_PAIRS.map(([fg, bg, min]) => {
    assert.match(vars[fg], /^#[0-9a-f]{6}$/i, `${fg} is a #rrggbb colour`);
    assert.match(vars[bg], /^#[0-9a-f]{6}$/i, `${bg} is a #rrggbb colour`);
    return { fg, bg, min, ratio: contrast(vars[fg], vars[bg]) };
  });
}
