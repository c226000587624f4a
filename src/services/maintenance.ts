import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database, Executor } from '../database/client.js';
import { outboxRepository } from '../repository/outbox-repository.js';
import { sessionsRepository } from '../repository/sessions-repository.js';

/** One purge: deletes what is no longer needed and returns how many rows went. */
export interface MaintenanceTask {
  name: string;
  run(db: Executor): Promise<number>;
}

const DAY_MS = 24 * 3600_000;

/**
 * Everything the periodic job purges. Adding a purge is one line here (later: trash, sync tombstones).
 * Sent mail keeps its envelope 7 days for support questions; given-up mail 30 days, to investigate.
 */
export const MAINTENANCE_TASKS: readonly MaintenanceTask[] = [
  { name: 'ended sessions', run: (db) => sessionsRepository.purgeEnded(db) },
  { name: 'sent mail', run: (db) => outboxRepository.purgeSent(db, 7 * DAY_MS) },
  { name: 'failed mail', run: (db) => outboxRepository.purgeFailed(db, 30 * DAY_MS) },
];

// One instance runs the job at a time: the others find the lock taken and skip that round. (Not
// 7_220_411, the migrations lock, nor 7_220_412, the last-admin guard of migration 0007.)
const MAINTENANCE_LOCK_ID = 7_220_413;

export interface MaintenanceOptions {
  intervalMs: number;
  tasks: readonly MaintenanceTask[];
}

/** What one round did: rows purged per task, or `skipped` when another instance held the lock. */
export type MaintenanceReport = { skipped: true } | { skipped: false; purged: Record<string, number> };

/**
 * The periodic maintenance job: at start and every hour, under a PostgreSQL advisory lock (taken
 * for the round's transaction, so a crashed instance cannot keep it), runs every purge. Each task
 * has its own savepoint: one failing does not undo or stop the others.
 */
export class MaintenanceJob {
  private readonly options: MaintenanceOptions;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: FastifyBaseLogger,
    options: Partial<MaintenanceOptions> = {},
  ) {
    this.options = { intervalMs: 3600_000, tasks: MAINTENANCE_TASKS, ...options };
  }

  /** Runs a round now and then every interval (idempotent). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.round ??= this.runOnce()
        .catch((err) => this.log.error({ err }, 'maintenance round failed'))
        .finally(() => {
          this.round = undefined;
        });
    };
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
    tick();
  }

  /** Stops the schedule and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** One round: every task, unless another instance is running the job right now. */
  async runOnce(): Promise<MaintenanceReport> {
    return this.db.transaction(async (tx) => {
      // Both drivers answer `execute` with `{ rows }` of plain objects.
      const { rows } = (await tx.execute(
        sql`select pg_try_advisory_xact_lock(${MAINTENANCE_LOCK_ID}) as locked`,
      )) as unknown as { rows: { locked: boolean }[] };
      if (!rows[0]?.locked) return { skipped: true };
      const purged: Record<string, number> = {};
      for (const task of this.options.tasks) {
        try {
          purged[task.name] = await tx.transaction((savepoint) => task.run(savepoint));
        } catch (err) {
          this.log.error({ err, task: task.name }, 'maintenance task failed');
        }
      }
      const total = Object.values(purged).reduce((sum, n) => sum + n, 0);
      if (total > 0) this.log.info({ purged }, 'maintenance: purged old rows');
      return { skipped: false, purged };
    });
  }
}
