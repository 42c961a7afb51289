// Previews in headless Chromium: a file's name in the listing opens its
// preview page (the row's Download action still downloads), and each kind
// shows: an image that decodes, text in the page, a PDF in its frame, audio
// and video that load their metadata and seek with a Range request. ← and
// → (and a swipe) go through the folder, Escape goes back; without script
// the same links work. A hostile .html and .svg are shown, never run: their
// script would set a global, log and alert, and each of those is watched,
// with a control that proves the same payload does all three where script
// may run.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { clickAndLoad, createSuite, DOCS, download, logIn, row, skipReason, SUITE_MS, until, watch } from './harness.mjs';

const suite = createSuite();

// ------------------------------------------------------------ sample files

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A 480×320 RGB PNG: a gradient. */
function png() {
  const [w, h] = [480, 320];
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < w; x++) rows.push(Math.floor((x * 255) / w), Math.floor((y * 255) / h), 160);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF saying `text`, with an exact xref table. */
function pdf(text) {
  const content = `BT /F1 24 Tf 40 100 Td (${text}) Tj ET`;
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

/** `seconds` of a 440 Hz tone: 16-bit mono 44.1 kHz WAV (~88 KB a second). */
function wav(seconds) {
  const rate = 44100;
  const samples = rate * seconds;
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + 2 * i);
  return out;
}

// A WebM (Matroska) file around VP8 frames: EBML elements, every size
// written in 8 bytes, the Cues before the Clusters so the demuxer can seek
// straight to a cluster (a Range request) instead of reading up to it.
const ebml = {
  id: (n) => Buffer.from(n.toString(16).padStart(n > 0xffffff ? 8 : n > 0xffff ? 6 : n > 0xff ? 4 : 2, '0'), 'hex'),
  size(n) {
    const b = Buffer.alloc(8);
    b[0] = 0x01;
    b.writeUIntBE(n, 2, 6);
    return b;
  },
  el: (id, ...kids) => {
    const body = Buffer.concat(kids);
    return Buffer.concat([ebml.id(id), ebml.size(body.length), body]);
  },
  uint: (id, v) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(v));
    return ebml.el(id, b);
  },
  float: (id, v) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return ebml.el(id, b);
  },
  str: (id, s) => ebml.el(id, Buffer.from(s, 'ascii')),
};

function webm(frames, width, height, durationMs) {
  const { el, uint, float, str } = ebml;
  const header = el(
    0x1a45dfa3,
    uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8),
    str(0x4282, 'webm'), uint(0x4287, 2), uint(0x4285, 2),
  );
  const info = el(0x1549a966, uint(0x2ad7b1, 1_000_000), float(0x4489, durationMs), str(0x4d80, 'ftpgate-test'), str(0x5741, 'ftpgate-test'));
  const tracks = el(
    0x1654ae6b,
    el(0xae, uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 1), str(0x86, 'V_VP8'), el(0xe0, uint(0xb0, width), uint(0xba, height))),
  );
  const clusters = frames.map((f) => {
    const block = Buffer.concat([Buffer.from([0x81, 0, 0, f.key ? 0x80 : 0]), f.data]);
    return { ms: Math.round(f.us / 1000), key: f.key, bytes: el(0x1f43b675, uint(0xe7, Math.round(f.us / 1000)), el(0xa3, block)) };
  });
  const cues = (positions) =>
    el(
      0x1c53bb6b,
      ...clusters.flatMap((c, i) => (c.key ? [el(0xbb, uint(0xb3, c.ms), el(0xb7, uint(0xf7, 1), uint(0xf1, positions[i])))] : [])),
    );
  // The Cues' size does not depend on the positions (all fixed width).
  const before = info.length + tracks.length + cues(clusters.map(() => 0)).length;
  const positions = [];
  let at = before;
  for (const c of clusters) {
    positions.push(at);
    at += c.bytes.length;
  }
  const segment = Buffer.concat([info, tracks, cues(positions), ...clusters.map((c) => c.bytes)]);
  return Buffer.concat([header, ebml.id(0x18538067), ebml.size(segment.length), segment]);
}

/** Encodes `count` noise frames to VP8 in the browser (WebCodecs), keyframes all. */
async function vp8Frames(page, width, height, count, fps) {
  return page.evaluate(
    async ({ width, height, count, fps }) => {
      const chunks = [];
      let failed = null;
      const encoder = new VideoEncoder({
        output: (chunk) => {
          const data = new Uint8Array(chunk.byteLength);
          chunk.copyTo(data);
          let text = '';
          for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode(...data.subarray(i, i + 0x8000));
          chunks.push({ us: chunk.timestamp, key: chunk.type === 'key', data: btoa(text) });
        },
        error: (e) => {
          failed = String(e);
        },
      });
      encoder.configure({ codec: 'vp8', width, height, bitrate: 8_000_000, framerate: fps });
      const pixels = new Uint8Array(width * height * 4);
      let seed = 7;
      for (let n = 0; n < count; n++) {
        for (let i = 0; i < pixels.length; i++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          pixels[i] = seed >>> 24;
        }
        const frame = new VideoFrame(pixels, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: Math.round((n * 1e6) / fps) });
        encoder.encode(frame, { keyFrame: true });
        frame.close();
      }
      await encoder.flush();
      if (failed) throw new Error(failed);
      return chunks;
    },
    { width, height, count, fps },
  );
}

// A hostile file's script, were it ever run, leaves three traces.
const HOSTILE_JS = "window.__pwned=(window.__pwned||0)+1;console.log('PWNED');alert('PWNED')";
const HOSTILE_HTML = `<!DOCTYPE html><html><body><h1>hello</h1><script>${HOSTILE_JS}</script><img src="nope" onerror="${HOSTILE_JS}"></body></html>`;
const HOSTILE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" onload="${HOSTILE_JS}"><script>${HOSTILE_JS}</script><rect width="40" height="30" fill="#c00"/></svg>`;

// ------------------------------------------------------------------- suite

/** Watches `page` for the traces of a hostile script. */
function traces(page) {
  const seen = { dialogs: [], logs: [] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    if (m.text().includes('PWNED')) seen.logs.push(m.text());
  });
  return seen;
}

/** Media requests for `path` (and their responses), as the page makes them. */
function mediaRequests(page, path) {
  const seen = [];
  page.on('response', async (r) => {
    if (new URL(r.url()).pathname !== path) return;
    const range = (await r.request().allHeaders()).range || null;
    seen.push({ range, status: r.status(), contentRange: r.headers()['content-range'] || null });
  });
  return seen;
}

/**
 * Moves a player to `seconds` and waits until it got there. Polled, not an
 * event listener: with script off the page runs no listener of ours.
 */
async function seek(player, seconds) {
  await player.evaluate((m, s) => {
    m.currentTime = s;
  }, seconds);
  await until(`the player to seek to ${seconds} s`, () =>
    player.evaluate((m, s) => !m.seeking && Math.abs(m.currentTime - s) < 0.5, seconds),
  );
}

const VIDEO = { width: 320, height: 240, fps: 10, frames: 80 };

for (const js of [true, false]) {
  describe(`previews ${js ? 'with' : 'without'} JavaScript`, { skip: skipReason, timeout: SUITE_MS }, () => {
    if (js) suite.setup();
    const step = suite.flow();
    let context;
    let page;
    let seen;
    const folder = js ? 'media-js' : 'media-nojs';
    const base = () => `${suite.app.base}/preview/${folder}`;

    after(async () => {
      await context?.close().catch(() => {});
    });

    step(`1. log in (${js ? 'script on' : 'script off'}); the sample files are made`, async () => {
      const dir = suite.disk(folder);
      mkdirSync(dir);
      writeFileSync(`${dir}/a-picture.png`, png());
      writeFileSync(`${dir}/b-notes.txt`, Buffer.concat([Buffer.from('Plain notes.\n<b>not bold</b> & "quoted"\ncaf'), Buffer.from([0xe9, 0x0a])]));
      writeFileSync(`${dir}/c-manual.pdf`, pdf('ftpgate PDF'));
      writeFileSync(`${dir}/d-tone.wav`, wav(100));
      writeFileSync(`${dir}/f-archive.zip`, Buffer.from('PK not really'));
      writeFileSync(`${dir}/g-evil.html`, HOSTILE_HTML);
      writeFileSync(`${dir}/h-evil.svg`, HOSTILE_SVG);
      context = await suite.browser.newContext({
        javaScriptEnabled: js,
        acceptDownloads: true,
        hasTouch: js,
        viewport: { width: 1280, height: 800 },
      });
      watch(context, js ? 'preview-js' : 'preview-nojs');
      page = await context.newPage();
      seen = traces(page);
      await logIn(page, suite.app);
      if (js) {
        // The video is encoded here (WebCodecs VP8) and muxed in Node.
        const frames = await vp8Frames(page, VIDEO.width, VIDEO.height, VIDEO.frames, VIDEO.fps);
        assert.equal(frames.length, VIDEO.frames);
        const file = webm(
          frames.map((f) => ({ us: f.us, key: f.key, data: Buffer.from(f.data, 'base64') })),
          VIDEO.width,
          VIDEO.height,
          (VIDEO.frames * 1000) / VIDEO.fps,
        );
        assert.ok(file.length > 3_000_000, `the video is big enough to need ranges (${file.length} bytes)`);
        writeFileSync(`${dir}/e-clip.webm`, file);
      }
    });

    step('2. a name in the listing opens its preview; the row\'s Download downloads', async () => {
      await page.goto(`${suite.app.base}/browse/${folder}/`);
      const got = await download(page, () => row(page, 'a-picture.png').getByRole('link', { name: 'Download a-picture.png' }).click(), suite.saveDir);
      assert.equal(got.name, 'a-picture.png');
      assert.ok(got.bytes.equals(png()));
      assert.equal(await row(page, 'f-archive.zip').locator('a.entry-name').getAttribute('download'), '', 'no preview: the name downloads');
      await clickAndLoad(page, row(page, 'a-picture.png').locator('a.entry-name'));
      assert.equal(new URL(page.url()).pathname, `/preview/${folder}/a-picture.png`);
      assert.equal((await page.locator('h1.preview-name').textContent()).trim(), 'a-picture.png');
    });

    step('3. an image shows decoded, with a Download beside it', async () => {
      const img = page.locator('#preview-stage img.preview-image');
      await until('the image to load', () => img.evaluate((i) => i.complete));
      assert.deepEqual(await img.evaluate((i) => [i.naturalWidth, i.naturalHeight]), [480, 320]);
      const link = page.locator('.preview-actions a', { hasText: 'Download' });
      assert.equal(await link.getAttribute('href'), `/download/${folder}/a-picture.png`);
      assert.equal(await page.locator('a[rel=prev]').count(), 0, 'the first preview has no previous');
      assert.match(await page.locator('.preview-at').textContent(), new RegExp(`^1 of ${js ? 7 : 6} in `));
      if (js) await page.screenshot({ path: join(DOCS, 'preview.png') });
      // Opened on its own (a new tab), the picture is a sandboxed document of no origin.
      await page.goto(`${suite.app.base}/download/${folder}/a-picture.png?inline=1`);
      assert.equal(await page.evaluate(() => document.contentType), 'image/png');
      assert.equal(await page.evaluate(() => document.images[0].naturalWidth), 480);
      assert.equal(await page.evaluate(() => window.origin), 'null');
      await page.goto(`${base()}/a-picture.png`);
    });

    step(`4. ${js ? '→ goes' : 'the Next link goes'} to the text, shown as text`, async () => {
      if (js) await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/b-notes.txt')), page.keyboard.press('ArrowRight')]);
      else await clickAndLoad(page, page.locator('a[rel=next]'));
      assert.equal(new URL(page.url()).pathname, `/preview/${folder}/b-notes.txt`);
      assert.equal(await page.locator('pre.preview-text').textContent(), 'Plain notes.\n<b>not bold</b> & "quoted"\ncaf\ufffd\n');
      assert.equal(await page.locator('pre.preview-text b').count(), 0, 'markup in a text file stays text');
      if (js) {
        await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/a-picture.png')), page.keyboard.press('ArrowLeft')]);
        await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/b-notes.txt')), page.keyboard.press('ArrowRight')]);
      }
    });

    step('5. a PDF is shown in its frame', async () => {
      await page.goto(`${base()}/c-manual.pdf`);
      const frame = page.locator('iframe.preview-pdf');
      assert.equal(await frame.getAttribute('src'), `/download/${folder}/c-manual.pdf?inline=1`);
      const inner = page.frames().find((f) => f.url().endsWith('/c-manual.pdf?inline=1'));
      assert.ok(inner, `a frame for the PDF: ${page.frames().map((f) => f.url())}`);
      assert.equal(await inner.evaluate(() => document.contentType), 'application/pdf');
      // Chromium's viewer (an extension frame) in the PDF's frame, and the
      // page it draws in a frame of its own; a refused PDF is an error page
      // ("This page has been blocked", chrome-error://) with neither.
      const viewer = await until('the PDF viewer', () =>
        inner.childFrames().find((f) => f.url().startsWith('chrome-extension://')),
      );
      // Playwright's "no script" also stops the viewer's own (extension)
      // script, which a browser's JavaScript setting leaves running.
      if (js) await until('the PDF viewer to draw the document', () => viewer.childFrames().length > 0);
      assert.ok(!page.frames().some((f) => f.url().startsWith('chrome-error:')), 'no error page');
    });

    step('6. audio loads its metadata and seeks with a Range request', async () => {
      const path = `/download/${folder}/d-tone.wav`;
      const requests = mediaRequests(page, path);
      await page.goto(`${base()}/d-tone.wav`);
      const audio = page.locator('audio.preview-audio');
      await until('the audio metadata', () => audio.evaluate((a) => a.readyState >= 1));
      assert.equal(Math.round(await audio.evaluate((a) => a.duration)), 100);
      await seek(audio, 90);
      const far = await until('a Range request past 7 MB', () =>
        requests.find((r) => r.status === 206 && /^bytes=\d+-/.test(r.range || '') && Number(r.range.slice(6).split('-')[0]) > 7_000_000),
      );
      assert.match(far.contentRange, /^bytes \d+-\d+\/8820044$/);
      assert.ok(Math.abs((await audio.evaluate((a) => a.currentTime)) - 90) < 1);
    });

    if (js) {
      step('7. video loads its metadata, shows its size and seeks with a Range request', async () => {
        const path = `/download/${folder}/e-clip.webm`;
        const requests = mediaRequests(page, path);
        await page.goto(`${base()}/e-clip.webm`);
        const video = page.locator('video.preview-video');
        await until('the video metadata', () => video.evaluate((v) => v.readyState >= 1));
        assert.deepEqual(await video.evaluate((v) => [v.videoWidth, v.videoHeight]), [VIDEO.width, VIDEO.height]);
        assert.equal(Math.round(await video.evaluate((v) => v.duration)), VIDEO.frames / VIDEO.fps);
        const size = Number((await until('the first response', () => requests.find((r) => r.contentRange))).contentRange.split('/')[1]);
        await seek(video, 7.5);
        const far = await until('a Range request in the last third', () =>
          requests.find((r) => r.status === 206 && /^bytes=\d+-/.test(r.range || '') && Number(r.range.slice(6).split('-')[0]) > (2 * size) / 3),
        );
        assert.match(far.contentRange, new RegExp(`^bytes \\d+-\\d+/${size}$`));
        assert.ok((await video.evaluate((v) => v.currentTime)) >= 7);
      });

      step('8. a swipe goes to the next file; Escape goes back to the folder', async () => {
        await page.goto(`${base()}/a-picture.png`);
        const box = await page.locator('#preview-stage').boundingBox();
        const cdp = await context.newCDPSession(page);
        const y = box.y + box.height / 2;
        const touch = (type, x) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
        await Promise.all([
          page.waitForURL((u) => u.pathname.endsWith('/b-notes.txt')),
          (async () => {
            await touch('touchStart', box.x + box.width - 10);
            await touch('touchMove', box.x + box.width / 2);
            await touch('touchMove', box.x + 10);
            await touch('touchEnd');
          })(),
        ]);
        await cdp.detach();
        await Promise.all([page.waitForURL((u) => u.pathname === `/browse/${folder}/`), page.keyboard.press('Escape')]);
        assert.match(new URL(page.url()).search, /sort=name&order=asc/);
      });
    }

    step('9. a file ftpgate cannot show offers its download; Back leads to the folder', async () => {
      await page.goto(`${base()}/f-archive.zip`);
      assert.match(await page.locator('.preview-none').textContent(), /cannot show this kind of file/);
      await clickAndLoad(page, page.getByRole('link', { name: 'Back to the folder' }));
      assert.equal(new URL(page.url()).pathname, `/browse/${folder}/`);
    });

    step('10. a hostile .html and .svg are shown as text, and their script never runs', async () => {
      for (const name of ['g-evil.html', 'h-evil.svg']) {
        await page.goto(`${base()}/${name}`);
        const shown = await page.locator('pre.preview-text').textContent();
        assert.equal(shown, name.endsWith('.html') ? HOSTILE_HTML : HOSTILE_SVG);
        if (name.endsWith('.svg')) {
          // Drawn as a picture by <img>, where script never runs.
          const img = page.locator('#preview-stage img.preview-image');
          await until('the SVG to load', () => img.evaluate((i) => i.complete));
          assert.deepEqual(await img.evaluate((i) => [i.naturalWidth, i.naturalHeight]), [40, 30]);
        }
        if (js) assert.equal(await page.evaluate(() => window.__pwned), undefined, `${name} ran in the page`);
        // Opened on its own, it is plain text in a sandbox of no origin.
        await page.goto(`${suite.app.base}/download/${folder}/${name}?inline=1`);
        assert.equal(await page.evaluate(() => window.__pwned), undefined, `${name} ran on its own`);
        assert.deepEqual(seen.dialogs, [], `${name}: no alert`);
        assert.equal(await page.evaluate(() => document.contentType), 'text/plain');
        assert.equal(await page.evaluate(() => window.origin), 'null', 'sandboxed: no origin');
      }
      assert.deepEqual(seen.dialogs, [], 'no alert');
      assert.deepEqual(seen.logs, [], 'no console message');
    });

    if (js) {
      step('11. control: the same payloads do run where script may, and are caught', async () => {
        const control = await suite.browser.newContext();
        try {
          const p = await control.newPage();
          const caught = traces(p);
          await p.setContent(HOSTILE_HTML);
          await until('the control HTML to run', () => p.evaluate(() => window.__pwned >= 1));
          await p.goto(`data:image/svg+xml,${encodeURIComponent(HOSTILE_SVG)}`);
          await until('the control SVG to run', () => p.evaluate(() => window.__pwned >= 1));
          assert.ok(caught.dialogs.length >= 2, `alerts seen: ${caught.dialogs}`);
          assert.ok(caught.logs.length >= 2, `logs seen: ${caught.logs}`);
        } finally {
          await control.close();
        }
      });
    }
  });
}
