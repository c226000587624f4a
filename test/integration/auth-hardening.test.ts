import { crc32, deflateSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService } from '../../src/services/admin-service.js';
import { createTestApp, json, type TestContext, unique } from '../helpers/app.js';
import { fileUpload } from '../helpers/multipart.js';

function expectLimited(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(429);
  const body = json(res);
  expect(Object.keys(body).sort()).toEqual(['detail', 'retry_after']);
  expect(body.detail).toBe('Rate limit exceeded');
  expect(res.headers['retry-after']).toBe(String(body.retry_after));
}

const loginFrom =
  (ctx: TestContext) =>
  (username: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress,
      headers,
      payload: { username, password },
    });

describe('TRUST_PROXY as a hop count', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN: '5/minute', TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('six logins with six forged X-Forwarded-For values from one client are still limited', async () => {
    const user = await ctx.createUser();
    const login = loginFrom(ctx);
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      // The client forges the header; the one proxy appends the address it saw (the client's).
      const res = await login(user.username, user.password, '127.0.0.2', {
        'x-forwarded-for': `203.0.113.${i}, 198.51.100.7`,
      });
      statuses.push(res.statusCode);
      if (i === 6) expectLimited(res);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Another client behind the same proxy is counted apart.
    const other = await login(user.username, user.password, '127.0.0.2', {
      'x-forwarded-for': '198.51.100.8',
    });
    expect(other.statusCode).toBe(200);
  });
});

describe('per-account login protection', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_LOGIN: '1000/minute',
      RATE_LIMIT_LOGIN_ACCOUNT_IP: '3/day',
      RATE_LIMIT_LOGIN_ACCOUNT: '10/day',
      RATE_LIMIT_CHANGE_PASSWORD: '2/minute',
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('throttles an attack on one account spread over many IPs, by username and by email', async () => {
    const user = await ctx.createUser();
    const login = loginFrom(ctx);
    for (let i = 1; i <= 10; i++) {
      const name = i % 2 === 0 ? user.username : user.email.toUpperCase();
      expect((await login(name, `wrong-guess-${i}`, `127.0.1.${i}`)).statusCode).toBe(401);
    }
    // Even the right password from a fresh address: the account is locked for the day.
    const locked = await login(user.username, user.password, '127.0.1.99');
    expectLimited(locked);
    expect(json(locked).retry_after).toBeGreaterThan(3600);
    // Other accounts are not affected.
    const other = await ctx.createUser();
    expect((await login(other.username, other.password, '127.0.1.99')).statusCode).toBe(200);
  });

  it('limits consecutive failures per account and IP; a success there resets them', async () => {
    const user = await ctx.createUser();
    const login = loginFrom(ctx);
    const ip = '127.0.2.1';
    expect((await login(user.username, 'typo-one-1', ip)).statusCode).toBe(401);
    expect((await login(user.username, 'typo-two-2', ip)).statusCode).toBe(401);
    expect((await login(user.username, user.password, ip)).statusCode).toBe(200);
    // Reset by the success: two more typos are still under the limit of three.
    expect((await login(user.username, 'typo-three-3', ip)).statusCode).toBe(401);
    expect((await login(user.username, 'typo-four-4', ip)).statusCode).toBe(401);
    expect((await login(user.username, user.password, ip)).statusCode).toBe(200);
    for (const guess of ['typo-5-five', 'typo-6-six', 'typo-7-seven']) {
      expect((await login(user.username, guess, ip)).statusCode).toBe(401);
    }
    expectLimited(await login(user.username, user.password, ip));
    // The owner from another address still gets in (7 failures in all, under the account's 10).
    expect((await login(user.username, user.password, '127.0.2.2')).statusCode).toBe(200);
  });

  it('counts unknown usernames the same way, so the answers do not reveal which exist', async () => {
    const login = loginFrom(ctx);
    const ghost = unique('ghost');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(ghost, 'some-guess-1', '127.0.3.1')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('limits change-password per user (RATE_LIMIT_CHANGE_PASSWORD), not the other users', async () => {
    const alice = await ctx.createUser();
    const bob = await ctx.createUser();
    const change = (headers: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/change-password',
        headers,
        payload: { current_password: 'not-the-password', new_password: 'a-brand-new-one-7' },
      });
    expect((await change(alice.auth)).statusCode).toBe(400);
    expect((await change(alice.auth)).statusCode).toBe(400);
    expectLimited(await change(alice.auth));
    expect((await change(bob.auth)).statusCode).toBe(400);
  });
});

describe('ADMIN_EMAILS only for a verified address', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({
      ADMIN_EMAILS: 'chief@admins.example.com, later@admins.example.com, early@admins.example.com',
      REQUIRE_EMAIL_VERIFICATION: 'false',
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const me = async (token: string) =>
    json(await ctx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } }));

  it('registers a listed address as a plain user, and makes it admin at verification', async () => {
    const username = unique('chief');
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username, email: 'Chief@Admins.Example.com', password: 'a-good-password' },
    });
    expect(res.statusCode).toBe(201);
    expect(json(res).role).toBe('user');
    // Verification is not required to log in here, and still no admin before it.
    const login = json(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: 'a-good-password' },
      }),
    );
    expect((await me(login.access_token)).role).toBe('user');
    expect(await AdminService.promoteConfiguredAdmins(ctx.deps)).toBe(0);
    expect((await me(login.access_token)).role).toBe('user');

    const { token } = await ctx.deps.tokens.sign('verify', json(res).id, 60, { email: json(res).email });
    expect((await ctx.app.inject({ url: `/api/auth/verify-email?token=${token}` })).statusCode).toBe(200);
    expect(await me(login.access_token)).toMatchObject({ role: 'admin', is_verified: true });
  });

  it('promotes at start-up only the verified holder of a listed address', async () => {
    const unverified = await ctx.createUser({ email: 'later@admins.example.com', verified: false });
    const verified = await ctx.createUser({ email: 'early@admins.example.com' });
    expect(await AdminService.promoteConfiguredAdmins(ctx.deps)).toBe(1);
    expect((await me(verified.accessToken)).role).toBe('admin');
    expect((await me(unverified.accessToken)).role).toBe('user');
  });
});

/** A PNG whose header declares width × height, with a few bytes of (truncated) pixel data. */
function declaredPng(width: number, height: number, rows = 1): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  // Each row: filter byte 0 and `width` zero bytes; compresses about a thousandfold.
  const pixels = deflateSync(Buffer.alloc((width + 1) * rows));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('account security (rate limits off)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url, payload, headers });

  function expectPasswordRule(res: LightMyRequestResponse, field: string, msg: RegExp) {
    expect(res.statusCode).toBe(422);
    const [item, ...rest] = json(res).detail;
    expect(rest).toEqual([]);
    expect(item.loc).toEqual(['body', field]);
    expect(item.msg).toMatch(msg);
  }

  it('register refuses common, blank, username and email passwords with a 422 naming the rule', async () => {
    const username = unique('pw');
    const email = `${username}@example.com`;
    const register = (password: string) => post('/api/auth/register', { username, email, password });
    expectPasswordRule(await register('password'), 'password', /common/);
    expectPasswordRule(await register('PassWord1'), 'password', /common/);
    expectPasswordRule(await register('        '), 'password', /whitespace/);
    expectPasswordRule(await register(username.toUpperCase()), 'password', /username/);
    expectPasswordRule(await register(email), 'password', /email/);
    expect((await register('a-good-password')).statusCode).toBe(201);
  });

  it('change-password refuses the current password and common ones', async () => {
    const user = await ctx.createUser();
    const change = (new_password: string) =>
      post('/api/auth/change-password', { current_password: user.password, new_password }, user.auth);
    expectPasswordRule(await change(user.password), 'new_password', /differ from the current/);
    expectPasswordRule(await change('iloveyou'), 'new_password', /common/);
    expectPasswordRule(await change(user.username), 'new_password', /username/);
    expect((await change('a-fresh-secret-9')).statusCode).toBe(200);
  });

  it('reset-password refuses the current password and common ones; the link still works after', async () => {
    const user = await ctx.createUser();
    await post('/api/auth/forgot-password', { email: user.email });
    const mail = await ctx.smtp.waitForMail(user.email, { timeoutMs: 15_000 });
    const token = /token=([\w.-]+)/.exec(mail.text)![1]!;
    const reset = (new_password: string) => post('/api/auth/reset-password', { token, new_password });
    expectPasswordRule(await reset(user.password), 'new_password', /differ from the current/);
    expectPasswordRule(await reset('qwertyuiop'), 'new_password', /common/);
    expectPasswordRule(await reset(user.email), 'new_password', /email/);
    expect((await reset('a-fresh-secret-9')).statusCode).toBe(200);
  });

  it('token answers and /me are never cached', async () => {
    const user = await ctx.createUser();
    const login = await post('/api/auth/login', { username: user.username, password: user.password });
    const refresh = await post('/api/auth/refresh', { refresh_token: user.refreshToken });
    const me = await ctx.app.inject({ url: '/api/auth/me', headers: user.auth });
    const alias = await ctx.app.inject({ url: '/api/users/me', headers: user.auth });
    for (const res of [login, refresh, me, alias]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
  });

  it('refuses an access token with text after the signature', async () => {
    const user = await ctx.createUser();
    for (const suffix of ['x', '.x', '=']) {
      const res = await ctx.app.inject({
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${user.accessToken}${suffix}` },
      });
      expect(res.statusCode).toBe(401);
    }
  });

  it('refuses a decompression bomb quickly, without decoding it, and over 25 megapixels', async () => {
    const user = await ctx.createUser();
    const upload = async (png: Buffer) => {
      const body = await fileUpload(png, { type: 'image/png' });
      return ctx.app.inject({
        method: 'POST',
        url: '/api/auth/avatar',
        headers: { ...user.auth, ...body.headers },
        payload: body.payload,
      });
    };
    const bomb = declaredPng(60_000, 60_000);
    expect(bomb.length).toBeLessThan(1000);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const res = await upload(bomb);
    expect(res.statusCode).toBe(415);
    expect(json(res)).toEqual({ detail: 'Image dimensions too large: at most 25 megapixels' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    // 36 megapixels (a valid 6000 × 6000 PNG of ~40 kB) is over the limit too; 25 are not.
    expect((await upload(declaredPng(6000, 6000, 6000))).statusCode).toBe(415);
    expect((await upload(declaredPng(5000, 5000, 5000))).statusCode).toBe(200);
  });
});
