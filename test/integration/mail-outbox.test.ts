import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { closeDeps, type Deps, openDeps } from '../../src/container.js';
import { mailOutbox } from '../../src/database/schema/index.js';
import { hashPassword } from '../../src/lib/password.js';
import { outboxRepository } from '../../src/repository/outbox-repository.js';
import { usersRepository } from '../../src/repository/users-repository.js';
import { OutboxWorker, type OutboxWorkerOptions, retryDelayMs } from '../../src/services/outbox-worker.js';
import { BACKEND, TEST_DATABASE_URL, TEST_HASH_ROUNDS, TEST_REDIS_URL, unique } from '../helpers/app.js';
import { startSmtpServer, type TestSmtpServer, tokenFromMail } from '../helpers/smtp.js';

/** Polls and retries in tens of milliseconds instead of seconds. */
const FAST: Partial<OutboxWorkerOptions> = { pollIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

interface Instance {
  app: App;
  deps: Deps;
  /** Stops this instance (worker included) but keeps its database, as a process exiting would. */
  close(): Promise<void>;
}

/**
 * One "process" of the service on a database that outlives it: a schema on TEST_DATABASE_URL, or an
 * embedded database on disk in `dataDir` (reopened after a restart, as the server does).
 */
async function openInstance(
  where: { dataDir: string; schemaName: string },
  smtpPort: number,
  options: { outbox?: Partial<OutboxWorkerOptions>; startWorker?: boolean } = {},
): Promise<Instance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    PASSWORD_HASH_ITERATIONS: String(TEST_HASH_ROUNDS),
    RATE_LIMIT_ENABLED: 'false',
    DATA_DIR: where.dataDir,
    PUBLIC_URL: 'http://localhost:8000',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: 'silent',
  });
  const logger = pino({ level: 'silent' });
  const deps = await openDeps(config, logger, {
    schemaName: TEST_DATABASE_URL ? where.schemaName : undefined,
    redisKeyPrefix: `${where.schemaName}:`,
    outbox: { ...FAST, ...options.outbox },
  });
  const app = await buildApp(deps, { loggerInstance: logger });
  await app.ready();
  if (options.startWorker !== false) deps.outbox.start();
  return {
    app,
    deps,
    async close() {
      await app.close();
      await closeDeps(deps);
    },
  };
}

describe(`durable mail outbox (${BACKEND})`, () => {
  let refusing = true;
  let smtp: TestSmtpServer;
  const where = { dataDir: '', schemaName: `outbox_${randomBytes(4).toString('hex')}` };
  let instance: Instance;

  const post = (url: string, payload: Record<string, unknown>) =>
    instance.app.inject({ method: 'POST', url, payload });
  const rows = () => outboxRepository.list(instance.deps.database.db);
  const rowsTo = async (to: string) => (await rows()).filter((row) => row.recipient === to);

  beforeAll(async () => {
    smtp = await startSmtpServer({ refuse: () => refusing });
    where.dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-outbox-'));
    instance = await openInstance(where, smtp.port);
  });
  afterAll(async () => {
    if (instance && TEST_DATABASE_URL) {
      await instance.deps.database.db.execute(sql.raw(`drop schema if exists "${where.schemaName}" cascade`));
    }
    await instance?.close();
    await smtp?.close();
    if (where.dataDir) await rm(where.dataDir, { recursive: true, force: true });
  });

  it('backs off 2 s, 4 s, 8 s … up to 5 minutes between attempts, until the mail is given up', () => {
    const defaults = { retryBaseMs: 2000, retryMaxMs: 300_000 };
    expect([1, 2, 3, 4, 8, 9, 10, 1000].map((attempts) => retryDelayMs(attempts, defaults))).toEqual([
      2000, 4000, 8000, 16_000, 256_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('answers sign-up, resend and forgot-password while SMTP refuses; the mail waits, then arrives once', async () => {
    refusing = true;
    const username = unique('down');
    const email = `${username}@example.com`;
    const register = await post('/api/auth/register', { username, email, password: 'first-password-1' });
    expect(register.statusCode).toBe(201);
    expect((await post('/api/auth/resend-verification', { email })).statusCode).toBe(200);

    const other = unique('reset');
    const row = await usersRepository.insert(instance.deps.database.db, {
      username: other,
      email: `${other}@example.com`,
      fullName: null,
      passwordHash: await hashPassword('old-password-1', TEST_HASH_ROUNDS),
      role: 'user',
    });
    await usersRepository.update(instance.deps.database.db, row.id, { isVerified: true });
    expect((await post('/api/auth/forgot-password', { email: `${other}@example.com` })).statusCode).toBe(200);

    // Retried (with backoff) and failing, each failure recorded; nothing delivered, nothing lost.
    const waiting = await eventually(async () => {
      const queued = [...(await rowsTo(email)), ...(await rowsTo(`${other}@example.com`))];
      return queued.length === 3 && queued.every((r) => r.attempts >= 2) && queued;
    });
    for (const queued of waiting) {
      expect(queued.sentAt).toBeNull();
      expect(queued.lastError).toMatch(/421|not available/i);
    }
    expect(smtp.mails).toHaveLength(0);

    refusing = false;
    const verifyMail = await smtp.waitForMail(email, { subject: /confirm/i });
    await smtp.waitForMail(email, { subject: /confirm/i });
    await smtp.waitForMail(`${other}@example.com`, { subject: /reset/i });
    await sleep(10 * (FAST.pollIntervalMs ?? 50));
    expect(smtp.mailsTo(email)).toHaveLength(2);
    expect(smtp.mailsTo(`${other}@example.com`)).toHaveLength(1);

    // The delayed link works; the sent rows keep their envelope but not the bodies (live tokens).
    const verified = await instance.app.inject({
      url: `/api/auth/verify-email?token=${tokenFromMail(verifyMail)}`,
    });
    expect(verified.json()).toEqual({ message: 'Email successfully verified' });
    for (const sent of await rowsTo(email)) {
      expect(sent.sentAt).toBeInstanceOf(Date);
      expect(sent).toMatchObject({ textBody: '', htmlBody: '', lastError: null, lockedUntil: null });
    }
  });

  it('a failed attempt is recorded and the row waits for its retry time', async () => {
    refusing = true;
    // A worker of its own with a one-minute backoff, and the background one out of the way.
    const { deps } = instance;
    const probe = new OutboxWorker(deps.database.db, deps.mailer, deps.log, {
      retryBaseMs: 60_000,
      retryMaxMs: 60_000,
    });
    await deps.outbox.stop();
    try {
      const to = `${unique('wait')}@example.com`;
      await outboxRepository.insert(deps.database.db, {
        recipient: to,
        subject: 'Hello',
        textBody: 'text',
        htmlBody: '<p>html</p>',
      });
      expect(await probe.deliverDue()).toEqual({ sent: 0, failed: 1, gaveUp: 0 });
      const [failed] = await rowsTo(to);
      expect(failed).toMatchObject({ attempts: 1, sentAt: null, lockedUntil: null });
      const waitMs = failed!.nextAttemptAt.getTime() - Date.now();
      expect(waitMs).toBeGreaterThan(50_000);
      expect(waitMs).toBeLessThanOrEqual(61_000);
      // Not due yet: another round leaves it alone, even with SMTP back.
      refusing = false;
      expect(await probe.deliverDue()).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
      expect(smtp.mailsTo(to)).toHaveLength(0);
      await deps.database.db
        .update(mailOutbox)
        .set({ nextAttemptAt: new Date(Date.now() - 1000) })
        .where(sql`${mailOutbox.recipient} = ${to}`);
      expect(await probe.deliverDue()).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
      expect(smtp.mailsTo(to)).toHaveLength(1);
    } finally {
      deps.outbox.start();
    }
  });

  it('an account and its mail are written together: a refused sign-up queues nothing', async () => {
    const username = unique('dup');
    const account = { username, email: `${username}@example.com`, password: 'first-password-1' };
    expect((await post('/api/auth/register', account)).statusCode).toBe(201);
    const before = (await rows()).length;
    const again = await post('/api/auth/register', { ...account, email: `x${account.email}` });
    expect(again.statusCode).toBe(409);
    expect((await rows()).length).toBe(before);
  });

  it('mail queued before a restart is delivered by the next process, once', async () => {
    refusing = true;
    const username = unique('restart');
    const email = `${username}@example.com`;
    const res = await post('/api/auth/register', { username, email, password: 'first-password-1' });
    expect(res.statusCode).toBe(201);
    await eventually(async () => (await rowsTo(email))[0]?.lastError);

    await instance.close();
    refusing = false;
    instance = await openInstance(where, smtp.port);
    await smtp.waitForMail(email);
    await sleep(10 * (FAST.pollIntervalMs ?? 50));
    expect(smtp.mailsTo(email)).toHaveLength(1);
    expect((await rowsTo(email))[0]?.sentAt).toBeInstanceOf(Date);
  });

  it('a row claimed by a worker that died is sent after its lease runs out, once', async () => {
    refusing = false;
    await instance.deps.outbox.stop();
    const to = `${unique('lease')}@example.com`;
    await outboxRepository.insert(instance.deps.database.db, {
      recipient: to,
      subject: 'Leased',
      textBody: 'text',
      htmlBody: '<p>html</p>',
    });
    // A "worker" claims it for 1.5 s and dies without sending.
    const claimed = await outboxRepository.claimDue(instance.deps.database.db, { limit: 100, leaseMs: 1500 });
    expect(claimed.map((row) => row.recipient)).toContain(to);
    const started = Date.now();
    instance.deps.outbox.start();
    await sleep(500);
    expect(smtp.mailsTo(to)).toHaveLength(0);
    await smtp.waitForMail(to, { timeoutMs: 5000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await sleep(10 * (FAST.pollIntervalMs ?? 50));
    expect(smtp.mailsTo(to)).toHaveLength(1);
    expect((await rowsTo(to))[0]?.attempts).toBe(2);
  });

  it('two workers on one database never send a row twice', async () => {
    refusing = false;
    // A second instance on the same database (the embedded one can be opened once: a second worker
    // then shares the first one's connection, which still exercises the claims but not in parallel).
    const second = TEST_DATABASE_URL
      ? await openInstance(where, smtp.port, { startWorker: false, outbox: { batchSize: 3 } })
      : undefined;
    await instance.deps.outbox.stop();
    const workers = [
      new OutboxWorker(instance.deps.database.db, instance.deps.mailer, instance.deps.log, { batchSize: 3 }),
      second?.deps.outbox ??
        new OutboxWorker(instance.deps.database.db, instance.deps.mailer, instance.deps.log, {
          batchSize: 3,
        }),
    ];
    try {
      const tag = unique('pair');
      const recipients = Array.from({ length: 30 }, (_, i) => `${tag}-${i}@example.com`);
      for (const recipient of recipients) {
        await outboxRepository.insert(instance.deps.database.db, {
          recipient,
          subject: 'Pair',
          textBody: 'text',
          htmlBody: '<p>html</p>',
        });
      }
      const reports = await Promise.all([...workers, ...workers].map((worker) => worker.deliverDue()));
      const sent = reports.reduce((sum, report) => sum + report.sent, 0);
      expect(reports.every((report) => report.failed === 0)).toBe(true);
      expect(sent).toBe(30);
      await sleep(200);
      for (const recipient of recipients) expect(smtp.mailsTo(recipient), recipient).toHaveLength(1);
    } finally {
      await second?.close();
      instance.deps.outbox.start();
    }
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'a claim skips rows another connection holds, without waiting (needs TEST_DATABASE_URL: the embedded database has one connection)',
    async () => {
      await instance.deps.outbox.stop();
      const db = instance.deps.database.db;
      try {
        const ids: number[] = [];
        for (const name of ['held', 'free']) {
          ids.push(
            await outboxRepository.insert(db, {
              recipient: `${unique(name)}@example.com`,
              subject: 'Skip',
              textBody: 'text',
              htmlBody: '<p>html</p>',
            }),
          );
        }
        await db.transaction(async (tx) => {
          await tx.execute(sql`select id from mail_outbox where id = ${ids[0]} for update`);
          const started = Date.now();
          const claimed = await outboxRepository.claimDue(db, { limit: 100, leaseMs: 60_000 });
          expect(Date.now() - started).toBeLessThan(1000);
          expect(claimed.map((row) => row.id)).toContain(ids[1]);
          expect(claimed.map((row) => row.id)).not.toContain(ids[0]);
        });
        await outboxRepository.release(db, [ids[1]!]);
      } finally {
        instance.deps.outbox.start();
      }
    },
  );
});
