import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { HEARTBEAT_MS, LIVENESS_MS, type RedisSessionCache } from '../../src/infra/invalidation.js';
import { usersRepository } from '../../src/repository/users-repository.js';
import {
  createTestApp,
  json,
  TEST_DATABASE_URL,
  TEST_PASSWORD,
  TEST_REDIS_URL,
  type TestContext,
} from '../helpers/app.js';
import {
  holdFills,
  type Instance,
  sessionOf,
  sharedInstances,
  until,
  untilServing,
} from '../helpers/instances.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (app: Instance['app'], token: string) =>
  app.inject({ url: '/api/auth/me', headers: bearer(token) });
const logout = (app: Instance['app'], token: string) =>
  app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) });

/** A user written straight into the shared database (no password: these tests never log it in). */
function insertUser(instance: Instance, prefix: string) {
  const username = `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return usersRepository.insert(instance.deps.database.db, {
    username,
    email: `${username}@example.com`,
    fullName: null,
    passwordHash: 'unused',
    role: 'user',
  });
}

async function login(app: Instance['app'], username: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: TEST_PASSWORD },
  });
  expect(res.statusCode).toBe(200);
  return json(res).access_token as string;
}

describe('a cache fill racing a logout (one instance)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await untilServing(ctx.deps.cache);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('does not put back a session the logout revoked while the lookup was in flight', async () => {
    const user = await ctx.createUser();
    const control = await ctx.createUser();
    const fills = holdFills(ctx.deps.cache);
    // Both lookups read the database (the sessions are live) and are held before storing the result.
    expect((await me(ctx.app, user.accessToken)).statusCode).toBe(200);
    expect((await me(ctx.app, control.accessToken)).statusCode).toBe(200);
    expect(fills.count).toBe(2);
    expect((await logout(ctx.app, user.accessToken)).statusCode).toBe(204);
    fills.release();

    expect(ctx.deps.cache.get(sessionOf(user.accessToken))).toBeUndefined();
    const after = await me(ctx.app, user.accessToken);
    expect(after.statusCode).toBe(401);
    expect(json(after)).toEqual({ detail: 'Could not validate credentials' });
    // The control fill was refused too (any invalidation in between refuses it): the next lookup stores it.
    expect((await me(ctx.app, control.accessToken)).statusCode).toBe(200);
    expect(ctx.deps.cache.get(sessionOf(control.accessToken))?.id).toBe(control.id);
  });

  it('serves a cached user only until the user changes (role, deactivation, deletion)', async () => {
    const user = await ctx.createUser();
    expect(json(await me(ctx.app, user.accessToken)).role).toBe('user');
    expect(ctx.deps.cache.get(sessionOf(user.accessToken))?.role).toBe('user');
    const fills = holdFills(ctx.deps.cache);
    await usersRepository.update(ctx.deps.database.db, user.id, { role: 'moderator' });
    await ctx.app.services.sessions.invalidateUser(user.id);
    fills.release();
    expect(json(await me(ctx.app, user.accessToken)).role).toBe('moderator');
  });
});

describe.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)(
  'several instances on PostgreSQL + Redis (needs TEST_DATABASE_URL and TEST_REDIS_URL)',
  () => {
    let cluster: Awaited<ReturnType<typeof sharedInstances>>;
    let a: Instance;
    let b: Instance;
    beforeAll(async () => {
      cluster = await sharedInstances(TEST_DATABASE_URL!);
      a = await cluster.open({ REDIS_URL: TEST_REDIS_URL! });
      b = await cluster.open({ REDIS_URL: TEST_REDIS_URL! });
      await untilServing(a.deps.cache);
      await untilServing(b.deps.cache);
    });
    afterAll(async () => {
      await cluster?.close();
    });

    const newUser = async () => {
      const username = `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { username, email: `${username}@example.com`, password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(201);
      await usersRepository.update(a.deps.database.db, json(res).id, { isVerified: true });
      return { username, id: json(res).id as number };
    };

    it('a fill on one instance racing a logout on another cannot revive the session', async () => {
      const { username } = await newUser();
      const token = await login(a.app, username);
      const fills = holdFills(b.deps.cache);
      expect((await me(b.app, token)).statusCode).toBe(200);
      expect(fills.count).toBe(1);
      const before = b.deps.cache.version();
      expect((await logout(a.app, token)).statusCode).toBe(204);
      // The logout's message has reached b; only then does b's held fill land.
      await until(() => b.deps.cache.version() !== before);
      fills.release();
      expect(b.deps.cache.get(sessionOf(token))).toBeUndefined();
      expect((await me(b.app, token)).statusCode).toBe(401);
    });

    it('serves from memory, and a role change on one instance shows on the other at once', async () => {
      const { username, id } = await newUser();
      const token = await login(a.app, username);
      expect(json(await me(b.app, token)).role).toBe('user');
      expect(b.deps.cache.get(sessionOf(token))?.id).toBe(id);
      const admin = await newUser();
      await usersRepository.update(a.deps.database.db, admin.id, { role: 'admin' });
      const adminToken = await login(a.app, admin.username);
      const res = await a.app.inject({
        method: 'PUT',
        url: `/api/admin/users/${id}/role`,
        headers: bearer(adminToken),
        payload: { role: 'moderator' },
      });
      expect(res.statusCode).toBe(200);
      expect(json(await me(b.app, token)).role).toBe('moderator');
    });

    it('the CLI changing a role while the instances run is seen by them at once', async () => {
      const { username } = await newUser();
      const token = await login(a.app, username);
      expect(json(await me(b.app, token)).role).toBe('user');
      const io = { out: () => {}, err: () => {} };
      const env = {
        DATABASE_URL: TEST_DATABASE_URL!,
        REDIS_URL: TEST_REDIS_URL!,
        JWT_SECRET: 'test-secret-shared-by-the-instances-0123456789-abcdef',
        LOG_LEVEL: 'silent',
      };
      // The CLI is its own process in real life: its own database pool and Redis connections, as here.
      const code = await runCli(['promote', username, '--role', 'moderator'], env, {
        io,
        openOptions: cluster.openOptions,
      });
      expect(code).toBe(0);
      expect(json(await me(b.app, token)).role).toBe('moderator');
      expect(json(await me(a.app, token)).role).toBe('moderator');
    });
  },
);

describe.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)(
  'an instance that loses Redis (needs TEST_DATABASE_URL and TEST_REDIS_URL)',
  () => {
    let cluster: Awaited<ReturnType<typeof sharedInstances>>;
    let proxy: TcpProxy;
    let b: Instance;
    beforeAll(async () => {
      const redis = new URL(TEST_REDIS_URL!);
      proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
      cluster = await sharedInstances(TEST_DATABASE_URL!);
      b = await cluster.open({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    });
    afterEach(async () => {
      proxy.restore();
      await untilServing(b.deps.cache);
    });
    afterAll(async () => {
      await cluster?.close();
      await proxy?.close();
    });

    /** A user signed in on b, cached there; the role is then changed behind b's back (no message). */
    async function cachedUser() {
      const user = await insertUser(b, 'l');
      const tokens = await b.app.services.sessions.start(user.id);
      await untilServing(b.deps.cache);
      expect(json(await me(b.app, tokens.access_token)).role).toBe('user');
      expect(b.deps.cache.get(sessionOf(tokens.access_token))).toBeDefined();
      return { id: user.id, token: tokens.access_token };
    }

    it('stops serving from memory the moment its Redis connection drops', async () => {
      const user = await cachedUser();
      proxy.cut('refuse');
      await until(() => !(b.deps.cache as RedisSessionCache).serving, 1000);
      await usersRepository.update(b.deps.database.db, user.id, { role: 'moderator' });
      expect(json(await me(b.app, user.token)).role).toBe('moderator');
      expect(b.deps.cache.get(sessionOf(user.token))).toBeUndefined();
    });

    it('stops serving from memory when Redis silently stops answering (black hole)', async () => {
      const user = await cachedUser();
      proxy.cut('blackhole');
      // The connection looks open; the heartbeat's unanswered PING gives it away within its bound.
      await until(() => !(b.deps.cache as RedisSessionCache).serving, LIVENESS_MS + 2 * HEARTBEAT_MS);
      await usersRepository.update(b.deps.database.db, user.id, { role: 'moderator' });
      expect(json(await me(b.app, user.token)).role).toBe('moderator');
    });
  },
);

describe.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)(
  'an instance that cannot publish a revocation (needs TEST_DATABASE_URL and TEST_REDIS_URL)',
  () => {
    let cluster: Awaited<ReturnType<typeof sharedInstances>>;
    let proxy: TcpProxy;
    let cut: Instance;
    let other: Instance;
    beforeAll(async () => {
      const redis = new URL(TEST_REDIS_URL!);
      proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
      cluster = await sharedInstances(TEST_DATABASE_URL!);
      cut = await cluster.open({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
      other = await cluster.open({ REDIS_URL: TEST_REDIS_URL! });
      await untilServing(cut.deps.cache);
      await untilServing(other.deps.cache);
    });
    afterAll(async () => {
      proxy?.restore();
      await cluster?.close();
      await proxy?.close();
    });

    it('says so, and makes the others forget everything as soon as it reaches Redis again', async () => {
      const user = await insertUser(other, 'p');
      const token = (await other.app.services.sessions.start(user.id)).access_token;
      expect(json(await me(other.app, token)).role).toBe('user');
      expect(other.deps.cache.get(sessionOf(token))).toBeDefined();

      proxy.cut('refuse');
      await until(() => !(cut.deps.cache as RedisSessionCache).serving, 1000);
      await usersRepository.update(cut.deps.database.db, user.id, { role: 'moderator' });
      expect(await cut.app.services.sessions.invalidateUser(user.id)).toBe(false);

      proxy.restore();
      await until(() => other.deps.cache.get(sessionOf(token)) === undefined, 10_000);
      expect(json(await me(other.app, token)).role).toBe('moderator');
    });
  },
);

describe.runIf(TEST_DATABASE_URL)(
  'several instances on PostgreSQL without Redis (needs TEST_DATABASE_URL)',
  () => {
    let cluster: Awaited<ReturnType<typeof sharedInstances>>;
    let a: Instance;
    let b: Instance;
    beforeAll(async () => {
      cluster = await sharedInstances(TEST_DATABASE_URL!);
      a = await cluster.open({ REDIS_URL: '' });
      b = await cluster.open({ REDIS_URL: '' });
    });
    afterAll(async () => {
      await cluster?.close();
    });

    it('sees a logout and a role change made elsewhere on the very next request', async () => {
      const user = await insertUser(a, 'n');
      const first = (await a.app.services.sessions.start(user.id)).access_token;
      const second = (await a.app.services.sessions.start(user.id)).access_token;
      expect(json(await me(b.app, first)).role).toBe('user');
      expect((await me(b.app, second)).statusCode).toBe(200);
      // Another process (a worker, an instance, the CLI) writes; b is not told, and needs not be.
      await usersRepository.update(a.deps.database.db, user.id, { role: 'moderator' });
      expect(json(await me(b.app, first)).role).toBe('moderator');
      expect((await logout(a.app, second)).statusCode).toBe(204);
      expect((await me(b.app, second)).statusCode).toBe(401);
    });
  },
);
