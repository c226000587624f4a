import {
  and,
  asc,
  count,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  notInArray,
  or,
  sql,
} from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { type MailOutboxRow, mailOutbox } from '../database/schema/index.js';

/** A message as it is queued: the columns the caller decides; the rest have defaults. */
export interface OutboxMessage {
  recipient: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  /** When the link in the mail stops working: the mail is never sent after it. */
  expiresAt?: Date | undefined;
}

/** A row still to deliver: not sent, not given up. */
const open = and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt));

/** `ms` milliseconds from the database's clock (one clock for every instance, not each host's). */
// Double precision, not integer: 30 days in milliseconds overflows a 32-bit integer.
const fromNow = (ms: number) => sql`now() + ${Math.round(ms)}::double precision * interval '1 millisecond'`;

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
   *
   * Fewest attempts first: new mail goes out before old mail that keeps failing, however much of
   * it there is. `includeWaiting` also takes rows whose retry time has not come (drain-outbox);
   * `exclude` leaves out rows the caller has already tried.
   */
  async claimDue(
    db: Executor,
    options: { limit: number; leaseMs: number; includeWaiting?: boolean; exclude?: number[] },
  ) {
    const { limit, leaseMs, includeWaiting = false, exclude = [] } = options;
    const due = db
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(
        and(
          open,
          includeWaiting ? undefined : lte(mailOutbox.nextAttemptAt, sql`now()`),
          or(isNull(mailOutbox.lockedUntil), lt(mailOutbox.lockedUntil, sql`now()`)),
          or(isNull(mailOutbox.expiresAt), gt(mailOutbox.expiresAt, sql`now()`)),
          exclude.length > 0 ? notInArray(mailOutbox.id, exclude) : undefined,
        ),
      )
      .orderBy(asc(mailOutbox.attempts), asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
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

  /**
   * Gives a mail up (the dead letters): too many attempts or a permanent refusal. Its bodies (live
   * links) are blanked; the envelope and the last error stay for support until `purgeFailed`.
   */
  async markDead(db: Executor, id: number, error: string): Promise<void> {
    await db
      .update(mailOutbox)
      .set({
        failedAt: sql`now()`,
        lockedUntil: null,
        lastError: error.slice(0, 1000),
        textBody: '',
        htmlBody: '',
      })
      .where(and(eq(mailOutbox.id, id), open));
  },

  /** Gives up unsent mail whose link has expired (sending it would only deliver a dead link); returns how many. */
  async expireOverdue(db: Executor): Promise<number> {
    const rows = await db
      .update(mailOutbox)
      .set({
        failedAt: sql`now()`,
        lastError: 'expired: the link in this mail stopped working before it could be delivered',
        textBody: '',
        htmlBody: '',
      })
      .where(
        and(
          open,
          lte(mailOutbox.expiresAt, sql`now()`),
          or(isNull(mailOutbox.lockedUntil), lt(mailOutbox.lockedUntil, sql`now()`)),
        ),
      )
      .returning({ id: mailOutbox.id });
    return rows.length;
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

  /** Rows not sent yet and not given up, due or waiting for a retry: the outbox depth. */
  async countPending(db: Executor): Promise<number> {
    const [row] = await db.select({ n: count() }).from(mailOutbox).where(open);
    return row?.n ?? 0;
  },

  /** Mail given up (dead letters) and not purged yet. */
  async countFailed(db: Executor): Promise<number> {
    const [row] = await db.select({ n: count() }).from(mailOutbox).where(isNotNull(mailOutbox.failedAt));
    return row?.n ?? 0;
  },

  /** Deletes mail given up more than `olderThanMs` ago; returns how many. */
  async purgeFailed(db: Executor, olderThanMs: number): Promise<number> {
    const rows = await db
      .delete(mailOutbox)
      .where(and(isNotNull(mailOutbox.failedAt), lt(mailOutbox.failedAt, fromNow(-olderThanMs))))
      .returning({ id: mailOutbox.id });
    return rows.length;
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
