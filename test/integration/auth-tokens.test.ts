import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSigner } from '../../src/lib/tokens.js';
import { createTestApp, json, type TestContext, type TestUser } from '../helpers/app.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => {
  await ctx?.close();
});

const me = (accessToken: string) =>
  ctx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${accessToken}` } });

const refresh = (refreshToken: unknown) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: refreshToken } });

const logout = (user: { accessToken: string }, payload?: Record<string, unknown>) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: { authorization: `Bearer ${user.accessToken}` },
    ...(payload ? { payload } : {}),
  });

async function login(user: TestUser) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user.username, password: user.password },
  });
  expect(res.statusCode).toBe(200);
  const body = json(res);
  return { accessToken: body.access_token as string, refreshToken: body.refresh_token as string };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

function expectInvalidToken(res: { statusCode: number; headers: Record<string, unknown> }, body: unknown) {
  expect(res.statusCode).toBe(401);
  expect(body).toEqual({ detail: 'Could not validate credentials' });
  expect(res.headers['www-authenticate']).toBe('Bearer');
}

describe('tampered and foreign tokens', () => {
  it('rejects an access token with a changed signature', async () => {
    const user = await ctx.createUser();
    const last = user.accessToken.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${user.accessToken.slice(0, -2)}${last}${user.accessToken.at(-1)}`;
    expect(tampered).not.toBe(user.accessToken);
    const res = await me(tampered);
    expectInvalidToken(res, json(res));
    expect((await me(user.accessToken)).statusCode).toBe(200);
  });

  it('rejects a token with changed claims under the original signature', async () => {
    const user = await ctx.createUser();
    const other = await ctx.createUser();
    const [header, , signature] = user.accessToken.split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...claimsOf(user.accessToken), sub: String(other.id) }),
    ).toString('base64url');
    const res = await me(`${header}.${payload}.${signature}`);
    expectInvalidToken(res, json(res));
  });

  it('rejects a token signed with another secret', async () => {
    const user = await ctx.createUser();
    const foreign = new TokenSigner('another-secret-that-is-also-long-enough-0123456789');
    const { sid } = claimsOf(user.accessToken) as { sid: string };
    const access = await foreign.sign('access', user.id, 600, { sid });
    const res = await me(access.token);
    expectInvalidToken(res, json(res));
    const refreshToken = await foreign.sign('refresh', user.id, 600, { sid });
    const res2 = await refresh(refreshToken.token);
    expectInvalidToken(res2, json(res2));
  });

  it('rejects an unsigned token (alg "none")', async () => {
    const user = await ctx.createUser();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claimsOf(user.accessToken))).toString('base64url');
    for (const token of [`${header}.${payload}.`, `${header}.${payload}`]) {
      const res = await me(token);
      expectInvalidToken(res, json(res));
    }
  });

  it('rejects an expired access token', async () => {
    const user = await ctx.createUser();
    const { sid } = claimsOf(user.accessToken) as { sid: string };
    const expired = await ctx.deps.tokens.sign('access', user.id, -60, { sid });
    const res = await me(expired.token);
    expectInvalidToken(res, json(res));
  });

  it('does not take a refresh token as an access token, nor the other way round', async () => {
    const user = await ctx.createUser();
    const asAccess = await me(user.refreshToken);
    expectInvalidToken(asAccess, json(asAccess));
    const asRefresh = await refresh(user.accessToken);
    expectInvalidToken(asRefresh, json(asRefresh));
    const verifyToken = await ctx.deps.tokens.sign('verify', user.id, 600, { email: user.email });
    expect((await me(verifyToken.token)).statusCode).toBe(401);
    expect((await refresh(verifyToken.token)).statusCode).toBe(401);
    // Both tokens still work for what they are.
    expect((await me(user.accessToken)).statusCode).toBe(200);
    expect((await refresh(user.refreshToken)).statusCode).toBe(200);
  });

  it('rejects garbage bearer tokens and answers "Not authenticated" without one', async () => {
    for (const token of ['abc', 'a.b.c', 'Bearer']) {
      const res = await me(token);
      expectInvalidToken(res, json(res));
    }
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(res.statusCode).toBe(401);
    expect(json(res)).toEqual({ detail: 'Not authenticated' });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('POST /api/auth/refresh', () => {
  it('rotates: a new working pair, the used refresh token dead', async () => {
    const user = await ctx.createUser();
    const res = await refresh(user.refreshToken);
    expect(res.statusCode).toBe(200);
    const pair = json(res);
    expect(pair).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
    expect(pair.refresh_token).not.toBe(user.refreshToken);
    expect(json(await me(pair.access_token)).id).toBe(user.id);

    // Presenting the used token again is theft: 401, and the pair issued in its place dies too.
    const replay = await refresh(user.refreshToken);
    expectInvalidToken(replay, json(replay));
    expect((await me(pair.access_token)).statusCode).toBe(401);
    expect((await refresh(pair.refresh_token)).statusCode).toBe(401);
    expect((await me(user.accessToken)).statusCode).toBe(401);
  });

  it('lets at most one of two simultaneous uses of one refresh token through', async () => {
    const user = await ctx.createUser();
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(1);
    expect(statuses).toContain(401);
  });

  it('does not touch the sessions of other logins', async () => {
    const user = await ctx.createUser();
    const second = await login(user);
    expect((await refresh(user.refreshToken)).statusCode).toBe(200);
    expect((await refresh(user.refreshToken)).statusCode).toBe(401);
    expect((await me(second.accessToken)).statusCode).toBe(200);
    expect((await refresh(second.refreshToken)).statusCode).toBe(200);
  });

  it('answers 422 without a refresh token', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: {} });
    expect(res.statusCode).toBe(422);
    expect(json(res).detail[0]).toMatchObject({ loc: ['body', 'refresh_token'], type: 'missing' });
  });
});

describe('POST /api/auth/logout', () => {
  it('answers 204 and kills the access and refresh tokens of the session', async () => {
    const user = await ctx.createUser();
    const res = await logout(user);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const after = await me(user.accessToken);
    expectInvalidToken(after, json(after));
    const refreshed = await refresh(user.refreshToken);
    expectInvalidToken(refreshed, json(refreshed));
    expect((await logout(user)).statusCode).toBe(401);
  });

  it('accepts an empty JSON body', async () => {
    const user = await ctx.createUser();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...user.auth, 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(204);
    expect((await me(user.accessToken)).statusCode).toBe(401);
  });

  it('keeps the other sessions, unless their refresh token is given', async () => {
    const user = await ctx.createUser();
    const second = await login(user);
    const third = await login(user);

    expect((await logout(user)).statusCode).toBe(204);
    expect((await me(second.accessToken)).statusCode).toBe(200);

    expect((await logout(second, { refresh_token: third.refreshToken })).statusCode).toBe(204);
    expect((await me(second.accessToken)).statusCode).toBe(401);
    expect((await me(third.accessToken)).statusCode).toBe(401);
    expect((await refresh(third.refreshToken)).statusCode).toBe(401);
  });

  it("ignores an invalid refresh token or another user's", async () => {
    const user = await ctx.createUser();
    const other = await ctx.createUser();
    expect((await logout(user, { refresh_token: other.refreshToken })).statusCode).toBe(204);
    expect((await me(other.accessToken)).statusCode).toBe(200);
    expect((await refresh(other.refreshToken)).statusCode).toBe(200);

    const third = await ctx.createUser();
    expect((await logout(third, { refresh_token: 'not-a-token' })).statusCode).toBe(204);
    expect((await me(third.accessToken)).statusCode).toBe(401);
  });
});
