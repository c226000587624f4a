import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../database/client.js';
import type { MailOutboxRow } from '../database/schema/index.js';
import type { Mailer } from '../infra/mailer.js';
import { outboxRepository } from '../repository/outbox-repository.js';

export interface OutboxWorkerOptions {
  /** How often to look for due mail when nothing nudged the worker (other instances' mail, retries). */
  pollIntervalMs: number;
  /** The first retry waits this long; each further failure doubles it... */
  retryBaseMs: number;
  /** ...up to this, until `maxAttempts`. */
  retryMaxMs: number;
  /** After this many failed attempts a mail is given up (marked failed: the dead letters). */
  maxAttempts: number;
  /** How long a claimed row is reserved for this worker; must far exceed one SMTP send. */
  leaseMs: number;
  /** Rows claimed per statement. */
  batchSize: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxWorkerOptions = {
  pollIntervalMs: 5000,
  retryBaseMs: 2000,
  retryMaxMs: 5 * 60_000,
  maxAttempts: 10,
  leaseMs: 2 * 60_000,
  batchSize: 10,
};

// SmtpMailer gives up on a dead server after at most ~40 s (connection, greeting, socket timeouts):
// a row is only started while at least this much of its lease is left, so it cannot expire mid-send.
const LEASE_MARGIN_MS = 60_000;

export interface DeliveryReport {
  sent: number;
  /** Attempts that failed this round (retried later, or given up: see `gaveUp`). */
  failed: number;
  /** Mail given up this round: attempts exhausted, refused for good, or its link expired. */
  gaveUp: number;
}

/**
 * A permanent refusal: the server answered 5xx (unknown mailbox, rejected sender or content), so
 * the same mail will be refused again; 4xx and connection errors are worth retrying.
 */
export function isPermanentFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | undefined)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The wait before the next attempt after `attempts` failed ones: 2 s, 4 s, 8 s … capped. */
export function retryDelayMs(
  attempts: number,
  options: Pick<OutboxWorkerOptions, 'retryBaseMs' | 'retryMaxMs'>,
) {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(options.retryBaseMs * 2 ** exponent, options.retryMaxMs);
}

/**
 * Delivers the mail outbox: claims due rows (exclusively, across instances), sends each through the
 * mailer (SMTP, or `.eml` files without SMTP), marks it sent or schedules a retry with backoff.
 * Runs at start, whenever `nudge()` says this process queued mail, and every poll interval.
 *
 * Delivery is at-least-once at the edge: a crash (or a lost database) between a successful SMTP
 * send and `markSent` leaves the row leased but unsent, and it goes out again after the lease.
 */
export class OutboxWorker {
  readonly options: OutboxWorkerOptions;
  private running = false;
  private stopping = false;
  private nudged = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
    options: Partial<OutboxWorkerOptions> = {},
  ) {
    this.options = { ...DEFAULT_OUTBOX_OPTIONS, ...options };
  }

  /** Starts the background loop (idempotent); the first round runs at once, picking up old mail. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Mail was queued (and committed) by this process: deliver now instead of at the next poll. */
  nudge(): void {
    if (!this.running) return;
    this.nudged = true;
    this.wake?.();
  }

  /** Stops after the mail being sent right now; claimed rows not yet tried are handed back. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Sends everything due now, batch after batch; failures are rescheduled, not retried here.
   * `includeWaiting` also tries mail whose retry time has not come yet (drain-outbox).
   */
  async deliverDue(options: { includeWaiting?: boolean } = {}): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0, gaveUp: 0 };
    const { batchSize, leaseMs } = this.options;
    report.gaveUp += await outboxRepository.expireOverdue(this.db);
    // Each row is tried at most once per call: a row that fails (and, with includeWaiting, would be
    // claimable again at once) is not tried again here.
    const tried: number[] = [];
    for (;;) {
      if (this.stopping) return report;
      const claimedAt = Date.now();
      const batch = await outboxRepository.claimDue(this.db, {
        limit: batchSize,
        leaseMs,
        includeWaiting: options.includeWaiting === true,
        exclude: tried,
      });
      for (const [index, row] of batch.entries()) {
        if (this.stopping || Date.now() - claimedAt > leaseMs - LEASE_MARGIN_MS) {
          await outboxRepository.release(
            this.db,
            batch.slice(index).map((r) => r.id),
          );
          return report;
        }
        tried.push(row.id);
        const outcome = await this.deliver(row);
        if (outcome === 'sent') report.sent += 1;
        else report.failed += 1;
        if (outcome === 'dead') report.gaveUp += 1;
      }
      if (batch.length < batchSize) return report;
    }
  }

  private async deliver(row: MailOutboxRow): Promise<'sent' | 'retry' | 'dead'> {
    try {
      await this.mailer.send({
        to: row.recipient,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
      });
    } catch (err) {
      if (isPermanentFailure(err) || row.attempts >= this.options.maxAttempts) {
        this.log.error(
          { err, outboxId: row.id, attempts: row.attempts },
          'mail delivery failed for good; marked failed (see mail_outbox.last_error)',
        );
        await outboxRepository.markDead(this.db, row.id, errorText(err));
        return 'dead';
      }
      const retryInMs = retryDelayMs(row.attempts, this.options);
      this.log.warn(
        { err, outboxId: row.id, attempts: row.attempts, retryInMs },
        'mail delivery failed; will retry',
      );
      await outboxRepository.markFailed(this.db, row.id, errorText(err), retryInMs);
      return 'retry';
    }
    // Sent: from here a failure to record it means the row goes out again after its lease.
    await outboxRepository.markSent(this.db, row.id);
    return 'sent';
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      try {
        await this.deliverDue();
      } catch (err) {
        // The database is unreachable (or closing): try again at the next poll.
        if (this.running) this.log.error({ err }, 'mail outbox round failed');
      }
      if (this.running && !this.nudged) await this.sleep(this.options.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
