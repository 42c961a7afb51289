// axe-core (tests/browser/node_modules/axe-core) over every page of the app,
// with JavaScript off and on: login (plain, after a wrong password, and the
// "already connected" notice), browse (home with its banner, a subfolder,
// ticked rows, a phone, dark mode), rename, delete (a file, a non-empty
// folder), the FTP doctor (form and report), the delete/move/copy-selected pages, search, the previews (image,
// text, audio, video, PDF), the editor, chmod and a 404; with script also
// the rename, delete, move and copy dialogs, open, and the upload progress
// rows. Any violation of WCAG 2.0/2.1 A/AA or of axe's best practices fails
// the step, naming each rule, its impact, help and first elements. No rule
// is excluded (color-contrast included: it agrees with the harness's
// assertContrast). Step 1 first injects an <img> without alt and requires
// axe to report it, so a run that could not see anything cannot pass.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  ROOT,
  SUITE_MS,
  allowProblems,
  clickAndLoad,
  createSuite,
  logIn,
  row,
  skipReason,
  throttleUploads,
  watch,
} from './harness.mjs';

const suite = createSuite();

const AXE_SOURCE = readFileSync(join(ROOT, 'tests', 'browser', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
};

/** One line per violation: rule, impact, help and its first three targets. */
function describeViolations(violations) {
  return violations
    .map((v) => {
      const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
      return `${v.id} (${v.impact}): ${v.help} — ${targets}${v.nodes.length > 3 ? `, … (${v.nodes.length} in all)` : ''}`;
    })
    .join('\n');
}

/**
 * A browser context for the pages with script on or off. axe goes in as a
 * <script> (page.addScriptTag), and the page's CSP (`script-src 'self'`)
 * refuses an inline one: every context here has `bypassCSP: true` (the
 * other suites check the CSP itself). "Script off" cannot be
 * `javaScriptEnabled: false` here: there no timer fires and no mutation
 * observer runs, even for code DevTools evaluates, and axe.run waits on
 * them forever. Instead app.js is answered with an empty script, which
 * leaves each page exactly as it is without script: ftpgate's pages have no
 * <noscript> and no `scripting` media query (assertAxe checks the first),
 * and every behaviour beyond HTML and CSS lives in app.js.
 */
async function newContext(js, options) {
  const context = await suite.browser.newContext({ ...options, bypassCSP: true });
  if (!js) {
    await context.route(/\/assets\/[^/]+\/app\.js$/, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }),
    );
  }
  return context;
}

/** axe's violations in `page`. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate((options) => window.axe.run(document, options).then((r) => r.violations), AXE_OPTIONS);
}

/** Fails, naming every violation, unless axe finds none in `page`. */
async function assertAxe(page, js, what) {
  if (!js) assert.equal(await page.locator('noscript').count(), 0, 'a <noscript> shows only with script really off');
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `axe on ${what} (${page.url()}, script ${js ? 'on' : 'off'}):\n${describeViolations(violations)}`);
}

/** A 2×2 grey PNG. */
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 255] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0]); // 2×2, 8-bit grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 128, 128, 0, 128, 128]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with an exact xref table. */
function pdf() {
  const content = 'BT /F1 24 Tf 40 100 Td (axe) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) out += `${String(at).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A second of silence: 8-bit mono 8 kHz WAV. */
function wav() {
  const samples = 8000;
  const out = Buffer.alloc(44 + samples, 128);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(8000, 24);
  out.writeUInt32LE(8000, 28);
  out.writeUInt16LE(1, 32);
  out.writeUInt16LE(8, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples, 40);
  return out;
}

describe('axe-core finds no violations on any page', { skip: skipReason, timeout: SUITE_MS }, () => {
  suite.setup();

  for (const js of [false, true]) {
    describe(`with JavaScript ${js ? 'on' : 'off'}`, () => {
      const step = suite.flow();
      const folder = js ? 'axe-js' : 'axe-plain';
      let context;
      let page;
      const go = (path) => page.goto(`${suite.app.base}${path}`);

      after(async () => {
        await context?.close().catch(() => {});
      });

      step('1. the files are made; axe reports an image without alt (control)', async () => {
        const dir = suite.disk('uploads', folder);
        mkdirSync(join(dir, 'full', 'inner'), { recursive: true });
        writeFileSync(join(dir, 'full', 'inner', 'deep.txt'), 'deep');
        writeFileSync(join(dir, 'full', 'one.txt'), 'one');
        writeFileSync(join(dir, 'notes.txt'), 'Some notes.\n<b>not bold</b> & "quoted"\n');
        writeFileSync(join(dir, 'picture.png'), png());
        writeFileSync(join(dir, 'manual.pdf'), pdf());
        writeFileSync(join(dir, 'tone.wav'), wav());
        // Not a playable video: the page around it is what is checked.
        writeFileSync(join(dir, 'clip.webm'), Buffer.alloc(64));
        mkdirSync(join(dir, 'target'));
        context = await newContext(js, { viewport: { width: 1280, height: 800 } });
        watch(context, js ? 'axe-js' : 'axe-plain');
        page = await context.newPage();
        await go('/login');
        await page.evaluate(() => {
          const img = document.createElement('img');
          img.width = 10;
          img.height = 10;
          document.querySelector('main').append(img);
        });
        const violations = await axeViolations(page);
        assert.deepEqual(violations.map((v) => v.id), ['image-alt'], describeViolations(violations));
        await page.reload();
      });

      step('2. login: plain, after a wrong password, then "already connected"', async () => {
        await go('/login');
        await assertAxe(page, js, 'the login page');
        await page.locator('#login-password').fill('wrong');
        await clickAndLoad(page, page.getByRole('button', { name: 'Connect' }));
        allowProblems(/\b4\d\d\b.*\/login\b/);
        await page.locator('.flash-error, [role=alert]').first().waitFor();
        await assertAxe(page, js, 'the login page after a wrong password');
        await logIn(page, suite.app);
        await go('/login');
        await page.locator('#login-replacing').waitFor();
        await assertAxe(page, js, 'the login page while connected');
      });

      step('2b. the FTP doctor: its form, and a report', async () => {
        await go('/doctor');
        await assertAxe(page, js, 'the doctor form');
        await page.locator('#login-password').fill(suite.app.password);
        await clickAndLoad(page, page.getByRole('button', { name: 'Run the check' }));
        await page.locator('#doctor-report').waitFor();
        await assertAxe(page, js, 'a doctor report');
      });

      step('3. browse: home with its banner, a subfolder, ticked rows', async () => {
        await logIn(page, suite.app);
        await page.locator('.flash').waitFor();
        await assertAxe(page, js, 'the home listing with its banner');
        await go(`/browse/uploads/${folder}/`);
        await assertAxe(page, js, 'a subfolder');
        await row(page, 'notes.txt').getByRole('checkbox').check();
        await row(page, 'full').getByRole('checkbox').check();
        await assertAxe(page, js, 'a subfolder with two rows ticked');
      });

      step('4. browse on a phone, and in dark mode', async () => {
        const state = await context.storageState();
        for (const [what, options] of [
          ['on a phone', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }],
          ['in dark mode', { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' }],
        ]) {
          const other = await newContext(js, { ...options, storageState: state });
          try {
            watch(other, `axe ${what}, script ${js ? 'on' : 'off'}`);
            const p = await other.newPage();
            await p.goto(`${suite.app.base}/browse/uploads/${folder}/`);
            await assertAxe(p, js, `a subfolder ${what}`);
          } finally {
            await other.close();
          }
        }
      });

      step('5. rename and delete pages (a file, a non-empty folder)', async () => {
        await go(`/rename/uploads/${folder}/notes.txt`);
        await page.locator('#rename-to').waitFor();
        await assertAxe(page, js, 'the rename page');
        await go(`/delete/uploads/${folder}/notes.txt`);
        await assertAxe(page, js, 'the delete confirmation of a file');
        await go(`/delete/uploads/${folder}/full`);
        await assertAxe(page, js, 'the delete confirmation of a non-empty folder');
      });

      step('6. delete-, move- and copy-selected pages', async () => {
        const names = ['notes.txt', 'full'].map((n) => `name=${encodeURIComponent(n)}`).join('&');
        for (const [kind, heading, what] of [
          ['delete-selected', 'Delete 2 items?', 'the delete-selected confirmation'],
          ['move-selected', `Move 2 items from /uploads/${folder}`, 'the move-selected picker'],
          ['copy-selected', `Copy 2 items from /uploads/${folder}`, 'the copy-selected picker'],
        ]) {
          await go(`/${kind}/uploads/${folder}/?${names}`);
          assert.equal((await page.locator('h1').textContent()).trim(), heading);
          await assertAxe(page, js, what);
        }
      });

      step('7. search results', async () => {
        await go(`/search/uploads/${folder}/?q=one`);
        await page.locator('main').getByText('one.txt').first().waitFor();
        await assertAxe(page, js, 'search results');
      });

      step('8. previews: image, text, audio, video, PDF', async () => {
        for (const [name, shown] of [
          ['picture.png', 'img.preview-image'],
          ['notes.txt', 'pre'],
          ['tone.wav', 'audio.preview-audio'],
          ['clip.webm', 'video.preview-video'],
          ['manual.pdf', 'iframe.preview-pdf'],
        ]) {
          await go(`/preview/uploads/${folder}/${name}`);
          await page.locator(`#preview-stage ${shown}`).waitFor({ state: 'attached' });
          await assertAxe(page, js, `the preview of ${name}`);
        }
      });

      step('9. the editor, chmod and a 404', async () => {
        await go(`/edit/uploads/${folder}/notes.txt`);
        await assertAxe(page, js, 'the text editor');
        await go(`/chmod/uploads/${folder}/notes.txt`);
        await assertAxe(page, js, 'the chmod page');
        allowProblems(/\b404\b.*\/browse\/no-such\//);
        const res = await go('/browse/no-such/');
        assert.equal(res.status(), 404);
        await assertAxe(page, js, 'a 404 page');
      });

      if (js) {
        step('10. the rename, delete, move and copy dialogs, open', async () => {
          await go(`/browse/uploads/${folder}/`);
          await row(page, 'notes.txt').locator('a.action-rename').click();
          await page.getByRole('dialog', { name: 'Rename “notes.txt”' }).waitFor();
          await assertAxe(page, js, 'the rename dialog');
          await page.keyboard.press('Escape');
          await page.locator('dialog').waitFor({ state: 'detached' });
          await row(page, 'full').locator('a.action-delete').click();
          await page.getByRole('dialog', { name: /^Delete folder “full” and everything in it/ }).waitFor();
          await assertAxe(page, js, 'the delete dialog of a non-empty folder');
          await page.keyboard.press('Escape');
          await page.locator('dialog').waitFor({ state: 'detached' });
          await row(page, 'notes.txt').getByRole('checkbox').check();
          await page.getByRole('button', { name: 'Move selected…' }).click();
          const picker = page.getByRole('dialog', { name: `Move 1 item from /uploads/${folder}` });
          await picker.getByRole('button', { name: 'target', exact: true }).waitFor();
          await assertAxe(page, js, 'the move picker');
          // Into a folder: the list the picker builds after it opened.
          await picker.getByRole('button', { name: 'target', exact: true }).click();
          await picker.locator('.picker-where', { hasText: `Move to /uploads/${folder}/target` }).waitFor();
          await assertAxe(page, js, 'the move picker, one folder down');
          await page.keyboard.press('Escape');
          await page.locator('dialog').waitFor({ state: 'detached' });
          await page.getByRole('button', { name: 'Copy selected…' }).click();
          await page.getByRole('dialog', { name: `Copy 1 item from /uploads/${folder}` }).waitFor();
          await assertAxe(page, js, 'the copy picker');
          await page.keyboard.press('Escape');
          await page.locator('dialog').waitFor({ state: 'detached' });
        });

        step('11. the upload progress rows', async () => {
          await go(`/browse/uploads/${folder}/`);
          const unthrottle = await throttleUploads(page, 64 * 1024);
          try {
            await page.locator('#upload-files').setInputFiles([
              { name: 'up-one.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(256 * 1024, 1) },
              { name: 'up-two.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(256 * 1024, 2) },
              { name: 'up-three.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(256 * 1024, 3) },
            ]);
            const loaded = page.waitForEvent('load', { timeout: 25_000 });
            await page.getByRole('button', { name: 'Upload', exact: true }).click();
            await page.locator('.uploads .upload-row').nth(2).waitFor();
            await assertAxe(page, js, 'the upload progress rows');
            await loaded;
          } finally {
            await unthrottle();
          }
        });
      }
    });
  }
});
