import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../src/database/schema/index.js';
import { sessionsRepository } from '../../src/repository/sessions-repository.js';
import { createTestApp, json, type TestContext } from '../helpers/app.js';
import { sessionOf } from '../helpers/instances.js';

const DAY_MS = 86_400_000;
let ctx: TestContext;

beforeAll(async () => {
  // Refresh tokens live 7 days (the default); a login at most 2.
  ctx = await createTestApp({ SESSION_MAX_DAYS: '2' });
});
afterAll(async () => {
  await ctx?.close();
});

const refresh = (refreshToken: string) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: refreshToken } });

async function session(id: string) {
  const [row] = await ctx.deps.database.db.select().from(sessions).where(eq(sessions.id, id));
  return row!;
}

/** Moves a session's sign-in into the past, as if it had been kept alive by refreshes since. */
async function signedInAgo(id: string, hours: number) {
  await ctx.deps.database.db
    .update(sessions)
    .set({ createdAt: sql`now() - make_interval(hours => ${hours}::int)` })
    .where(eq(sessions.id, id));
}

describe('absolute session lifetime (SESSION_MAX_DAYS)', () => {
  it('a new session ends at the absolute lifetime when that comes before the refresh token expiry', async () => {
    const user = await ctx.createUser();
    const row = await session(sessionOf(user.accessToken));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(2 * DAY_MS + 5000);
  });

  it('a refresh near the end never extends the session past it', async () => {
    const user = await ctx.createUser();
    const id = sessionOf(user.accessToken);
    await signedInAgo(id, 47);
    const res = await refresh(user.refreshToken);
    expect(res.statusCode).toBe(200);
    const row = await session(id);
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(row.createdAt.getTime() + 2 * DAY_MS + 1000);
    expect(row.expiresAt.getTime()).toBeLessThan(Date.now() + 2 * 3_600_000);
  });

  it('a refresh after it is 401 and ends the session', async () => {
    const user = await ctx.createUser();
    const id = sessionOf(user.accessToken);
    await signedInAgo(id, 49);
    const res = await refresh(user.refreshToken);
    expect(res.statusCode).toBe(401);
    expect(json(res)).toEqual({ detail: 'Could not validate credentials' });
    expect((await session(id)).revokedAt).not.toBeNull();
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode).toBe(401);
  });
});

describe('sessionsRepository.purgeEnded', () => {
  it('deletes expired sessions and those revoked more than a day ago, and nothing else', async () => {
    const user = await ctx.createUser();
    const db = ctx.deps.database.db;
    const make = async (expiresInHours: number, revokedHoursAgo?: number) => {
      const id = randomUUID();
      await sessionsRepository.insert(db, {
        id,
        userId: user.id,
        refreshJti: randomUUID(),
        expiresAt: new Date(Date.now() + expiresInHours * 3_600_000),
      });
      if (revokedHoursAgo !== undefined) {
        await db
          .update(sessions)
          .set({ revokedAt: sql`now() - make_interval(hours => ${revokedHoursAgo}::int)` })
          .where(eq(sessions.id, id));
      }
      return id;
    };
    const live = await make(24);
    const expired = await make(-1);
    const revokedLongAgo = await make(24, 25);
    const revokedRecently = await make(24, 1);
    const own = sessionOf(user.accessToken);

    const purged = await sessionsRepository.purgeEnded(db);
    expect(purged).toBeGreaterThanOrEqual(2);
    const left = new Set(
      (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id))).map(
        (row) => row.id,
      ),
    );
    expect(left).toEqual(new Set([live, revokedRecently, own]));
    expect(left.has(expired) || left.has(revokedLongAgo)).toBe(false);
    // The user's own login is untouched and still works.
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode).toBe(200);
  });

  it('a refresh token of a purged session is refused like a revoked one', async () => {
    const user = await ctx.createUser();
    const id = sessionOf(user.accessToken);
    await ctx.app.services.sessions.revoke(id);
    await ctx.deps.database.db
      .update(sessions)
      .set({ revokedAt: sql`now() - interval '2 days'` })
      .where(eq(sessions.id, id));
    await sessionsRepository.purgeEnded(ctx.deps.database.db);
    expect((await ctx.deps.database.db.select().from(sessions).where(eq(sessions.id, id))).length).toBe(0);
    expect((await refresh(user.refreshToken)).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode).toBe(401);
  });
});
