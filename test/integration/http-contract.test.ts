import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox, users } from '../../src/database/schema/index.js';
import { createTestApp, json, type TestContext, type TestUser } from '../helpers/app.js';
import { multipartBody } from '../helpers/multipart.js';

let ctx: TestContext;
let user: TestUser;

beforeAll(async () => {
  ctx = await createTestApp();
  user = await ctx.createUser();
});
afterAll(() => ctx?.close());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('JSON routes take JSON only (415 otherwise)', () => {
  it('register, forgot-password and POST /api/contacts refuse a form, and nothing is created or mailed', async () => {
    const db = ctx.deps.database.db;
    const outboxBefore = (await db.select().from(mailOutbox)).length;
    const usersBefore = (await db.select().from(users)).length;
    const register = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: FORM,
      payload: 'username=formuser&email=formuser%40example.com&password=Long-enough-1',
    });
    expect(register.statusCode).toBe(415);
    expect(json(register)).toEqual({ detail: 'Unsupported media type' });

    const forgot = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/forgot-password',
      headers: FORM,
      payload: `email=${encodeURIComponent(user.email)}`,
    });
    expect(forgot.statusCode).toBe(415);

    const contact = await ctx.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: { ...user.auth, ...FORM },
      payload: 'first_name=Mallory',
    });
    expect(contact.statusCode).toBe(415);

    const list = await ctx.app.inject({ url: '/api/contacts', headers: user.auth });
    expect(json(list)).toEqual([]);
    expect((await db.select().from(users)).length).toBe(usersBefore);
    expect((await db.select().from(mailOutbox)).length).toBe(outboxBefore);
  });

  it('plain text and multipart bodies are 415 on JSON routes too', async () => {
    const text = await ctx.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: { ...user.auth, 'content-type': 'text/plain' },
      payload: '{"first_name":"Text"}',
    });
    expect(text.statusCode).toBe(415);
    const form = new FormData();
    form.append('first_name', 'Multi');
    const { payload, headers } = await multipartBody(form);
    const multipart = await ctx.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: { ...user.auth, ...headers },
      payload,
    });
    expect(multipart.statusCode).toBe(415);
    expect(json(multipart)).toEqual({ detail: 'Unsupported media type' });
  });

  it('the login form (OAuth2 password flow) still works', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: FORM,
      payload: `username=${user.username}&password=${encodeURIComponent(user.password)}`,
    });
    expect(response.statusCode).toBe(200);
    expect(json(response).token_type).toBe('bearer');
  });
});

describe('error bodies follow the contract', () => {
  it('OPTIONS without Origin is a JSON 400', async () => {
    const response = await ctx.app.inject({ method: 'OPTIONS', url: '/api/contacts' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(json(response).detail).toMatch(/Origin/);
  });

  it('a missing /docs/static file is 404 Not Found, not 405', async () => {
    const response = await ctx.app.inject({ url: '/docs/static/no-such-file.js' });
    expect(response.statusCode).toBe(404);
    expect(json(response)).toEqual({ detail: 'Not Found' });
    // A wrong method on a known path is still 405.
    expect((await ctx.app.inject({ method: 'DELETE', url: '/health' })).statusCode).toBe(405);
  });

  it('a path parameter over 2 048 characters is 404 Not Found', async () => {
    const response = await ctx.app.inject({ url: `/api/auth/confirmed_email/${'a'.repeat(3000)}` });
    expect(response.statusCode).toBe(404);
    expect(json(response)).toEqual({ detail: 'Not Found' });
    const contact = await ctx.app.inject({ url: `/api/contacts/${'9'.repeat(2100)}`, headers: user.auth });
    expect(json(contact)).toEqual({ detail: 'Not Found' });
  });

  it('a __proto__ key is an unknown field: ignored, never "malformed"', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: { ...user.auth, 'content-type': 'application/json' },
      payload: '{"first_name":"Proto","__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
    });
    expect(response.statusCode).toBe(201);
    expect(json(response).first_name).toBe('Proto');
    expect(Object.keys(json(response))).not.toContain('admin');
    const logout = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...(await ctx.createUser()).auth, 'content-type': 'application/json' },
      payload: '{"__proto__":{"refresh_token":"x"}}',
    });
    expect(logout.statusCode).toBe(204);
  });
});

describe('X-Request-Id', () => {
  it('uses a short, safe id from the client, and makes one otherwise', async () => {
    const safe = await ctx.app.inject({ url: '/', headers: { 'x-request-id': 'Trace_1.2-3' } });
    expect(safe.headers['x-request-id']).toBe('Trace_1.2-3');
    for (const bad of ['a'.repeat(65), 'has space', 'semi;colon', 'new\u2028line', '']) {
      const response = await ctx.app.inject({ url: '/', headers: { 'x-request-id': bad } });
      expect(response.headers['x-request-id'], bad).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(
      (await ctx.app.inject({ url: '/', headers: { 'x-request-id': 'b'.repeat(64) } })).headers[
        'x-request-id'
      ],
    ).toBe('b'.repeat(64));
  });
});

describe('small things a new user trips on', () => {
  it('/favicon.ico is an empty 204, not a 404', async () => {
    const response = await ctx.app.inject({ url: '/favicon.ico' });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
  });

  it('a trailing slash reaches the same route, on every route', async () => {
    const list = await ctx.app.inject({ url: '/api/contacts/', headers: user.auth });
    expect(list.statusCode).toBe(200);
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/contacts/',
      headers: user.auth,
      payload: { first_name: 'Slash' },
    });
    expect(created.statusCode).toBe(201);
    const id = json(created).id;
    expect((await ctx.app.inject({ url: `/api/contacts/${id}/`, headers: user.auth })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/api/auth/me/', headers: user.auth })).statusCode).toBe(200);
    expect((await ctx.app.inject({ url: '/health/' })).statusCode).toBe(200);
    expect(
      (await ctx.app.inject({ url: '/api/contacts/search/?q=Sla', headers: user.auth })).statusCode,
    ).toBe(200);
  });

  it('skip and limit (and every query parameter with a default) are optional in the OpenAPI document', async () => {
    const document = json(await ctx.app.inject({ url: '/openapi.json' }));
    let checked = 0;
    for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const parameter of (operation as { parameters?: Record<string, unknown>[] }).parameters ?? []) {
          const schema = parameter.schema as { default?: unknown };
          if (parameter.in !== 'query' || schema.default === undefined) continue;
          expect(parameter.required ?? false, `${method} ${path} ${parameter.name}`).toBe(false);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    const list = document.paths['/api/contacts'].get.parameters as { name: string; required?: boolean }[];
    expect(list.find((parameter) => parameter.name === 'skip')?.required ?? false).toBe(false);
    expect(list.find((parameter) => parameter.name === 'limit')?.required ?? false).toBe(false);
  });

  it('the verification page links to where one logs in', async () => {
    const { token } = await ctx.deps.tokens.sign('verify', user.id, 600, { email: user.email });
    const page = await ctx.app.inject({
      url: `/api/auth/verify-email?token=${token}`,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You can now <a href="/docs">log in</a>.');
  });

  it('no Content-Security-Policy asks the browser to upgrade to https, and the rest stays strict', async () => {
    for (const url of ['/', '/docs/', '/reset-password', '/docs/static/index.html']) {
      const response = await ctx.app.inject({ url });
      const csp = String(response.headers['content-security-policy'] ?? '');
      expect(csp, url).not.toMatch(/upgrade-insecure-requests/);
      expect(csp, url).toMatch(/default-src 'self'/);
      expect(csp, url).toMatch(/object-src 'none'/);
    }
  });
});

describe('rate limits', () => {
  let limited: TestContext;
  beforeAll(async () => {
    limited = await createTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_DEFAULT: '3/minute' });
  });
  afterAll(() => limited?.close());

  const get = (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    limited.app.inject({ url, remoteAddress, headers });

  it('an IPv6 client is limited by its /64, an IPv4-mapped one by its IPv4 address', async () => {
    const statuses = [];
    for (const host of [':1', ':2', 'a:b:c:d', 'ffff:ffff:ffff:ffff']) {
      statuses.push((await get('/', `2001:db8:aa:1:${host}`)).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await get('/', '2001:db8:aa:2::1')).statusCode).toBe(200);

    for (let i = 0; i < 3; i++) expect((await get('/', '192.0.2.77')).statusCode).toBe(200);
    expect((await get('/', '::ffff:192.0.2.77')).statusCode).toBe(429);
  });

  it('failed authentications count towards the limit of the address', async () => {
    const statuses = [];
    for (const authorization of ['Bearer nope', 'Bearer still.not.valid', '', 'Bearer x']) {
      statuses.push(
        (await get('/api/contacts', '198.51.100.9', authorization ? { authorization } : {})).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
