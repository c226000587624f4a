import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { mailOutbox } from '../../src/database/schema/index.js';
import { createTestApp, json, type TestContext, unique } from '../helpers/app.js';

const TOKEN = 'metrics-scrape-token-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics, off by default', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('is a plain 404 unless METRICS_ENABLED=true', async () => {
    const res = await ctx.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(json(res)).toEqual({ detail: 'Not Found' });
  });

  it('METRICS_ENABLED must be a boolean', () => {
    expect(() => loadConfig({ METRICS_ENABLED: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_ENABLED: 'maybe' })).toThrow(/METRICS_ENABLED/);
  });
});

describe('GET /metrics, enabled', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({
      METRICS_ENABLED: 'true',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_FORGOT: '1/minute',
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const scrape = async () => {
    const res = await ctx.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return res;
  };

  it('serves the Prometheus text format with the service and process metrics', async () => {
    const res = await scrape();
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds',
      'rate_limit_rejections_total',
      'mail_outbox_pending',
      'db_pool_connections',
      'db_pool_waiting_requests',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(res.body, name).toContain(`# TYPE ${name} `);
    }
    // Live values (a pool may be opening a connection for this very scrape): present and sane.
    expect(sample(res.body, 'db_pool_waiting_requests')).toBeGreaterThanOrEqual(0);
    expect(sample(res.body, 'db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
    expect(sample(res.body, 'db_pool_connections{state="in_use"}')).toBeGreaterThanOrEqual(0);
  });

  it('counts requests by route pattern, method and status, and times them', async () => {
    const user = await ctx.createUser();
    await ctx.app.inject({ url: '/health' });
    await ctx.app.inject({ url: '/health' });
    await ctx.app.inject({ url: '/api/contacts/999999', headers: user.auth });
    await ctx.app.inject({ url: '/api/contacts/424242', headers: user.auth });
    await ctx.app.inject({ url: '/no/such/page' });
    const { body } = await scrape();

    expect(sample(body, 'http_requests_total{method="GET",route="/health",status_code="200"}')).toBe(2);
    const contact = body
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_requests_total{') && l.includes('status_code="404"') && l.includes('contacts'),
      );
    // The pattern, never the raw URL: both ids count in one series.
    expect(contact).toMatch(/route="\/api\/contacts\/:[a-z_]+"/);
    expect(contact?.endsWith(' 2')).toBe(true);
    expect(body).not.toMatch(/route="[^"]*999999/);
    expect(sample(body, 'http_requests_total{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    expect(
      sample(body, 'http_request_duration_seconds_count{method="GET",route="/health",status_code="200"}'),
    ).toBe(2);
    expect(
      sample(
        body,
        'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/health",status_code="200"}',
      ),
    ).toBe(2);
  });

  it('counts rate-limit rejections by limit name', async () => {
    const forgot = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/auth/forgot-password',
        payload: { email: 'x@example.com' },
      });
    expect((await forgot()).statusCode).toBe(200);
    expect((await forgot()).statusCode).toBe(429);
    expect((await forgot()).statusCode).toBe(429);
    const { body } = await scrape();
    expect(sample(body, 'rate_limit_rejections_total{limit="forgot"}')).toBe(2);
  });

  it('reports the outbox depth at scrape time', async () => {
    const before = sample((await scrape()).body, 'mail_outbox_pending') ?? Number.NaN;
    // Due in an hour, so the worker leaves it queued while we look.
    await ctx.deps.database.db.insert(mailOutbox).values({
      recipient: `${unique('depth')}@example.com`,
      subject: 'Later',
      textBody: 'text',
      htmlBody: '<p>html</p>',
      nextAttemptAt: new Date(Date.now() + 3600_000),
    });
    expect(sample((await scrape()).body, 'mail_outbox_pending')).toBe(before + 1);
  });

  it('is not rate limited and not in the OpenAPI document', async () => {
    for (let i = 0; i < 5; i++) await scrape();
    const openapi = json(await ctx.app.inject({ url: '/openapi.json' }));
    expect(Object.keys(openapi.paths)).not.toContain('/metrics');
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ METRICS_ENABLED: 'true', METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('answers 401 without the bearer token, or with a wrong one', async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, 'Bearer nope', `Basic ${TOKEN}`, TOKEN]) {
      const res = await ctx.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(json(res)).toEqual({ detail: 'Not authenticated' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('answers 200 with it, counting in this app’s own registry', async () => {
    const res = await ctx.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    // The refused scrapes above were counted here, not in the other test app's registry.
    expect(sample(res.body, 'http_requests_total{method="GET",route="/metrics",status_code="401"}')).toBe(5);
    expect(res.body).not.toContain('route="/health"');
  });
});
