import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/app.js';
import { createTestDatabase, rawRequest, spawnServer, startServer } from '../helpers/process.js';

describe('the server process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-server-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const baseEnv = () => ({
    DATA_DIR: dataDir,
    PASSWORD_HASH_ITERATIONS: '1000',
    REQUIRE_EMAIL_VERIFICATION: 'false',
  });

  it('starts with zero set-up, writes mail to the outbox, keeps data and tokens across a restart', async () => {
    const first = await startServer(baseEnv(), 120_000);
    const register = await fetch(`${first.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'restart_user',
        email: 'restart@example.com',
        password: 'long-enough-1',
      }),
    });
    expect(register.status).toBe(201);
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=restart_user&password=long-enough-1',
    });
    expect(login.status).toBe(200);
    const { access_token: accessToken } = (await login.json()) as { access_token: string };

    // Without SMTP the verification mail is an .eml file in the outbox, and its link is logged.
    const deadline = Date.now() + 5000;
    let files: string[] = [];
    while (files.length === 0 && Date.now() < deadline) {
      files = await readdir(path.join(dataDir, 'outbox')).catch(() => []);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(files).toHaveLength(1);
    const eml = await readFile(path.join(dataDir, 'outbox', files[0]!), 'utf8');
    expect(eml).toContain('restart@example.com');
    expect(eml.replace(/=\r?\n/g, '')).toContain('/api/auth/verify-email?token=');
    expect(first.output()).toContain('/api/auth/verify-email?token=');
    // That line (the local outbox's, without SMTP) is the only one that shows a token: the request
    // log of a verification or reset URL does not.
    const probe = 'probe-token-0123456789.abcdef.ghijkl';
    await fetch(`${first.url}/api/auth/verify-email?token=${probe}`);
    await fetch(`${first.url}/api/auth/confirmed_email/${probe}`);
    await fetch(`${first.url}/api/auth/me`, { headers: { authorization: `Bearer ${probe}` } });
    expect(first.output()).toContain('/api/auth/verify-email?token=[REDACTED]');
    expect(first.output()).not.toContain(probe);

    // Bytes Node's HTTP parser refuses still get the API's error shape.
    const raw = await rawRequest(
      first.url,
      Buffer.from('GET /api/contacts?q=\u043e HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
      detail: 'Malformed HTTP request (URLs must be percent-encoded)',
    });

    expect(await first.stop()).toBe(0);

    // The generated JWT secret was kept in DATA_DIR: the token from before the restart still works.
    const second = await startServer(baseEnv(), 120_000);
    const me = await fetch(`${second.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe('restart_user');
    expect(await second.stop()).toBe(0);
  }, 240_000);

  it('refuses to start on a bad setting and names the variable', async () => {
    const badPort = spawnServer({ ...baseEnv(), PORT: 'eighty' });
    expect(await badPort.exited).toBe(1);
    expect(badPort.output()).toContain('PORT');

    const production = spawnServer({ ...baseEnv(), NODE_ENV: 'production' });
    expect(await production.exited).toBe(1);
    expect(production.output()).toContain('JWT_SECRET');

    const shortSecret = spawnServer({ ...baseEnv(), JWT_SECRET: 'too-short' });
    expect(await shortSecret.exited).toBe(1);
    expect(shortSecret.output()).toContain('JWT_SECRET');
  }, 30_000);

  it('refuses WEB_CONCURRENCY > 1 on the embedded database, with a clear message', async () => {
    const refused = spawnServer({ ...baseEnv(), WEB_CONCURRENCY: '2' });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('WEB_CONCURRENCY greater than 1 needs DATABASE_URL');
  }, 30_000);

  it.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)(
    'runs N workers on one port against PostgreSQL and Redis, and stops cleanly on SIGTERM (needs TEST_DATABASE_URL and TEST_REDIS_URL)',
    async () => {
      const database = await createTestDatabase(TEST_DATABASE_URL!);
      try {
        const server = await startServer(
          {
            ...baseEnv(),
            DATABASE_URL: database.url,
            REDIS_URL: TEST_REDIS_URL!,
            JWT_SECRET: 'a-production-grade-secret-of-more-than-32-bytes',
            NODE_ENV: 'production',
            WEB_CONCURRENCY: '2',
            // Start-up is not what is measured: the primary migrates, then two workers load the code,
            // on a machine whose other test worker may be busy.
          },
          120_000,
        );
        const health = await fetch(`${server.url}/health`);
        expect(await health.json()).toEqual({ status: 'healthy', database: 'connected', redis: 'connected' });
        // Two workers answer on the one port (each logs its own pid when it starts listening).
        const listeningPids = () =>
          new Set(
            server
              .output()
              .split('\n')
              .filter((line) => line.includes('Contacts API listening'))
              .map((line) => JSON.parse(line).pid),
          );
        const deadline = Date.now() + 15_000;
        while (listeningPids().size < 2 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        const listening = listeningPids();
        const exitCode = await server.stop();
        expect(listening.size).toBe(2);
        expect(exitCode).toBe(0);
      } finally {
        await database.drop();
      }
    },
    180_000,
  );
});
