import { and, asc, count, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { type MailOutboxRow, mailOutbox } from '../database/schema/index.js';

/** A message as it is queued: the columns the caller decides; the rest have defaults. */
export interface OutboxMessage {
  recipient: string;
  subject: string;
  textBody: string;
  htmlBody: string;
}

/** `ms` milliseconds from the database's clock (one clock for every instance, not each host's). */
const fromNow = (ms: number) => sql`now() + ${Math.round(ms)}::integer * interval '1 millisecond'`;

/** All SQL on the mail outbox (see the schema for the claiming rule). */
export const outboxRepository = {
  /** Queues one message; pass the transaction of the write that causes it. */
  async insert(db: Executor, message: OutboxMessage): Promise<number> {
    const [row] = await db.insert(mailOutbox).values(message).returning({ id: mailOutbox.id });
    return row!.id;
  },

  /**
   * Claims up to `limit` due, unsent, unleased rows for `leaseMs` and counts the attempt, in one
   * statement. `SKIP LOCKED` makes concurrent claimers (other instances) pass over each other's
   * rows instead of waiting or taking them too; the lease keeps the rows away from every claimer
   * while they are being sent, after the claiming transaction has committed.
   */
  async claimDue(db: Executor, { limit, leaseMs }: { limit: number; leaseMs: number }) {
    const due = db
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(
        and(
          isNull(mailOutbox.sentAt),
          lte(mailOutbox.nextAttemptAt, sql`now()`),
          or(isNull(mailOutbox.lockedUntil), lt(mailOutbox.lockedUntil, sql`now()`)),
        ),
      )
      .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    return db
      .update(mailOutbox)
      .set({ lockedUntil: fromNow(leaseMs), attempts: sql`${mailOutbox.attempts} + 1` })
      .where(inArray(mailOutbox.id, due))
      .returning();
  },

  /**
   * Records a delivery. The bodies carry live verification and reset links, so they are not kept
   * once the mail is out; the envelope stays (for support questions) until `purgeSent`.
   */
  async markSent(db: Executor, id: number): Promise<void> {
    await db
      .update(mailOutbox)
      .set({ sentAt: sql`now()`, lockedUntil: null, textBody: '', htmlBody: '', lastError: null })
      .where(and(eq(mailOutbox.id, id), isNull(mailOutbox.sentAt)));
  },

  /** Records a failed attempt and when to try again. */
  async markFailed(db: Executor, id: number, error: string, retryInMs: number): Promise<void> {
    await db
      .update(mailOutbox)
      .set({ lockedUntil: null, lastError: error.slice(0, 1000), nextAttemptAt: fromNow(retryInMs) })
      .where(and(eq(mailOutbox.id, id), isNull(mailOutbox.sentAt)));
  },

  /** Gives claimed rows back untried (a worker stopping mid-batch), without counting an attempt. */
  async release(db: Executor, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await db
      .update(mailOutbox)
      .set({ lockedUntil: null, attempts: sql`greatest(${mailOutbox.attempts} - 1, 0)` })
      .where(and(inArray(mailOutbox.id, ids), isNull(mailOutbox.sentAt)));
  },

  /** Rows not sent yet, due or waiting for a retry: the outbox depth. */
  async countPending(db: Executor): Promise<number> {
    const [row] = await db.select({ n: count() }).from(mailOutbox).where(isNull(mailOutbox.sentAt));
    return row?.n ?? 0;
  },

  /** Deletes the envelopes of mail sent more than `olderThanMs` ago; returns how many. */
  async purgeSent(db: Executor, olderThanMs: number): Promise<number> {
    const rows = await db
      .delete(mailOutbox)
      .where(and(isNotNull(mailOutbox.sentAt), lt(mailOutbox.sentAt, fromNow(-olderThanMs))))
      .returning({ id: mailOutbox.id });
    return rows.length;
  },

  /** Every row, oldest first (tests and the CLI's report). */
  async list(db: Executor): Promise<MailOutboxRow[]> {
    return db.select().from(mailOutbox).orderBy(asc(mailOutbox.id));
  },
};
