import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox } from '../../src/database/schema/index.js';
import { outboxRepository } from '../../src/repository/outbox-repository.js';
import { MaintenanceJob } from '../../src/services/maintenance.js';
import { isPermanentFailure, OutboxWorker } from '../../src/services/outbox-worker.js';
import { BACKEND, createTestApp, type TestContext, unique } from '../helpers/app.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

const HOUR_MS = 3600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`mail outbox dead letters, expiry, fairness and purges (${BACKEND})`, () => {
  let ctx: TestContext;
  let smtp: TestSmtpServer;
  /** Recipient → SMTP reply code at RCPT TO. */
  const codes = new Map<string, number>();
  let worker: OutboxWorker;

  const db = () => ctx.deps.database.db;
  const queue = (recipient: string, extra: { expiresAt?: Date } = {}) =>
    outboxRepository.insert(db(), {
      recipient,
      subject: 'Hello',
      textBody: 'text',
      htmlBody: '<p>html</p>',
      ...extra,
    });
  const row = async (id: number) => (await db().select().from(mailOutbox).where(eq(mailOutbox.id, id)))[0]!;

  beforeAll(async () => {
    smtp = await startSmtpServer({ recipientCode: (address) => codes.get(address) });
    ctx = await createTestApp({
      SMTP_PORT: String(smtp.port),
      OUTBOX_MAX_ATTEMPTS: '3',
      METRICS_ENABLED: 'true',
    });
    // The app's own worker is stopped: each test drives a worker by hand.
    await ctx.deps.outbox.stop();
    worker = new OutboxWorker(db(), ctx.deps.mailer, ctx.deps.log, {
      maxAttempts: 3,
      retryBaseMs: 1,
      retryMaxMs: 1,
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  it('a permanent refusal (5xx) marks the mail failed at once, blanks its body and shows in metrics', async () => {
    const to = `${unique('gone')}@example.com`;
    codes.set(to, 550);
    const id = await queue(to);
    const report = await worker.deliverDue();
    expect(report).toMatchObject({ sent: 0, failed: 1, gaveUp: 1 });
    const dead = await row(id);
    expect(dead.failedAt).toBeInstanceOf(Date);
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toContain('Mailbox unavailable');
    expect([dead.textBody, dead.htmlBody]).toEqual(['', '']);
    // Never claimed again.
    expect(await worker.deliverDue({ includeWaiting: true })).toEqual({ sent: 0, failed: 0, gaveUp: 0 });

    const metrics = await ctx.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/^mail_outbox_failed [1-9]/m);
    expect(metrics.body).toMatch(/^mail_outbox_pending 0$/m);
  });

  it('a temporary refusal (4xx) is retried, and given up after OUTBOX_MAX_ATTEMPTS', async () => {
    const to = `${unique('busy')}@example.com`;
    codes.set(to, 450);
    const id = await queue(to);
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await worker.deliverDue({ includeWaiting: true })).toMatchObject({ failed: 1, gaveUp: 0 });
      expect(await row(id)).toMatchObject({ attempts: attempt, failedAt: null });
    }
    expect(await worker.deliverDue({ includeWaiting: true })).toMatchObject({ failed: 1, gaveUp: 1 });
    expect((await row(id)).failedAt).toBeInstanceOf(Date);
    expect(smtp.mailsTo(to)).toHaveLength(0);
  });

  it('mail whose link has expired is not sent', async () => {
    const to = `${unique('late')}@example.com`;
    const id = await queue(to, { expiresAt: new Date(Date.now() - 1000) });
    expect(await worker.deliverDue()).toMatchObject({ sent: 0, gaveUp: 1 });
    expect((await row(id)).lastError).toContain('expired');
    await sleep(100);
    expect(smtp.mailsTo(to)).toHaveLength(0);
  });

  it('verification and reset mail carry their link’s expiry (24 h, 1 h)', async () => {
    const username = unique('exp');
    const email = `${username}@example.com`;
    const register = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username, email, password: 'Quiet-Harbor-Lantern-42' },
    });
    expect(register.statusCode).toBe(201);
    await ctx.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email } });
    const rows = (await outboxRepository.list(db())).filter((r) => r.recipient === email);
    const expiries = rows.map((r) => (r.expiresAt?.getTime() ?? 0) - r.createdAt.getTime());
    expect(expiries.some((ms) => Math.abs(ms - 24 * HOUR_MS) < 60_000)).toBe(true);
    if (rows.length > 1) expect(expiries.some((ms) => Math.abs(ms - HOUR_MS) < 60_000)).toBe(true);
  });

  it('new mail goes out before a backlog of old failures', async () => {
    const backlog = Array.from({ length: 12 }, (_, i) => `${unique(`old${i}`)}@example.com`);
    for (const to of backlog) {
      codes.set(to, 450);
      const id = await queue(to);
      // Failing for a while, due again now (its retry time has come).
      await db()
        .update(mailOutbox)
        .set({
          attempts: 2,
          nextAttemptAt: sql`now() - interval '1 hour'`,
          createdAt: sql`now() - interval '2 hours'`,
        })
        .where(eq(mailOutbox.id, id));
    }
    const fresh = `${unique('fresh')}@example.com`;
    const freshId = await queue(fresh);
    const firstBatch = await outboxRepository.claimDue(db(), { limit: 5, leaseMs: 60_000 });
    expect(firstBatch.map((r) => r.id)).toContain(freshId);
    await outboxRepository.release(
      db(),
      firstBatch.map((r) => r.id),
    );
    await worker.deliverDue();
    await smtp.waitForMail(fresh);
  });

  it('the maintenance job purges sent mail after 7 days and failed mail after 30, and nothing newer', async () => {
    const ids = {
      oldSent: await queue(`${unique('s')}@example.com`),
      newSent: await queue(`${unique('s')}@example.com`),
      oldFailed: await queue(`${unique('f')}@example.com`),
      newFailed: await queue(`${unique('f')}@example.com`),
      waiting: await queue(`${unique('w')}@example.com`),
    };
    const set = (id: number, values: Partial<typeof mailOutbox.$inferInsert>) =>
      db().update(mailOutbox).set(values).where(eq(mailOutbox.id, id));
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * HOUR_MS);
    await set(ids.oldSent, { sentAt: daysAgo(8) });
    await set(ids.newSent, { sentAt: daysAgo(6) });
    await set(ids.oldFailed, { failedAt: daysAgo(31) });
    await set(ids.newFailed, { failedAt: daysAgo(29) });

    const job = new MaintenanceJob(db(), pino({ level: 'silent' }));
    const report = await job.runOnce();
    // Every task ran (a failed one would be missing from the report).
    expect(report).toMatchObject({
      skipped: false,
      purged: { 'ended sessions': expect.any(Number), 'sent mail': 1, 'failed mail': 1 },
    });
    const left = new Set((await outboxRepository.list(db())).map((r) => r.id));
    expect([ids.oldSent, ids.oldFailed].filter((id) => left.has(id))).toEqual([]);
    expect([ids.newSent, ids.newFailed, ids.waiting].every((id) => left.has(id))).toBe(true);
  });

  it('a failing task does not stop the others, and start/stop run a round', async () => {
    const ran: string[] = [];
    const job = new MaintenanceJob(db(), pino({ level: 'silent' }), {
      tasks: [
        { name: 'broken', run: (tx) => tx.execute(sql`select * from no_such_table`).then(() => 0) },
        {
          name: 'fine',
          run: async () => {
            ran.push('fine');
            return 1;
          },
        },
      ],
    });
    const report = await job.runOnce();
    expect(report).toEqual({ skipped: false, purged: { fine: 1 } });
    job.start();
    await job.stop();
    expect(ran.length).toBeGreaterThanOrEqual(2);
  });

  it('tells permanent SMTP failures from temporary ones', () => {
    expect(isPermanentFailure({ responseCode: 550 })).toBe(true);
    expect(isPermanentFailure({ responseCode: 421 })).toBe(false);
    expect(isPermanentFailure(new Error('ECONNREFUSED'))).toBe(false);
    expect(isPermanentFailure(undefined)).toBe(false);
  });
});
