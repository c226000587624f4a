import { and, eq, gt, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { sessions } from '../database/schema/index.js';

/** All SQL on the sessions table (one row per login; see the schema for the rotation rule). */
export const sessionsRepository = {
  async insert(db: Executor, session: { id: string; userId: number; refreshJti: string; expiresAt: Date }) {
    await db.insert(sessions).values(session);
  },

  /**
   * Swaps the session's refresh token from `presentedJti` to `nextJti` in one statement, so two
   * concurrent uses of the same token cannot both win. The new expiry never passes the session's
   * absolute end (`maxDays` after sign-in), and a session past that end is not rotated at all.
   * Returns false when nothing was swapped.
   */
  async rotate(
    db: Executor,
    args: {
      sessionId: string;
      userId: number;
      presentedJti: string;
      nextJti: string;
      expiresAt: Date;
      maxDays: number;
    },
  ): Promise<boolean> {
    const absoluteEnd = sql`${sessions.createdAt} + make_interval(days => ${args.maxDays}::int)`;
    const rows = await db
      .update(sessions)
      .set({
        refreshJti: args.nextJti,
        expiresAt: sql`least(${args.expiresAt.toISOString()}::timestamptz, ${absoluteEnd})`,
      })
      .where(
        and(
          eq(sessions.id, args.sessionId),
          eq(sessions.userId, args.userId),
          eq(sessions.refreshJti, args.presentedJti),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, sql`now()`),
          sql`${absoluteEnd} > now()`,
        ),
      )
      .returning({ id: sessions.id });
    return rows.length > 0;
  },

  async revoke(db: Executor, sessionId: string): Promise<void> {
    await db
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
  },

  /** Revokes every live session of a user (but `exceptSessionId`); returns the ids revoked. */
  async revokeAllForUser(db: Executor, userId: number, exceptSessionId?: string): Promise<string[]> {
    const rows = await db
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined,
        ),
      )
      .returning({ id: sessions.id });
    return rows.map((row) => row.id);
  },

  async liveIdsForUser(db: Executor, userId: number): Promise<string[]> {
    const rows = await db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    return rows.map((row) => row.id);
  },

  /**
   * Deletes the sessions nobody needs any more: expired ones (rotation keeps `expires_at` within the
   * absolute lifetime, so that covers both) and those revoked more than a day ago. A dead session's
   * row is not needed to refuse its tokens — a missing row is refused like a revoked one — so the day
   * only keeps recent logouts and theft detections visible for support. Returns how many went.
   */
  async purgeEnded(db: Executor): Promise<number> {
    const rows = await db
      .delete(sessions)
      .where(or(lte(sessions.expiresAt, sql`now()`), lt(sessions.revokedAt, sql`now() - interval '1 day'`)))
      .returning({ id: sessions.id });
    return rows.length;
  },
};
