// A big upload whose connection is cut midway resumes by itself: the
// browser talks to ftpgate through a TCP relay that cuts the upload's
// connection after 1 MiB of its body and then refuses connections for a
// while (a dropped Wi-Fi link). Meanwhile the old file is untouched and the
// part on the server holds what arrived; once the link is back the script
// asks how much arrived and sends only the rest (`offset=`), and the file
// ends up whole (SHA-256) under its name.

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allowProblems,
  createSuite,
  flashText,
  logIn,
  pattern,
  sha256,
  skipReason,
  SUITE_MS,
  tempUploads,
  throttleUploads,
  until,
  watch,
} from './harness.mjs';

const suite = createSuite();

/**
 * A relay to `port` on loopback that can cut the next upload. `arm(bytes)`
 * makes it cut every connection once that many bytes of the first
 * `PUT /upload/` body went through, then refuse new ones until `heal()`.
 * `puts` lists the request lines of the uploads it saw.
 */
function startRelay(port) {
  const relay = { puts: [], cutAfter: null, down: false, sockets: new Set() };
  let cut;
  relay.cutDone = new Promise((resolve) => {
    cut = resolve;
  });
  const server = net.createServer((client) => {
    if (relay.down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, '127.0.0.1');
    relay.sockets.add(client).add(upstream);
    let body = -1; // bytes of an upload's body seen on this connection; -1: none yet
    let head = '';
    client.on('data', (chunk) => {
      if (body < 0) {
        head += chunk.toString('latin1');
        const at = head.indexOf('PUT /upload/');
        const end = at >= 0 ? head.indexOf('\r\n\r\n', at) : -1;
        if (end >= 0) {
          relay.puts.push(head.slice(at, head.indexOf('\r\n', at)));
          body = head.length - (end + 4);
        } else if (head.length > 65536) {
          head = head.slice(-4096);
        }
      } else {
        body += chunk.length;
      }
      if (relay.cutAfter !== null && body >= relay.cutAfter) {
        // The whole link goes: this connection and the browser's idle ones
        // (which it would otherwise quietly send the request again on).
        relay.cutAfter = null;
        relay.down = true;
        for (const s of relay.sockets) s.destroy();
        cut();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      // A response on this connection: the next request's head starts fresh.
      if (body >= 0) body = -1;
      head = '';
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      relay.sockets.delete(client);
      relay.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  relay.arm = (bytes) => {
    relay.cutAfter = bytes;
  };
  relay.heal = () => {
    relay.down = false;
  };
  relay.close = () => {
    for (const s of relay.sockets) s.destroy();
    server.close();
  };
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      relay.base = `http://127.0.0.1:${server.address().port}`;
      resolve(relay);
    });
  });
}

describe('a cut upload resumes in headless Chromium', { skip: skipReason, timeout: SUITE_MS }, () => {
  suite.setup();
  const step = suite.flow();
  let context;
  let page;
  let relay;
  const big = { name: 'resume me.bin', bytes: pattern(4 * 1024 * 1024 + 5, 7) };
  const old = Buffer.from('the old content, which must survive until the new one is whole\n');

  after(async () => {
    await context?.close().catch(() => {});
    relay?.close();
  });

  step('1. log in through the relay and open uploads, where an old file waits', async () => {
    relay = await startRelay(Number(new URL(suite.app.base).port));
    writeFileSync(suite.disk('uploads', big.name), old);
    context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
    watch(context, 'resume');
    page = await context.newPage();
    await logIn(page, { ...suite.app, base: relay.base });
    await page.goto(`${relay.base}/browse/uploads/`);
    assert.equal(await page.locator(`tr.entry[data-name="${big.name}"]`).count(), 1);
  });

  step('2. the connection is cut at 1 MiB: the old file stays, the part holds what arrived', async () => {
    // Failed loads while the link is down are the point of this step.
    allowProblems(/ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_SOCKET|ERR_FAILED|ERR_NETWORK/);
    const folder = suite.disk('uploads');
    const unthrottle = await throttleUploads(page, 1024 * 1024);
    try {
      await page.getByLabel('Replace files that already exist').check();
      relay.arm(1024 * 1024);
      await page.locator('#upload-files').setInputFiles({
        name: big.name,
        mimeType: 'application/octet-stream',
        buffer: big.bytes,
      });
      await page.getByRole('button', { name: 'Upload' }).click();
      await relay.cutDone;
      const row = page.locator('.upload-row', { hasText: big.name });
      await row.locator('.upload-status', { hasText: /Connection lost; resuming in \d+ s/ }).waitFor();
      const part = await until('the part on the server', () => tempUploads(folder)[0], 10_000);
      // The cut request closes its data connection; the part then stops growing.
      let size = -1;
      await until('the part to settle', async () => {
        const now = statSync(join(folder, part)).size;
        const settled = now === size && now > 0;
        size = now;
        await new Promise((r) => setTimeout(r, 300));
        return settled;
      }, 15_000);
      assert.ok(size <= 1024 * 1024 + 512 * 1024, `the part holds about what went through: ${size}`);
      assert.ok(readFileSync(suite.disk('uploads', big.name)).equals(old), 'the old file is untouched');
      assert.ok(big.bytes.subarray(0, size).equals(readFileSync(join(folder, part))), 'the part is the start of the file');
    } finally {
      await unthrottle();
    }
  });

  step('3. the link comes back: the rest goes from where it stopped and the file is whole', async () => {
    const loaded = page.waitForEvent('load', { timeout: 25_000 });
    relay.heal();
    await loaded; // every upload stored: the listing reloads
    assert.equal(await flashText(page), `Uploaded ${big.name}`);
    const onDisk = readFileSync(suite.disk('uploads', big.name));
    assert.equal(sha256(onDisk), sha256(big.bytes), 'the file arrived whole');
    assert.deepEqual(tempUploads(suite.disk('uploads')), [], 'the part became the file');
    const resumed = relay.puts.slice(1);
    assert.ok(resumed.length >= 1, `a second upload request: ${JSON.stringify(relay.puts)}`);
    const offset = Number(new URL(resumed.at(-1).split(' ')[1], relay.base).searchParams.get('offset'));
    assert.ok(offset > 0, `the last request sent only the rest: ${JSON.stringify(relay.puts)}`);
  });
});
