/**
 * The book just written (issue 7, "Speed that holds on a real book"): a new database, one user, and
 * `BENCH_FRESH_BOOK` contacts created through POST /api/contacts as users write them — no bulk load,
 * no VACUUM, no ANALYZE (the server's autovacuum may be off, as it is on the machine of the issue).
 * The list is measured on that book against the baseline, then again after VACUUM ANALYZE.
 */
import pg from 'pg';
import { hashPassword } from '../src/lib/password.js';
import { type CapturedQuery, captureQueries } from './capture.js';
import { postBook } from './embedded.js';
import { explain, type PlanSummary } from './explain.js';
import { login, sessionIdOf } from './http.js';
import { rssMb, startServer, stopProcess } from './processes.js';
import { recreateDatabase } from './seed.js';
import type { Settings } from './settings.js';
import { type Context, getWorkload, type Workload } from './workloads.js';

const LIST = '/api/contacts?limit=20';

async function insertUser(settings: Settings): Promise<{ id: number; username: string }> {
  const passwordHash = await hashPassword(settings.password, settings.passwordRounds);
  const client = new pg.Client({ connectionString: settings.freshUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number }>(
      `insert into users (username, email, full_name, password_hash, is_verified)
       values ('fresh', 'fresh@bench.example', 'Fresh Book', $1, true) returning id`,
      [passwordHash],
    );
    return { id: rows[0]!.id, username: 'fresh' };
  } finally {
    await client.end();
  }
}

async function vacuumAnalyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

/** The list query of the service for the fresh user, explained (before or after VACUUM ANALYZE). */
async function listPlan(settings: Settings, userId: number, token: string, label: string) {
  const queries = await captureQueries(settings.freshUrl, {
    userId,
    sessionId: sessionIdOf(token),
    searchQueries: [],
    deepSkip: 0,
  });
  const list = queries.filter((q) => q.label === 'list ?limit=20').map((q) => ({ ...q, label }));
  return { queries: list, plans: await explain(settings.freshUrl, list) };
}

/**
 * Runs the phase: returns its workloads (creates, then list for service and baseline before and after
 * VACUUM ANALYZE) and the list plans. Uses its own service and baseline processes on the fresh database.
 */
export async function freshBookPhase(
  settings: Settings,
  entry: string,
  serviceEnv: Record<string, string>,
  log: (message: string) => void,
): Promise<{ workloads: Workload[]; queries: CapturedQuery[]; plans: PlanSummary[] }> {
  await recreateDatabase(settings, { name: settings.freshDbName, url: settings.freshUrl });
  const user = await insertUser(settings);
  const service = await startServer('fresh-service', entry, {
    ...serviceEnv,
    DATABASE_URL: settings.freshUrl,
  });
  const baseline = await startServer('fresh-baseline', 'bench/baseline-server.ts', {
    DATABASE_URL: settings.freshUrl,
    JWT_SECRET: settings.jwtSecret,
  });
  const workloads: Workload[] = [];
  const plans: PlanSummary[] = [];
  const queries: CapturedQuery[] = [];
  const planList = async (label: string) => {
    const found = await listPlan(settings, user.id, token, label);
    queries.push(...found.queries);
    plans.push(...found.plans);
  };
  let token = '';
  try {
    token = await login(service.url, user.username, settings.password);
    log(`fresh book: writing ${settings.freshBook} contacts through POST /api/contacts`);
    const written = await postBook(service.url, token, {
      count: settings.freshBook,
      seed: 2026,
      connections: settings.connections,
    });
    workloads.push({
      id: 'fresh-create',
      endpoint: `POST /api/contacts: a new book of ${settings.freshBook} (count-bounded, one round)`,
      target: 'service',
      connections: settings.connections,
      rounds: [written],
      median: written,
      extra: { rssMb: rssMb(service.child.pid) },
    });
    const ctx: Context = {
      server: service,
      token,
      connections: settings.connections,
      seconds: settings.seconds,
      rounds: settings.rounds,
    };
    const baseCtx: Context = { ...ctx, server: baseline };
    const measureList = async (id: string, when: string) => {
      const endpoint = `GET ${LIST} (book of ${settings.freshBook} ${when})`;
      const own = await getWorkload(ctx, id, endpoint, 'service', [LIST]);
      own.extra = { rssMb: rssMb(service.child.pid) };
      const yardstick = await getWorkload(baseCtx, id, endpoint, 'baseline', [LIST]);
      yardstick.extra = { rssMb: rssMb(baseline.child.pid) };
      workloads.push(own, yardstick);
      log(
        `${endpoint}: service ${own.median.rps} req/s p99 ${own.median.p99} ms, baseline ${yardstick.median.rps} req/s`,
      );
    };
    await planList('fresh book: list ?limit=20, just written');
    await measureList('fresh-list', 'just written through the API, before any VACUUM');
    await vacuumAnalyze(settings.freshUrl);
    await planList('fresh book: list ?limit=20, after VACUUM ANALYZE');
    await measureList('fresh-list-vacuumed', 'after VACUUM ANALYZE');
  } finally {
    await stopProcess(service.child);
    await stopProcess(baseline.child);
  }
  return { workloads, queries, plans };
}
