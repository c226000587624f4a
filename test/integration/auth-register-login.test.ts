import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usersRepository } from '../../src/repository/users-repository.js';
import { createTestApp, json, type TestContext, USER_RESPONSE_FIELDS, unique } from '../helpers/app.js';

// A hash written by the Python original (passlib pbkdf2_sha256, 29 000 rounds) of 'password123'.
const PASSLIB_HASH =
  '$pbkdf2-sha256$29000$IKQ0ZowRIkQohbC2FoIwhg$9gMf8YkfzAU7GykhUoBesxMPvZPA2zDtlBQ5hhShK7g';
const ROUNDS = 30_000;
const ADMIN_EMAIL = 'boss@admins.example.com';

let ctx: TestContext;

beforeAll(async () => {
  // More rounds than the passlib hash has, so logging in with it must upgrade it.
  ctx = await createTestApp({
    PASSWORD_HASH_ITERATIONS: String(ROUNDS),
    ADMIN_EMAILS: `other@x.io, ${ADMIN_EMAIL}`,
  });
});
afterAll(async () => {
  await ctx?.close();
});

const register = (payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload });

const login = (username: string, password: string) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

const loginForm = (username: string, password: string) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username, password }).toString(),
  });

function newAccount() {
  const username = unique('reg');
  return { username, email: `${username}@example.com`, password: 'a-good-password' };
}

function expectTokenPair(body: Record<string, unknown>) {
  expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  expect(body.token_type).toBe('bearer');
  expect(body.expires_in).toBe(30 * 60);
  expect(typeof body.access_token).toBe('string');
  expect(typeof body.refresh_token).toBe('string');
}

describe('POST /api/auth/register', () => {
  it('creates an unverified user, answers 201 UserResponse without secrets and mails a link', async () => {
    const account = newAccount();
    const res = await register({
      ...account,
      full_name: 'Ada Lovelace',
      role: 'admin',
      id: 999,
      is_verified: true,
    });
    expect(res.statusCode).toBe(201);
    const body = json(res);
    expect(Object.keys(body).sort()).toEqual(USER_RESPONSE_FIELDS);
    expect(body).toMatchObject({
      username: account.username,
      email: account.email,
      full_name: 'Ada Lovelace',
      role: 'user',
      is_active: true,
      is_verified: false,
    });
    expect(body.id).not.toBe(999);
    expect(body.avatar_url).toMatch(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32}/);
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
    expect(res.body).not.toMatch(/password|pbkdf2/i);

    const mail = await ctx.smtp.waitForMail(account.email);
    expect(mail.text).toMatch(/^http:\/\/localhost:8000\/api\/auth\/verify-email\?token=[\w.-]+$/m);
  });

  it('stores a missing or blank full_name as null', async () => {
    const res = await register({ ...newAccount(), full_name: '   ' });
    expect(res.statusCode).toBe(201);
    expect(json(res).full_name).toBeNull();
    const res2 = await register(newAccount());
    expect(json(res2).full_name).toBeNull();
  });

  it('does not make an admin of an email listed in ADMIN_EMAILS before it is verified', async () => {
    const res = await register({ ...newAccount(), email: 'Boss@Admins.Example.COM' });
    expect(res.statusCode).toBe(201);
    expect(json(res).role).toBe('user');
  });

  it('answers 409 for a username or email already registered, case-insensitively', async () => {
    const account = newAccount();
    expect((await register(account)).statusCode).toBe(201);

    const sameName = await register({ ...newAccount(), username: account.username.toUpperCase() });
    expect(sameName.statusCode).toBe(409);
    expect(json(sameName)).toEqual({ detail: 'Username already registered' });

    const sameEmail = await register({ ...newAccount(), email: account.email.toUpperCase() });
    expect(sameEmail.statusCode).toBe(409);
    expect(json(sameEmail)).toEqual({ detail: 'Email already registered' });
  });

  it('lets exactly one of 20 simultaneous registrations of one email through', async () => {
    const email = `${unique('race')}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => register({ ...newAccount(), email: email.toUpperCase() })),
    );
    const statuses = results.map((res) => res.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    for (const res of results.filter((r) => r.statusCode === 409)) {
      expect(json(res)).toEqual({ detail: 'Email already registered' });
    }
  });

  it('lets exactly one of 10 simultaneous registrations of one username through', async () => {
    const username = unique('sameName');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => register({ ...newAccount(), username })),
    );
    expect(results.filter((res) => res.statusCode === 201)).toHaveLength(1);
    expect(results.filter((res) => json(res).detail === 'Username already registered')).toHaveLength(9);
  });

  it.each([
    ['a short username', { username: 'ab' }, 'username', 'string_too_short'],
    ['a long username', { username: 'a'.repeat(51) }, 'username', 'string_too_long'],
    ['a username with a space', { username: 'has space' }, 'username', 'string_pattern_mismatch'],
    ['a username with @', { username: 'me@home' }, 'username', 'string_pattern_mismatch'],
    ['a bad email', { email: 'not-an-email' }, 'email', 'value_error'],
    ['a short password', { password: 'short12' }, 'password', 'string_too_short'],
    ['a long password', { password: 'x'.repeat(129) }, 'password', 'string_too_long'],
    ['a long full_name', { full_name: 'x'.repeat(101) }, 'full_name', undefined],
    ['a missing password', { password: undefined }, 'password', 'missing'],
  ])('answers 422 for %s', async (_name, change, field, type) => {
    const res = await register({ ...newAccount(), ...change });
    expect(res.statusCode).toBe(422);
    const detail = json(res).detail as { loc: string[]; type: string }[];
    const item = detail.find((entry) => entry.loc[0] === 'body' && entry.loc[1] === field);
    expect(item).toBeDefined();
    if (type) expect(item?.type).toBe(type);
  });

  it('accepts the length limits exactly', async () => {
    const res = await register({
      username: `${unique('e')}${'x'.repeat(40)}`.slice(0, 50),
      email: `${unique('edge')}@example.com`,
      password: 'x'.repeat(128),
      full_name: 'y'.repeat(100),
    });
    expect(res.statusCode).toBe(201);
    // Eight characters exactly (not a common password: '12345678' is refused by the password rules).
    expect((await register({ ...newAccount(), username: 'a.b', password: 'x7#k2$pq' })).statusCode).toBe(201);
  });
});

describe('POST /api/auth/login', () => {
  it('logs in with the username or the email, as JSON or as a form', async () => {
    const user = await ctx.createUser();
    for (const res of [
      await login(user.username, user.password),
      await login(user.email.toUpperCase(), user.password),
      await loginForm(user.username, user.password),
      await loginForm(user.email, user.password),
    ]) {
      expect(res.statusCode).toBe(200);
      expectTokenPair(json(res));
      const me = await ctx.app.inject({
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${json(res).access_token}` },
      });
      expect(json(me).id).toBe(user.id);
    }
  });

  it('answers the same 401 for a wrong password and an unknown user', async () => {
    const user = await ctx.createUser();
    for (const res of [
      await login(user.username, 'wrong-password'),
      await login('nobody-at-all', 'whatever-password'),
      await loginForm('nobody@example.com', user.password),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(json(res)).toEqual({ detail: 'Incorrect username or password' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('answers 422 when a field is missing', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
    expect(res.statusCode).toBe(422);
    expect(json(res).detail[0]).toMatchObject({ loc: ['body', 'password'], type: 'missing' });
  });

  it('refuses an unverified user with 403 only after a correct password', async () => {
    const user = await ctx.createUser({ verified: false });
    const res = await login(user.username, user.password);
    expect(res.statusCode).toBe(403);
    expect(json(res)).toEqual({ detail: 'Email not verified' });
    expect((await login(user.username, 'wrong-password')).statusCode).toBe(401);
  });

  it('refuses a deactivated user at login and on its existing tokens', async () => {
    const user = await ctx.createUser();
    await usersRepository.update(ctx.deps.database.db, user.id, { isActive: false });
    await ctx.app.services.sessions.invalidateUser(user.id);

    const res = await login(user.username, user.password);
    expect(res.statusCode).toBe(403);
    expect(json(res)).toEqual({ detail: 'Inactive user' });
    expect((await login(user.username, 'wrong-password')).statusCode).toBe(401);

    const me = await ctx.app.inject({ url: '/api/auth/me', headers: user.auth });
    expect(me.statusCode).toBe(403);
    expect(json(me)).toEqual({ detail: 'Inactive user' });
  });

  it('accepts a hash written by the Python original and upgrades it to the configured rounds', async () => {
    const username = unique('legacy');
    const row = await usersRepository.insert(ctx.deps.database.db, {
      username,
      email: `${username}@example.com`,
      fullName: null,
      passwordHash: PASSLIB_HASH,
      role: 'user',
    });
    await usersRepository.update(ctx.deps.database.db, row.id, { isVerified: true });

    expect((await login(username, 'password1234')).statusCode).toBe(401);
    expect((await usersRepository.findById(ctx.deps.database.db, row.id))?.passwordHash).toBe(PASSLIB_HASH);

    expect((await login(username, 'password123')).statusCode).toBe(200);
    const upgraded = (await usersRepository.findById(ctx.deps.database.db, row.id))?.passwordHash;
    expect(upgraded).toMatch(new RegExp(`^\\$pbkdf2-sha256\\$${ROUNDS}\\$`));
    expect((await login(`${username}@example.com`, 'password123')).statusCode).toBe(200);
    expect((await usersRepository.findById(ctx.deps.database.db, row.id))?.passwordHash).toBe(upgraded);
  });
});

describe('GET /api/auth/me', () => {
  it('returns the caller, also at /api/users/me, without secrets', async () => {
    const user = await ctx.createUser();
    for (const url of ['/api/auth/me', '/api/users/me']) {
      const res = await ctx.app.inject({ url, headers: user.auth });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(json(res)).toMatchObject({
        id: user.id,
        username: user.username,
        email: user.email,
        role: 'user',
      });
      expect(res.body).not.toMatch(/password|pbkdf2|session/i);
    }
  });

  it('answers 401 "Not authenticated" with WWW-Authenticate without a bearer token', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }]) {
      const res = await ctx.app.inject({ url: '/api/users/me', headers });
      expect(res.statusCode).toBe(401);
      expect(json(res)).toEqual({ detail: 'Not authenticated' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });
});

describe('OpenAPI', () => {
  it('documents the login body as JSON and as a form', async () => {
    const doc = json(await ctx.app.inject({ url: '/openapi.json' }));
    const content = doc.paths['/api/auth/login'].post.requestBody.content;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(doc.paths['/api/auth/me'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/auth/register'].post.responses['201']).toBeDefined();
  });
});

describe('with REQUIRE_EMAIL_VERIFICATION=false', () => {
  let lax: TestContext;
  beforeAll(async () => {
    lax = await createTestApp({ REQUIRE_EMAIL_VERIFICATION: 'false' });
  });
  afterAll(async () => {
    await lax?.close();
  });

  it('lets an unverified user log in', async () => {
    const user = await lax.createUser({ verified: false });
    const res = await lax.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: user.password },
    });
    expect(res.statusCode).toBe(200);
  });
});
