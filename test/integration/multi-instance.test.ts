import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/app.js';
import { call, createTestDatabase, type ServerProcess, startServer } from '../helpers/process.js';

/**
 * Two real instances of the service on one PostgreSQL database and one Redis: nothing that matters
 * may live in one process's memory.
 */
describe.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)('two instances behind one load balancer', () => {
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
});
