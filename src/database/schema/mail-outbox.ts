import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Mail waiting to go out (the transactional outbox). A row is written in the same transaction as
 * the change that causes it, so a committed sign-up always has its mail queued, and an SMTP outage
 * only delays delivery. A worker claims due rows with `FOR UPDATE SKIP LOCKED` and a lease
 * (`locked_until`), so of several instances exactly one sends a row; failures back off via
 * `next_attempt_at`. Sent rows keep only their envelope (the bodies, which carry live tokens, are
 * cleared) and are purged after a while.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    /** Set when the mail is given up (too many attempts, a permanent SMTP refusal, or its link expired): the dead letters. */
    failedAt: timestamp('failed_at', { withTimezone: true, mode: 'date' }),
    /** When the link the mail carries stops working; such a mail is never sent late. Null: no deadline. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    // The worker's only question is "what is due?": a partial index over unsent rows answers it.
    index('mail_outbox_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.sentAt} is null and ${table.failedAt} is null`),
  ],
);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;
