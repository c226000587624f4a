import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestContext, type TestUser, unique } from '../helpers/app.js';
import { fileUpload } from '../helpers/multipart.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp({
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_LOGIN: '3/minute',
    RATE_LIMIT_ME: '2/minute',
    RATE_LIMIT_REGISTER: '2/minute',
    RATE_LIMIT_FORGOT: '1/minute',
    RATE_LIMIT_VERIFY: '1/minute',
    RATE_LIMIT_RESEND: '1/minute',
    RATE_LIMIT_RESET: '1/minute',
    RATE_LIMIT_AVATAR: '1/minute',
  });
});
afterAll(async () => {
  await ctx?.close();
});

function expectLimited(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(429);
  const body = json(res);
  expect(Object.keys(body).sort()).toEqual(['detail', 'retry_after']);
  expect(body.detail).toBe('Rate limit exceeded');
  expect(Number.isInteger(body.retry_after)).toBe(true);
  expect(body.retry_after).toBeGreaterThan(0);
  expect(body.retry_after).toBeLessThanOrEqual(60);
  expect(res.headers['retry-after']).toBe(String(body.retry_after));
}

describe('rate limits', () => {
  it('limits logins per client IP, whatever the outcome', async () => {
    const user = await ctx.createUser();
    const login = (password: string, remoteAddress = '127.0.0.11') =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        payload: { username: user.username, password },
      });
    expect((await login(user.password)).statusCode).toBe(200);
    expect((await login('wrong-password')).statusCode).toBe(401);
    expect((await login(user.password)).statusCode).toBe(200);
    expectLimited(await login(user.password));
    // Another client is counted apart.
    expect((await login(user.password, '127.0.0.12')).statusCode).toBe(200);
  });

  it('limits /me per user, across its alias, not the other users', async () => {
    const alice = await ctx.createUser();
    const bob = await ctx.createUser();
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: alice.auth })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/api/users/me', headers: alice.auth })).statusCode).toBe(200);
    expectLimited(await ctx.app.inject({ url: '/api/auth/me', headers: alice.auth }));
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: bob.auth })).statusCode).toBe(200);
  });

  it('limits registrations per client IP', async () => {
    const register = () => {
      const username = unique('rl');
      return ctx.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '127.0.0.13',
        payload: { username, email: `${username}@example.com`, password: 'long-enough-pw' },
      });
    };
    expect((await register()).statusCode).toBe(201);
    expect((await register()).statusCode).toBe(201);
    expectLimited(await register());
  });

  it('limits password reset requests', async () => {
    const forgot = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/forgot-password',
        remoteAddress: '127.0.0.14',
        payload: { email: 'someone@example.com' },
      });
    expect((await forgot()).statusCode).toBe(200);
    expectLimited(await forgot());
  });

  it('limits email verification per client IP, counting bad tokens too, across its alias', async () => {
    const verify = (url: string) => ctx.app.inject({ url, remoteAddress: '127.0.0.15' });
    expect((await verify('/api/auth/verify-email?token=not-a-token')).statusCode).toBe(400);
    expectLimited(await verify('/api/auth/confirmed_email/not-a-token'));
  });

  it('limits verification resends per client IP, across its alias', async () => {
    const resend = (url: string) =>
      ctx.app.inject({
        method: 'POST',
        url,
        remoteAddress: '127.0.0.16',
        payload: { email: 'x@example.com' },
      });
    expect((await resend('/api/auth/resend-verification')).statusCode).toBe(200);
    expectLimited(await resend('/api/auth/request_email'));
  });

  it('limits password resets per client IP, counting bad tokens too', async () => {
    const reset = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/reset-password',
        remoteAddress: '127.0.0.17',
        payload: { token: 'not-a-token', new_password: 'long-enough-pw' },
      });
    expect((await reset()).statusCode).toBe(400);
    expectLimited(await reset());
  });

  it('limits avatar uploads per user, across its alias, not the other users', async () => {
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#0f0' } })
      .png()
      .toBuffer();
    const upload = async (user: TestUser, method: 'POST' | 'PATCH', url: string) => {
      const body = await fileUpload(png);
      return ctx.app.inject({
        method,
        url,
        headers: { ...user.auth, ...body.headers },
        payload: body.payload,
      });
    };
    const alice = await ctx.createUser();
    const bob = await ctx.createUser();
    expect((await upload(alice, 'POST', '/api/auth/avatar')).statusCode).toBe(200);
    expectLimited(await upload(alice, 'PATCH', '/api/users/avatar'));
    expect((await upload(bob, 'POST', '/api/auth/avatar')).statusCode).toBe(200);
  });
});
