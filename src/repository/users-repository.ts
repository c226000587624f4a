import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { sessions, type UserRole, type UserRow, users } from '../database/schema/index.js';

export type NewUser = Pick<UserRow, 'username' | 'email' | 'fullName' | 'passwordHash' | 'role'>;
export type UserChanges = Partial<
  Pick<UserRow, 'passwordHash' | 'avatarUrl' | 'role' | 'isActive' | 'isVerified' | 'fullName'>
>;

/** All SQL on the users table. Each method takes the database or a transaction. */
export const usersRepository = {
  async insert(db: Executor, user: NewUser): Promise<UserRow> {
    const [row] = await db.insert(users).values(user).returning();
    return row!;
  },

  async findById(db: Executor, id: number): Promise<UserRow | undefined> {
    const [row] = await db.select().from(users).where(eq(users.id, id));
    return row;
  },

  /** Username or email, both compared case-insensitively (citext). */
  async findByLogin(db: Executor, login: string): Promise<UserRow | undefined> {
    const [row] = await db
      .select()
      .from(users)
      .where(or(eq(users.username, login), eq(users.email, login)))
      .limit(1);
    return row;
  },

  async findByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
    const [row] = await db.select().from(users).where(eq(users.email, email));
    return row;
  },

  /**
   * The user behind a live (unrevoked, unexpired) session, with the session's expiry (a cached copy
   * must not outlive the session), in one round trip.
   */
  async findLiveSession(
    db: Executor,
    sessionId: string,
    userId: number,
  ): Promise<{ user: UserRow; expiresAt: Date } | undefined> {
    const [row] = await db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.id, sessionId),
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, sql`now()`),
        ),
      );
    return row;
  },

  async update(db: Executor, id: number, changes: UserChanges): Promise<UserRow | undefined> {
    const [row] = await db
      .update(users)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(users.id, id))
      .returning();
    return row;
  },

  /**
   * Replaces the password hash only while it is still `expectedHash`, so a reset link is single use
   * and a login's re-hash never overwrites a password changed meanwhile. False when it had changed.
   */
  async replacePasswordHash(
    db: Executor,
    id: number,
    expectedHash: string,
    nextHash: string,
  ): Promise<boolean> {
    const rows = await db
      .update(users)
      .set({ passwordHash: nextHash, updatedAt: sql`now()` })
      .where(and(eq(users.id, id), eq(users.passwordHash, expectedHash)))
      .returning({ id: users.id });
    return rows.length > 0;
  },

  async delete(db: Executor, id: number): Promise<boolean> {
    const rows = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
    return rows.length > 0;
  },

  /** Makes admins of existing users whose email is listed (ADMIN_EMAILS at start-up). */
  async promoteEmails(db: Executor, emails: string[], role: UserRole = 'admin'): Promise<number> {
    if (emails.length === 0) return 0;
    const rows = await db
      .update(users)
      .set({ role, updatedAt: sql`now()` })
      // inArray, not `= any($1::citext[])`: the embedded driver does not encode a JS array parameter.
      .where(and(inArray(users.email, emails), sql`${users.role} <> ${role}`))
      .returning({ id: users.id });
    return rows.length;
  },
};
