import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.js';
let ctx: TestContext;
beforeAll(async () => { ctx = await createTestApp(); });
afterAll(async () => { await ctx?.close(); });
test('smoke', async () => {
  for (const url of ['/', '/health', '/cors-test', '/nope', '/openapi.json']) {
    const r = await ctx.app.inject({ url });
    console.log(url, r.statusCode, r.body.slice(0, 200), r.headers['x-request-id']);
  }
  const r = await ctx.app.inject({ method: 'DELETE', url: '/health' });
  console.log('405?', r.statusCode, r.body, r.headers.allow);
  const u = await ctx.createUser();
  console.log(u.id, await ctx.app.services.sessions.authenticate(u.accessToken));
  const d = await ctx.app.inject({ url: '/docs' });
  console.log('docs', d.statusCode, d.headers['content-type']);
  expect(1).toBe(1);
});
