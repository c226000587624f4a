import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/app.js';
import { createTestDatabase, type ServerProcess, startServer } from '../helpers/process.js';

const CHROMIUM = '/usr/bin/chromium';
/** Not "localhost": browsers treat localhost as secure, which hides what happens on a VM or a LAN address. */
const HOST = 'contacts.test';
const PASSWORD = 'first-password-1';
const NEW_PASSWORD = 'second-password-2';

/** The reset link of the newest mail in the outbox (a quoted-printable .eml file). */
async function resetTokenFromOutbox(outbox: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const files = (await readdir(outbox).catch(() => [] as string[])).sort();
    for (const file of files.reverse()) {
      const eml = (await readFile(path.join(outbox, file), 'utf8'))
        .replace(/=\r?\n/g, '')
        .replace(/=3D/g, '=');
      const token = /\/reset-password\?token=([\w.-]+)/.exec(eml)?.[1];
      if (token) return token;
    }
    if (Date.now() > deadline) throw new Error('no reset mail in the outbox');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!existsSync(CHROMIUM))(
  `in a real browser at http://${HOST} (skipped when ${CHROMIUM} is not installed)`,
  () => {
    let dataDir: string;
    let profile: string;
    let server: ServerProcess;
    let database: { url: string; drop(): Promise<void> } | undefined;
    let browser: BrowserContext;
    let origin: string;
    const requested: string[] = [];

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-browser-'));
      profile = await mkdtemp(path.join(tmpdir(), 'contacts-chromium-'));
      database = TEST_DATABASE_URL ? await createTestDatabase(TEST_DATABASE_URL) : undefined;
      server = await startServer(
        {
          DATA_DIR: dataDir,
          PASSWORD_HASH_ITERATIONS: '1000',
          REQUIRE_EMAIL_VERIFICATION: 'false',
          ...(database ? { DATABASE_URL: database.url } : {}),
          ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}),
        },
        90_000,
      );
      origin = `http://${HOST}:${server.port}`;
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // The name resolves to loopback: all traffic stays on this machine.
          `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
        ],
      });
      // Anything but the service itself (a CDN, a validator badge) is refused, and recorded.
      await browser.route('**/*', (route) => {
        requested.push(route.request().url());
        return route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort();
      });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    });

    it('/docs renders the operations over plain http', async () => {
      const page = await browser.newPage();
      await page.goto(`${origin}/docs`);
      await page.waitForSelector('.opblock', { timeout: 30_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      expect(await page.locator('.opblock-summary-path').allTextContents()).toContain('/api/contacts');
      await page.close();
    }, 60_000);

    it('the reset form posts over http and shows the success message', async () => {
      const register = await fetch(`${server.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'browser_user', email: 'browser@example.com', password: PASSWORD }),
      });
      expect(register.status).toBe(201);
      const forgot = await fetch(`${server.url}/api/auth/forgot-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'browser@example.com' }),
      });
      expect(forgot.status).toBe(200);
      const token = await resetTokenFromOutbox(path.join(dataDir, 'outbox'));

      const page = await browser.newPage();
      await page.goto(`${origin}/reset-password?token=${token}`);
      await page.fill('#new-password', NEW_PASSWORD);
      await page.fill('#confirm-password', NEW_PASSWORD);
      const [posted] = await Promise.all([
        page.waitForRequest((request) => request.url().endsWith('/api/auth/reset-password')),
        page.click('button[type=submit]'),
      ]);
      expect(posted.url()).toBe(`${origin}/api/auth/reset-password`);
      await expect
        .poll(() => page.textContent('#reset-message'), { timeout: 15_000 })
        .toBe('Password has been reset successfully');
      await page.close();

      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'browser_user', password: NEW_PASSWORD }),
      });
      expect(login.status).toBe(200);
      expect(requested.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    }, 60_000);
  },
);
