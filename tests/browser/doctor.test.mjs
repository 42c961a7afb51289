// The FTP doctor in a real browser, with and without JavaScript, against the
// demo's server (libunftp): reached from the login page, prefilled like the
// login form, it runs every step (the write test too, which leaves nothing
// behind), shows the verdict and a report to copy that never holds the
// password; with script a button copies it. Writes the README's screenshot
// (docs/doctor.png).

import { after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { clickAndLoad, createSuite, DOCS, skipReason, SUITE_MS, watch } from './harness.mjs';

const suite = createSuite();

for (const js of [false, true]) {
  describe(`The FTP doctor ${js ? 'with' : 'without'} JavaScript`, { skip: skipReason, timeout: SUITE_MS }, () => {
    if (!js) suite.setup();
    const step = suite.flow();
    let context;
    let page;

    after(async () => {
      await context?.close().catch(() => {});
    });

    step('1. the login page links the doctor, which is prefilled like the login form', async () => {
      context = await suite.browser.newContext({
        javaScriptEnabled: js,
        viewport: { width: 1100, height: 1400 },
        permissions: js ? ['clipboard-read', 'clipboard-write'] : [],
      });
      watch(context, js ? 'doctor-js' : 'doctor-nojs');
      page = await context.newPage();
      await page.goto(`${suite.app.base}/login`);
      await clickAndLoad(page, page.getByRole('link', { name: 'FTP doctor' }));
      assert.equal(new URL(page.url()).pathname, '/doctor');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'FTP doctor');
      assert.equal(await page.locator('#login-host').inputValue(), suite.app.ftpHost);
      assert.equal(await page.locator('#login-user').inputValue(), suite.app.user);
    });

    step('2. a check with the write test: every step, a verdict, nothing left behind', async () => {
      const before = readdirSync(suite.app.files).sort();
      await page.locator('#login-password').fill(suite.app.password);
      await page.getByLabel(/Also test writing/).check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Run the check' }));
      const verdict = await page.locator('#doctor-verdict').textContent();
      assert.match(verdict, /^Works/);
      const steps = page.locator('.doctor-steps > li');
      assert.equal(await steps.count(), 12);
      for (const title of ['Name resolution', 'Login', 'Listing', 'Passive mode (EPSV)', 'Write test']) {
        const item = steps.filter({ hasText: title });
        assert.equal(await item.locator('.step-status').textContent(), 'ok', title);
      }
      assert.deepEqual(readdirSync(suite.app.files).sort(), before, 'the temporary file was deleted');
      assert.ok(await page.getByLabel(/Also test writing/).isChecked(), 'the box stays ticked');
    });

    step('3. the report to copy has every step and never the password', async () => {
      const text = await page.locator('#doctor-text').inputValue();
      assert.match(text, /^FTP doctor report \(ftpgate /);
      assert.match(text, /\nVerdict: Works/);
      assert.match(text, /\[ {2}ok\] Write test: Created \.ftpgate-doctor-[0-9a-f]{8}\.tmp/);
      // (The demo's password is its user name, which the report names.)
      if (suite.app.password !== suite.app.user) assert.ok(!text.includes(suite.app.password), 'no password');
      assert.equal(await page.locator('#login-password').inputValue(), '', 'the password field is empty again');
      const copy = page.getByRole('button', { name: 'Copy the report' });
      if (!js) {
        assert.equal(await copy.count(), 0, 'no copy button without script (it is hidden)');
        return;
      }
      await page.screenshot({ path: join(DOCS, 'doctor.png'), fullPage: true });
      await copy.click();
      await page.getByRole('button', { name: /^(Copied|Selected: press Ctrl\+C to copy)$/ }).waitFor();
    });

    step('4. a wrong password is the login step failing, in words', async () => {
      await page.locator('#login-password').fill('not the password');
      await clickAndLoad(page, page.getByRole('button', { name: 'Run the check' }));
      assert.match(await page.locator('#doctor-verdict').textContent(), /^Does not work: Wrong user name or password/);
      const login = page.locator('.doctor-steps > li').filter({ hasText: 'Login' });
      assert.equal(await login.locator('.step-status').textContent(), 'FAIL');
      assert.ok(!(await page.locator('#doctor-text').inputValue()).includes('not the password'));
    });
  });
}
