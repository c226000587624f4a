import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { createLogger, redactUrl } from '../../src/infra/logger.js';
import { createTestApp, type TestContext } from '../helpers/app.js';

/** A real pino stream into memory: every line the app logs, parsed. */
function captureLines() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, stream };
}

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJlLXNlY3JldA';

describe('secrets never reach the log', () => {
  let ctx: TestContext;
  let app: App;
  const captured = captureLines();

  beforeAll(async () => {
    ctx = await createTestApp();
    // The same dependencies, served by an app that logs through the production logger.
    app = await buildApp(ctx.deps, {
      loggerInstance: createLogger({ logLevel: 'info' }, captured.stream),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('redacts query tokens, the confirmed_email path token, Authorization and cookies', async () => {
    const requests = [
      { url: `/api/auth/verify-email?token=${SECRET}` },
      { url: `/api/auth/confirmed_email/${SECRET}` },
      { url: `/reset-password?lang=en&token=${SECRET}` },
      { url: `/api/contacts?access_token=${SECRET}&limit=5` },
      { url: '/api/auth/me', headers: { authorization: `Bearer ${SECRET}`, cookie: `session=${SECRET}` } },
      {
        url: '/api/auth/reset-password',
        method: 'POST' as const,
        payload: { token: SECRET, new_password: `${SECRET}-pw` },
      },
    ];
    for (const request of requests) await app.inject(request);

    const log = captured.lines.join('\n');
    expect(captured.lines.length).toBeGreaterThanOrEqual(requests.length * 2);
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('c2VjcmV0LXBheWxvYWQ');
    // What is left still tells what was asked.
    const urls = captured.lines.map((line) => JSON.parse(line).req?.url).filter(Boolean);
    expect(urls).toContain('/api/auth/verify-email?token=[REDACTED]');
    expect(urls).toContain('/api/auth/confirmed_email/[REDACTED]');
    expect(urls).toContain('/reset-password?lang=en&token=[REDACTED]');
    expect(urls).toContain('/api/contacts?access_token=[REDACTED]&limit=5');
  });

  it('redactUrl keeps everything that is not a secret as it was sent', () => {
    expect(redactUrl('/api/contacts?q=maria&skip=0')).toBe('/api/contacts?q=maria&skip=0');
    expect(redactUrl('/api/contacts/search/ma%20ri')).toBe('/api/contacts/search/ma%20ri');
    expect(redactUrl('/x?PassWord=a&reset%5Ftoken=b&api_key=c&flag')).toBe(
      '/x?PassWord=[REDACTED]&reset%5Ftoken=[REDACTED]&api_key=[REDACTED]&flag',
    );
    expect(redactUrl('/x?%zz=1&token=%')).toBe('/x?%zz=1&token=[REDACTED]');
    expect(redactUrl('/API/AUTH/CONFIRMED_EMAIL/abc?x=1')).toBe('/API/AUTH/CONFIRMED_EMAIL/[REDACTED]?x=1');
  });
});
