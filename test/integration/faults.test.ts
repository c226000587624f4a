import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  json,
  TEST_DATABASE_URL,
  TEST_PASSWORD,
  TEST_REDIS_URL,
  type TestContext,
} from '../helpers/app.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describe.runIf(TEST_REDIS_URL)('Redis going away mid-run (needs TEST_REDIS_URL)', () => {
  let proxy: TcpProxy;
  let ctx: TestContext;
  beforeAll(async () => {
    const redis = new URL(TEST_REDIS_URL!);
    proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    ctx = await createTestApp({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_ME: '5/minute',
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await proxy?.close();
  });

  const health = async () => json(await ctx.app.inject({ url: '/health' }));

  it('keeps every route answering, enforces limits in memory, and recovers by itself', async () => {
    const user = await ctx.createUser();
    const loggedOut = await ctx.createUser();
    // Both sessions are now cached in Redis.
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: loggedOut.auth })).statusCode).toBe(200);
    expect(await health()).toMatchObject({ status: 'healthy', redis: 'connected' });

    proxy.cut('refuse');
    await waitFor(async () => (await health()).status === 'degraded', 5000);
    expect(await health()).toEqual({ status: 'degraded', database: 'connected', redis: 'disconnected' });

    for (const request of [
      { url: '/api/auth/me', headers: user.auth },
      { url: '/api/contacts', headers: user.auth },
      {
        method: 'POST' as const,
        url: '/api/contacts',
        headers: user.auth,
        payload: { first_name: 'During outage' },
      },
      {
        method: 'POST' as const,
        url: '/api/auth/login',
        payload: { username: user.username, password: TEST_PASSWORD },
      },
    ]) {
      const { result, ms } = await timed(() => ctx.app.inject(request));
      expect(result.statusCode, request.url).toBeLessThan(300);
      expect(ms, `${request.url} answered quickly`).toBeLessThan(1500);
    }

    // Revocation holds without Redis: the database is the source of truth.
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: loggedOut.auth })).statusCode,
    ).toBe(204);
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: loggedOut.auth })).statusCode).toBe(401);

    // Limits are still enforced, per process (RATE_LIMIT_ME is 5/minute).
    const limited = await ctx.createUser();
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await ctx.app.inject({ url: '/api/auth/me', headers: limited.auth })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);

    proxy.restore();
    const recoveryMs = await waitFor(async () => (await health()).status === 'healthy', 15_000);
    expect(recoveryMs).toBeLessThan(15_000);
    // The cached copy of the logged-out session that Redis kept is gone: the missed deletion was replayed.
    await waitFor(
      async () => (await ctx.app.inject({ url: '/api/auth/me', headers: loggedOut.auth })).statusCode === 401,
      2000,
    );
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: loggedOut.auth })).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode).toBe(200);
  });

  it('answers quickly when Redis accepts connections but never replies', async () => {
    const user = await ctx.createUser();
    proxy.cut('blackhole');
    const { result, ms } = await timed(() => ctx.app.inject({ url: '/api/contacts', headers: user.auth }));
    expect(result.statusCode).toBe(200);
    expect(ms).toBeLessThan(2500);
    expect(json(await ctx.app.inject({ url: '/health' })).status).toBe('degraded');
    proxy.restore();
    await waitFor(async () => json(await ctx.app.inject({ url: '/health' })).status === 'healthy', 15_000);
  });
});

describe.runIf(TEST_DATABASE_URL)(
  'PostgreSQL going away mid-run (needs TEST_DATABASE_URL: the embedded database cannot go away)',
  () => {
    let proxy: TcpProxy;
    let ctx: TestContext;
    beforeAll(async () => {
      const database = new URL(TEST_DATABASE_URL!);
      proxy = await startTcpProxy(database.hostname, Number(database.port || 5432));
      const proxied = new URL(TEST_DATABASE_URL!);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      ctx = await createTestApp({ DATABASE_URL: proxied.toString(), DATABASE_TIMEOUT_MS: '1000' });
    });
    afterAll(async () => {
      proxy?.restore();
      await ctx?.close();
      await proxy?.close();
    });

    const unavailable = { detail: 'Service temporarily unavailable' };

    it('fails fast with 503 while the database is unreachable, and recovers without a restart', async () => {
      const user = await ctx.createUser();
      expect((await ctx.app.inject({ url: '/api/contacts', headers: user.auth })).statusCode).toBe(200);

      proxy.cut('refuse');
      for (const request of [
        { url: '/api/contacts', headers: user.auth },
        {
          method: 'POST' as const,
          url: '/api/contacts',
          headers: user.auth,
          payload: { first_name: 'Lost' },
        },
        {
          method: 'POST' as const,
          url: '/api/auth/login',
          payload: { username: user.username, password: TEST_PASSWORD },
        },
      ]) {
        const { result, ms } = await timed(() => ctx.app.inject(request));
        expect(result.statusCode, request.url).toBe(503);
        expect(json(result)).toEqual(unavailable);
        expect(ms).toBeLessThan(2000);
      }
      const health = await ctx.app.inject({ url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(json(health)).toMatchObject({ status: 'unhealthy', database: 'disconnected' });

      // Unreachable rather than refused: connection attempts hang, the configured timeout (1 s) answers.
      proxy.cut('blackhole');
      const { result, ms } = await timed(() => ctx.app.inject({ url: '/api/contacts', headers: user.auth }));
      expect(result.statusCode).toBe(503);
      expect(json(result)).toEqual(unavailable);
      expect(ms).toBeLessThan(3000);

      proxy.restore();
      const recoveryMs = await waitFor(
        async () => (await ctx.app.inject({ url: '/api/contacts', headers: user.auth })).statusCode === 200,
        10_000,
      );
      expect(recoveryMs).toBeLessThan(10_000);
      expect((await ctx.app.inject({ url: '/health' })).statusCode).toBe(200);
      // Nothing was half-written by the failed create.
      const listed = json(await ctx.app.inject({ url: '/api/contacts', headers: user.auth }));
      expect(listed.map((contact: { first_name: string }) => contact.first_name)).not.toContain('Lost');
    });
  },
);
