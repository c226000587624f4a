import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, TEST_REDIS_URL, type TestContext } from '../helpers/app.js';

describe('system routes', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ CORS_ORIGINS: 'http://allowed.example, http://also.example' });
  });
  afterAll(() => ctx?.close());

  it('GET / welcomes', async () => {
    const response = await ctx.app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json(response)).toEqual({ message: 'Welcome to Contacts API' });
  });

  it('GET /health checks the database and Redis', async () => {
    const response = await ctx.app.inject({ url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({
      status: 'healthy',
      database: 'connected',
      redis: TEST_REDIS_URL ? 'connected' : 'disabled',
    });
  });

  it('GET /cors-test reports the CORS settings', async () => {
    const response = await ctx.app.inject({ url: '/cors-test' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({
      message: 'CORS is working!',
      allowed_origins: ['http://allowed.example', 'http://also.example'],
      credentials_allowed: true,
      allowed_methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    });
  });

  it('answers a preflight from an allowed origin with credentials, and ignores other origins', async () => {
    const allowed = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/contacts',
      headers: {
        origin: 'http://allowed.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://allowed.example');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');

    const other = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/contacts',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await ctx.app.inject({ url: '/', headers: { origin: 'http://evil.example' } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves interactive docs and an OpenAPI 3 document with the bearer scheme', async () => {
    const docs = await ctx.app.inject({ url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');

    const response = await ctx.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const spec = json(response);
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const paths = Object.keys(spec.paths);
    for (const path of [
      '/',
      '/health',
      '/cors-test',
      '/api/auth/register',
      '/api/auth/login',
      '/api/auth/me',
      '/api/users/me',
      '/api/contacts/',
      '/api/contacts/{id}',
      '/api/contacts/birthdays/upcoming',
      '/api/admin/users',
      '/api/admin/stats',
    ]) {
      expect(paths.some((candidate) => candidate === path || candidate === path.replace(/\/$/, ''))).toBe(
        true,
      );
    }
    // Every route documents its responses, and authenticated ones carry the bearer requirement.
    type Operation = { responses?: Record<string, unknown>; security?: unknown };
    for (const [path, operations] of Object.entries<Record<string, Operation>>(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.responses, `${method} ${path}`).toBeDefined();
        // Every limited route documents its 429, with retry_after; /health is never limited.
        const limited = operation.responses?.['429'] as {
          content?: Record<string, { schema?: { properties?: object } }>;
        };
        if (path === '/health') expect(limited, path).toBeUndefined();
        else
          expect(
            limited?.content?.['application/json']?.schema?.properties,
            `${method} ${path}`,
          ).toHaveProperty('retry_after');
        if (path.startsWith('/api/contacts') || path.startsWith('/api/admin') || path === '/api/auth/me') {
          expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        }
      }
    }
  });

  it('echoes X-Request-Id or makes one', async () => {
    const given = await ctx.app.inject({ url: '/', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await ctx.app.inject({ url: '/' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('error answers', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx?.close());

  it('404 for unknown routes, 405 for a wrong method', async () => {
    const missing = await ctx.app.inject({ url: '/no/such/route' });
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toEqual({ detail: 'Not Found' });

    const wrongMethod = await ctx.app.inject({ method: 'DELETE', url: '/api/auth/login' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(json(wrongMethod)).toEqual({ detail: 'Method Not Allowed' });
    expect(wrongMethod.headers.allow).toContain('POST');

    const wrongOnParam = await ctx.app.inject({ method: 'POST', url: '/api/contacts/5' });
    expect(wrongOnParam.statusCode).toBe(405);
  });

  it('400 for malformed JSON, 413 for an oversized body, 415 for an unknown media type', async () => {
    const malformed = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "abc", ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(json(malformed)).toEqual({ detail: 'Malformed JSON body' });

    const huge = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x'.repeat(200_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(json(huge)).toEqual({ detail: 'Request body too large' });

    const xml = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
  });

  it('422 in FastAPI shape for invalid input', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'ab', email: 'not-an-email' },
    });
    expect(response.statusCode).toBe(422);
    const body = json(response);
    expect(Array.isArray(body.detail)).toBe(true);
    const locations = body.detail.map((item: { loc: string[] }) => item.loc.join('.'));
    expect(locations).toEqual(expect.arrayContaining(['body.username', 'body.email', 'body.password']));
    for (const item of body.detail) {
      expect(item).toEqual({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
    }
  });

  it('401 answers carry WWW-Authenticate', async () => {
    const missing = await ctx.app.inject({ url: '/api/contacts' });
    expect(missing.statusCode).toBe(401);
    expect(json(missing)).toEqual({ detail: 'Not authenticated' });
    expect(missing.headers['www-authenticate']).toBe('Bearer');

    const garbage = await ctx.app.inject({
      url: '/api/contacts',
      headers: { authorization: 'Bearer nonsense' },
    });
    expect(garbage.statusCode).toBe(401);
    expect(json(garbage)).toEqual({ detail: 'Could not validate credentials' });
    expect(garbage.headers['www-authenticate']).toBe('Bearer');

    const basic = await ctx.app.inject({
      url: '/api/contacts',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(json(basic)).toEqual({ detail: 'Not authenticated' });
  });

  it('503 from /health and data routes once the database is gone, with no internals in the body', async () => {
    const user = await ctx.createUser();
    await ctx.deps.database.close();
    const health = await ctx.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(json(health)).toMatchObject({ status: 'unhealthy', database: 'disconnected' });

    const contacts = await ctx.app.inject({ url: '/api/contacts', headers: user.auth });
    expect([500, 503]).toContain(contacts.statusCode);
    expect(contacts.body).not.toMatch(/select|stack|node_modules|\/work\//i);
  });
});

describe('Redis unreachable', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, so every Redis command fails at once.
    ctx = await createTestApp({
      REDIS_URL: 'redis://127.0.0.1:9',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_DEFAULT: '3/minute',
    });
  });
  afterAll(() => ctx?.close());

  it('reports degraded health and keeps serving, with limits enforced in memory', async () => {
    const health = await ctx.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(json(health)).toEqual({ status: 'degraded', database: 'connected', redis: 'disconnected' });

    const user = await ctx.createUser();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await ctx.app.inject({ url: '/api/contacts', headers: user.auth })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('default rate limit', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_DEFAULT: '2/minute' });
  });
  afterAll(() => ctx?.close());

  it('limits other routes per IP with 429, Retry-After and retry_after, but never /health', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await ctx.app.inject({ url: '/' }));
    expect(statuses.map((response) => response.statusCode)).toEqual([200, 200, 429]);
    const limited = statuses[2]!;
    const body = json(limited);
    expect(body.detail).toBe('Rate limit exceeded');
    expect(body.retry_after).toBeGreaterThanOrEqual(1);
    expect(body.retry_after).toBeLessThanOrEqual(60);
    expect(limited.headers['retry-after']).toBe(String(body.retry_after));

    // Another client IP has its own budget.
    const other = await ctx.app.inject({ url: '/', remoteAddress: '10.9.8.7' });
    expect(other.statusCode).toBe(200);

    for (let i = 0; i < 5; i++) expect((await ctx.app.inject({ url: '/health' })).statusCode).toBe(200);
  });
});

describe('odd URLs', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx?.close());

  it('answers broken percent-encoding with a 4xx in the API shape', async () => {
    const user = await ctx.createUser();
    for (const url of ['/api/contacts/search/%E0%A4%A', '/api/contacts/%E0%A4%A', '/%']) {
      const response = await ctx.app.inject({ url, headers: user.auth });
      expect(response.statusCode, url).toBe(400);
      expect(json(response), url).toEqual({ detail: 'Malformed URL' });
    }
    // The query string parser is lenient: a broken escape is kept as typed, never a 500.
    const lenient = await ctx.app.inject({ url: '/api/contacts?q=%E0%A4%A', headers: user.auth });
    expect(lenient.statusCode).toBe(200);
  });
});
