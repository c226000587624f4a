import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { TokenSigner } from '../../src/lib/tokens.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/app.js';
import { call, createTestDatabase, type ServerProcess, startServer } from '../helpers/process.js';

/**
 * Two real instances of the service on one PostgreSQL database and one Redis: nothing that matters
 * may live in one process's memory.
 */
describe.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)(
  'two instances behind one load balancer (needs TEST_DATABASE_URL and TEST_REDIS_URL)',
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let dataDir: string;
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      database = await createTestDatabase(TEST_DATABASE_URL!);
      dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-multi-'));
      // A Redis database of its own, emptied first, so counters from an earlier run cannot interfere.
      const redisUrl = new URL(TEST_REDIS_URL!);
      redisUrl.pathname = '/7';
      const redis = new Redis(redisUrl.toString());
      await redis.flushdb();
      redis.disconnect();
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl.toString(),
        JWT_SECRET: 'shared-secret-of-the-two-instances-0123456789',
        DATA_DIR: dataDir,
        PASSWORD_HASH_ITERATIONS: '1000',
        REQUIRE_EMAIL_VERIFICATION: 'false',
        ADMIN_EMAILS: 'boss@example.com',
        RATE_LIMIT_REGISTER: '5/minute',
        LOG_LEVEL: 'warn',
      };
      // Started one after the other: the first applies the migrations.
      a = await startServer(env);
      b = await startServer(env);
    }, 90_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    const register = (server: ServerProcess, name: string) =>
      call(`${server.url}/api/auth/register`, {
        method: 'POST',
        body: { username: name, email: `${name}@example.com`, password: 'long-enough-1' },
      });
    const login = async (server: ServerProcess, name: string) => {
      const response = await call(`${server.url}/api/auth/login`, {
        method: 'POST',
        body: { username: name, password: 'long-enough-1' },
      });
      expect(response.status).toBe(200);
      return response.body.access_token as string;
    };

    it('shares rate limits: 3 + 3 registrations with a limit of 5 make the sixth a 429', async () => {
      const statuses = [];
      for (const [server, name] of [
        [a, 'boss'],
        [a, 'ann'],
        [a, 'bob'],
        [b, 'cat'],
        [b, 'dan'],
        [b, 'eve'],
      ] as const) {
        statuses.push((await register(server, name)).status);
      }
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    });

    it('a logout on one instance is effective on the other at once', async () => {
      const token = await login(a, 'ann');
      expect((await call(`${b.url}/api/auth/me`, { token })).status).toBe(200);
      expect((await call(`${a.url}/api/auth/logout`, { method: 'POST', token })).status).toBe(204);
      const after = await call(`${b.url}/api/auth/me`, { token });
      expect(after).toEqual({ status: 401, body: { detail: 'Could not validate credentials' } });
    });

    it('a deactivation and a role change on one instance are effective on the other at once', async () => {
      // ADMIN_EMAILS makes an admin only of a verified address: boss follows the mailed link first.
      const bossId = (await call(`${b.url}/api/auth/me`, { token: await login(b, 'boss') })).body.id;
      const link = await new TokenSigner('shared-secret-of-the-two-instances-0123456789').sign(
        'verify',
        bossId,
        60,
        {
          email: 'boss@example.com',
        },
      );
      expect((await call(`${a.url}/api/auth/verify-email?token=${link.token}`)).status).toBe(200);
      const boss = await login(b, 'boss');
      const bob = await login(a, 'bob');
      const cat = await login(a, 'cat');
      const bobId = (await call(`${a.url}/api/auth/me`, { token: bob })).body.id;
      const catId = (await call(`${a.url}/api/auth/me`, { token: cat })).body.id;
      // Warm both instances' view of the users first, so a stale cache would show.
      expect((await call(`${a.url}/api/admin/stats`, { token: cat })).status).toBe(403);

      expect(
        (
          await call(`${b.url}/api/admin/users/${bobId}/status`, {
            method: 'PUT',
            token: boss,
            body: { is_active: false },
          })
        ).status,
      ).toBe(200);
      expect(await call(`${a.url}/api/auth/me`, { token: bob })).toEqual({
        status: 403,
        body: { detail: 'Inactive user' },
      });

      expect(
        (
          await call(`${b.url}/api/admin/users/${catId}/role`, {
            method: 'PUT',
            token: boss,
            body: { role: 'moderator' },
          })
        ).status,
      ).toBe(200);
      expect((await call(`${a.url}/api/admin/stats`, { token: cat })).status).toBe(200);
      expect(
        (
          await call(`${b.url}/api/admin/users/${catId}/role`, {
            method: 'PUT',
            token: boss,
            body: { role: 'user' },
          })
        ).status,
      ).toBe(200);
      expect((await call(`${a.url}/api/admin/stats`, { token: cat })).status).toBe(403);
    });

    it('an avatar changed on one instance is what `me` shows on the other', async () => {
      const dan = await login(a, 'dan');
      const before = (await call(`${b.url}/api/auth/me`, { token: dan })).body.avatar_url;
      expect(before).toMatch(/gravatar/);

      const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#00f' } })
        .png()
        .toBuffer();
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)]), 'me.png');
      const upload = await fetch(`${a.url}/api/auth/avatar`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dan}` },
        body: form,
      });
      expect(upload.status).toBe(200);
      const uploaded = ((await upload.json()) as { avatar_url: string }).avatar_url;

      expect((await call(`${b.url}/api/auth/me`, { token: dan })).body.avatar_url).toBe(uploaded);
    });
  },
);

/** GET on a new connection each time (no keep-alive), so the cluster hands each to the next worker. */
function freshGet(url: string, token: string): Promise<{ status: number; role?: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, role: JSON.parse(text).role }));
    });
    request.on('error', reject);
  });
}

/**
 * Several worker processes on PostgreSQL without Redis: no process may answer from a memory that the
 * others (or the CLI) cannot reach, so a revocation made through any of them holds on every one.
 */
describe.runIf(TEST_DATABASE_URL)(
  'worker processes on PostgreSQL without Redis (needs TEST_DATABASE_URL: the embedded database is single-process)',
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let dataDir: string;
    let server: ServerProcess;
    const env = () => ({
      DATABASE_URL: database.url,
      JWT_SECRET: 'shared-secret-of-the-cluster-workers-0123456789',
      DATA_DIR: dataDir,
      PASSWORD_HASH_ITERATIONS: '1000',
      REQUIRE_EMAIL_VERIFICATION: 'false',
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    });

    beforeAll(async () => {
      database = await createTestDatabase(TEST_DATABASE_URL!);
      dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-workers-'));
      // Two workers compile the TypeScript each: slow on a busy machine.
      server = await startServer({ ...env(), WEB_CONCURRENCY: '2' }, 150_000);
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    const signIn = async (name: string) => {
      const body = { username: name, email: `${name}@example.com`, password: 'long-enough-1' };
      expect((await call(`${server.url}/api/auth/register`, { method: 'POST', body })).status).toBe(201);
      const login = await call(`${server.url}/api/auth/login`, { method: 'POST', body });
      return login.body.access_token as string;
    };
    /** Four requests on four connections: both workers answer (and would have cached) twice. */
    const fourTimes = async (token: string) => {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await freshGet(`${server.url}/api/auth/me`, token));
      return answers;
    };

    it('a logout through one worker holds on the other at once', async () => {
      const token = await signIn('wanda');
      expect((await fourTimes(token)).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect((await call(`${server.url}/api/auth/logout`, { method: 'POST', token })).status).toBe(204);
      expect((await fourTimes(token)).map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
    });

    it('a role changed by the CLI while the workers run shows on every worker at once', async () => {
      const token = await signIn('walt');
      expect((await fourTimes(token)).map((answer) => answer.role)).toEqual(['user', 'user', 'user', 'user']);
      const io = { out: () => {}, err: () => {} };
      expect(await runCli(['promote', 'walt', '--role', 'moderator'], env(), { io })).toBe(0);
      expect((await fourTimes(token)).map((answer) => answer.role)).toEqual([
        'moderator',
        'moderator',
        'moderator',
        'moderator',
      ]);
    });
  },
);
