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
  /** ...up to this; a mail is retried at this pace for as long as it takes (never dropped). */
  retryMaxMs: number;
  /** How long a claimed row is reserved for this worker; must far exceed one SMTP send. */
  leaseMs: number;
  /** Rows claimed per statement. */
  batchSize: number;
  /** Sent rows (envelope only) are deleted after this long. */
  keepSentMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxWorkerOptions = {
  pollIntervalMs: 5000,
  retryBaseMs: 2000,
  retryMaxMs: 5 * 60_000,
  leaseMs: 2 * 60_000,
  batchSize: 10,
  keepSentMs: 7 * 24 * 3600_000,
};

// SmtpMailer gives up on a dead server after at most ~40 s (connection, greeting, socket timeouts):
// a row is only started while at least this much of its lease is left, so it cannot expire mid-send.
const LEASE_MARGIN_MS = 60_000;
const PURGE_EVERY_MS = 3600_000;

export interface DeliveryReport {
  sent: number;
  failed: number;
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
  private lastPurge = 0;

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

  /** Sends everything due now, batch after batch; failures are rescheduled, not retried here. */
  async deliverDue(): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0 };
    const { batchSize, leaseMs } = this.options;
    for (;;) {
      if (this.stopping) return report;
      const claimedAt = Date.now();
      const batch = await outboxRepository.claimDue(this.db, { limit: batchSize, leaseMs });
      for (const [index, row] of batch.entries()) {
        if (this.stopping || Date.now() - claimedAt > leaseMs - LEASE_MARGIN_MS) {
          await outboxRepository.release(
            this.db,
            batch.slice(index).map((r) => r.id),
          );
          return report;
        }
        if (await this.deliver(row)) report.sent += 1;
        else report.failed += 1;
      }
      if (batch.length < batchSize) return report;
    }
  }

  private async deliver(row: MailOutboxRow): Promise<boolean> {
    try {
      await this.mailer.send({
        to: row.recipient,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
      });
    } catch (err) {
      const retryInMs = retryDelayMs(row.attempts, this.options);
      this.log.warn(
        { err, outboxId: row.id, attempts: row.attempts, retryInMs },
        'mail delivery failed; will retry',
      );
      await outboxRepository.markFailed(this.db, row.id, errorText(err), retryInMs);
      return false;
    }
    // Sent: from here a failure to record it means the row goes out again after its lease.
    await outboxRepository.markSent(this.db, row.id);
    return true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      try {
        await this.deliverDue();
        if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
          this.lastPurge = Date.now();
          await outboxRepository.purgeSent(this.db, this.options.keepSentMs);
        }
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
