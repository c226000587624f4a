/**
 * npm run bench [-- --embedded]: seeds PostgreSQL, starts the service (production mode) and the
 * baseline, drives them with autocannon, and writes bench/results/<date>.json, <date>.md,
 * <date>-explain.txt and the generated block of docs/performance.md. See docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIST_PAGE_SQL, ME_SQL } from './baseline-sql.js';
import { buildService } from './build.js';
import { captureQueries } from './capture.js';
import { embeddedEnv, measureStartup, seedViaApi, tempDataDir } from './embedded.js';
import { explain, plansText } from './explain.js';
import { freshBookPhase } from './fresh-book.js';
import { login, probe, sessionIdOf } from './http.js';
import { killAllNow, rssMb, startServer, stopAll, stopProcess } from './processes.js';
import { markdown, type RunReport, updatePerformanceDoc } from './report.js';
import { recreateDatabase, seed } from './seed.js';
import { SEARCH_QUERIES } from './seed-data.js';
import { isFullRun, ROOT, settings } from './settings.js';
import { evaluate, type GrowthRow } from './targets.js';
import {
  type Context,
  createWorkload,
  getWorkload,
  loginsWorkload,
  searchPaths,
  type Workload,
} from './workloads.js';

const t0 = performance.now();
// Other work on the machine skews every number: recorded with the results.
const loadAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));
const log = (message: string) =>
  console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${message}`);

async function main() {
  const date = new Date().toISOString().slice(0, 10);
  const stem = isFullRun ? date : `${date}-quick`;
  const resultsDir = path.join(ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const notes: string[] = [];
  const workloads: Workload[] = [];
  const dataDir = tempDataDir();

  log('building the service (tsc -p tsconfig.build.json)');
  const entry = await buildService(log);
  log(`recreating ${settings.benchDbName} and applying migrations`);
  await recreateDatabase(settings);
  const seeded = await seed(settings);
  log(`seeded ${settings.users} users, ${seeded.contacts} contacts in ${seeded.seconds.toFixed(1)} s`);

  const serviceEnv = {
    NODE_ENV: 'production',
    JWT_SECRET: settings.jwtSecret,
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DATABASE_URL: settings.benchUrl,
    REDIS_URL: settings.redisUrl,
    DATA_DIR: dataDir,
    PASSWORD_HASH_ITERATIONS: String(settings.passwordRounds),
  };
  const service = await startServer('service', entry, serviceEnv);
  const baseline = await startServer('baseline', 'bench/baseline-server.ts', {
    DATABASE_URL: settings.benchUrl,
    JWT_SECRET: settings.jwtSecret,
  });
  log(`service at ${service.url} (pid ${service.child.pid}), baseline at ${baseline.url}`);
  const token = await login(service.url, seeded.big.username, settings.password);
  const deepSkip = Math.max(0, settings.bigBook - 1000);

  // The service's own SQL, for EXPLAIN and to check that the baseline still runs the same.
  const queries = await captureQueries(settings.benchUrl, {
    userId: seeded.big.id,
    sessionId: sessionIdOf(token),
    searchQueries: SEARCH_QUERIES,
    deepSkip,
  });
  const same = (label: string, sqlText: string) =>
    queries.find((q) => q.label.startsWith(label))?.sql === sqlText;
  const baselineSqlMatches =
    same('list ?limit', LIST_PAGE_SQL) && same('list ?skip', LIST_PAGE_SQL) && same('me', ME_SQL);
  if (!baselineSqlMatches)
    notes.push(
      'The baseline SQL (bench/baseline-sql.ts) no longer matches what the service runs: update it.',
    );
  const plans = await explain(settings.benchUrl, queries);
  writeFileSync(path.join(resultsDir, `${stem}-explain.txt`), plansText(queries, plans));
  log('EXPLAIN plans written');

  const ctx: Context = {
    server: service,
    token,
    connections: settings.connections,
    seconds: settings.seconds,
    rounds: settings.rounds,
  };
  const baseCtx: Context = { ...ctx, server: baseline };
  const sizes: Record<string, unknown> = {};
  for (const p of [
    '/api/contacts?limit=20',
    `/api/contacts?skip=${deepSkip}&limit=20`,
    ...searchPaths(),
    '/api/contacts/birthdays/upcoming?days_ahead=7',
  ]) {
    sizes[p] = await probe(`${service.url}${p}`, token);
  }
  const track = (w: Workload | Workload[], server = service) => {
    for (const one of [w].flat()) {
      one.extra = { ...one.extra, rssMb: rssMb(server.child.pid) };
      workloads.push(one);
      log(
        `${one.target} ${one.endpoint}: ${one.median.rps} req/s, p99 ${one.median.p99} ms, ${one.rounds.reduce((s, r) => s + r.errors, 0)} errors`,
      );
    }
  };
  const list = '/api/contacts?limit=20';
  const deep = `/api/contacts?skip=${deepSkip}&limit=20`;
  track(await getWorkload(ctx, 'list', `GET ${list}`, 'service', [list]));
  track(await getWorkload(baseCtx, 'list', `GET ${list}`, 'baseline', [list]), baseline);
  track(await getWorkload(ctx, 'deep', `GET ${deep}`, 'service', [deep]));
  track(await getWorkload(baseCtx, 'deep', `GET ${deep}`, 'baseline', [deep]), baseline);
  // The same deep page by keyset cursor: the id just before it, then after_id.
  const before = await fetch(`${service.url}/api/contacts?skip=${deepSkip - 1}&limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const [cursor] = (await before.json()) as { id: number }[];
  if (cursor) {
    const keyset = `/api/contacts?after_id=${cursor.id}&limit=20`;
    track(await getWorkload(ctx, 'keyset', `GET ${keyset}`, 'service', [keyset]));
  }
  track(
    await getWorkload(
      ctx,
      'search',
      `GET /api/contacts/search/{${SEARCH_QUERIES.join('|')}}`,
      'service',
      searchPaths(),
    ),
  );
  // Each query of the mix alone: a Latin name (8 500 matches), Cyrillic, an email-only fragment, phone digits.
  for (const [i, q] of SEARCH_QUERIES.entries()) {
    const path = searchPaths()[i]!;
    track(await getWorkload(ctx, `search:${q}`, `GET /api/contacts/search/${q}`, 'service', [path]));
  }
  track(
    await getWorkload(ctx, 'birthdays', 'GET /api/contacts/birthdays/upcoming?days_ahead=7', 'service', [
      '/api/contacts/birthdays/upcoming?days_ahead=7',
    ]),
  );
  track(await getWorkload(ctx, 'me', 'GET /api/auth/me', 'service', ['/api/auth/me']));
  track(await getWorkload(baseCtx, 'token', 'GET /token (JWT check only)', 'baseline', ['/token']), baseline);
  track(
    await getWorkload(baseCtx, 'me', 'GET /api/auth/me (JWT + session query)', 'baseline', ['/api/auth/me']),
    baseline,
  );
  const others = seeded.users.slice(3).map((u) => u.username);
  track(await loginsWorkload(ctx, settings.loginConnections, others, settings.password));

  log('growth table');
  const growth: GrowthRow[] = [];
  const growthCtx = { ...ctx, seconds: settings.growthSeconds };
  const growthPaths: [string, string[]][] = [
    ['GET /api/contacts?limit=20', [list]],
    ['GET /api/contacts/search/{q}', searchPaths()],
    ['GET /api/contacts/birthdays/upcoming?days_ahead=7', ['/api/contacts/birthdays/upcoming?days_ahead=7']],
  ];
  const userTokens = await Promise.all(
    seeded.growth.map((u) => login(service.url, u.username, settings.password)),
  );
  for (const [endpoint, paths] of growthPaths) {
    const row: GrowthRow = { endpoint, sizes: [] };
    for (const [i, user] of seeded.growth.entries()) {
      const w = await getWorkload(
        { ...growthCtx, token: userTokens[i]! },
        'growth',
        endpoint,
        'service',
        paths,
      );
      row.sizes.push({
        contacts: user.contacts,
        p50: w.median.p50,
        p99: w.median.p99,
        mean: w.median.mean,
        rps: w.median.rps,
      });
    }
    growth.push(row);
    log(`growth ${endpoint}: ${row.sizes.map((s) => `${s.contacts}: mean ${s.mean} ms`).join(', ')}`);
  }

  // Last on the big user: it adds contacts to the book the other workloads measured.
  track(await createWorkload(ctx, 'service'));
  const endRss = rssMb(service.child.pid);
  await stopProcess(service.child);
  await stopProcess(baseline.child);

  log(`a book of ${settings.freshBook} written through the API, before and after VACUUM ANALYZE`);
  const fresh = await freshBookPhase(settings, entry, serviceEnv, log);
  workloads.push(...fresh.workloads);
  plans.push(...fresh.plans);
  writeFileSync(
    path.join(resultsDir, `${stem}-explain.txt`),
    plansText([...queries, ...fresh.queries], plans),
  );

  log('start-up of the embedded database with existing data');
  const startup = await measureStartup(settings, entry, 3);
  log(`start-up: ${startup.runsMs.join(', ')} ms (${startup.forcedStops} stops needed SIGKILL)`);

  let embedded: Record<string, unknown> | undefined;
  if (settings.embedded) embedded = await runEmbedded(entry, workloads, notes);

  const checks = evaluate({
    workloads,
    plans,
    growth,
    rssMb: endRss,
    startupMs: startup.medianMs,
    bigBook: settings.bigBook,
    baselineSqlMatches,
  });
  const environment = {
    commit: gitRevision(),
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GB`,
    node: process.version,
    rounds: settings.rounds,
    seconds: settings.seconds,
    growthSeconds: settings.growthSeconds,
    contacts: seeded.contacts,
    users: settings.users,
    seedSeconds: Number(seeded.seconds.toFixed(1)),
    serverRssAtEndMb: endRss,
    loadAverageAtStart: loadAtStart,
    startupMs: startup.runsMs,
  };
  const report: RunReport = { date, environment, workloads, growth, checks, notes };
  writeFileSync(
    path.join(resultsDir, `${stem}.json`),
    `${JSON.stringify({ ...report, responseSizes: sizes, plans: plans.map(({ plan: _p, ...s }) => s), baselineSqlMatches, startup, embedded, totalSeconds: Math.round((performance.now() - t0) / 1000) }, null, 2)}\n`,
  );
  const md = markdown(report);
  writeFileSync(path.join(resultsDir, `${stem}.md`), md);
  if (isFullRun) updatePerformanceDoc(path.join(ROOT, 'docs/performance.md'), md);
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`${md}\n`);
  log(
    `done: bench/results/${stem}.json, .md, -explain.txt${isFullRun ? ' and docs/performance.md' : ' (quick run: docs/performance.md untouched)'}`,
  );
}

/** --embedded: the main reads and writes against PGlite, seeded through the API. */
async function runEmbedded(entry: string, workloads: Workload[], notes: string[]) {
  const dataDir = tempDataDir();
  try {
    const server = await startServer('embedded', entry, embeddedEnv(settings, dataDir));
    log(`embedded service at ${server.url}: seeding ${settings.embeddedBook} contacts through the API`);
    const seeded = await seedViaApi(server, settings, settings.embeddedBook);
    notes.push(
      `Embedded rows: a book of ${seeded.created} contacts created through POST /api/contacts in ${seeded.seconds.toFixed(1)} s (${seeded.errors} errors), not 100 000: PGlite can only be written through the running service. No Redis: the user cache is in memory.`,
    );
    const ctx: Context = {
      server,
      token: seeded.token,
      connections: settings.connections,
      seconds: settings.seconds,
      rounds: settings.rounds,
    };
    const deep = `/api/contacts?skip=${Math.max(0, settings.embeddedBook - 1000)}&limit=20`;
    const track = (w: Workload) => {
      w.extra = { rssMb: rssMb(server.child.pid) };
      workloads.push(w);
      log(`embedded ${w.endpoint}: ${w.median.rps} req/s, p99 ${w.median.p99} ms`);
    };
    track(
      await getWorkload(ctx, 'list', 'GET /api/contacts?limit=20', 'embedded', ['/api/contacts?limit=20']),
    );
    track(await getWorkload(ctx, 'deep', `GET ${deep}`, 'embedded', [deep]));
    track(await getWorkload(ctx, 'search', 'GET /api/contacts/search/{q}', 'embedded', searchPaths()));
    track(
      await getWorkload(ctx, 'birthdays', 'GET /api/contacts/birthdays/upcoming?days_ahead=7', 'embedded', [
        '/api/contacts/birthdays/upcoming?days_ahead=7',
      ]),
    );
    track(await getWorkload(ctx, 'me', 'GET /api/auth/me', 'embedded', ['/api/auth/me']));
    track(await createWorkload(ctx, 'embedded'));
    const rss = rssMb(server.child.pid);
    await stopProcess(server.child, 15_000);
    return { contacts: seeded.created, seedSeconds: seeded.seconds, rssMb: rss };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The commit measured, with "+dirty" when the working tree had changes (the build takes the tree as it is). */
function gitRevision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'drizzle'], { cwd: ROOT })
      .toString()
      .trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

process.once('SIGINT', () => {
  killAllNow();
  process.exit(130);
});
process.once('exit', killAllNow);
main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    // autocannon's and pg's handles must not keep a finished run alive.
    process.exit();
  });
