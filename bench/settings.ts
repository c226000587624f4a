import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (bench/ sits directly under it). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchDbName = process.env.BENCH_DATABASE ?? 'contacts_bench';

/** Everything a run can be tuned by, from the environment and the command line. */
export const settings = {
  /** The server used to create and drop the bench database (never written to otherwise). */
  adminUrl,
  benchDbName,
  /** The bench database on the same server: dropped and recreated every run. */
  benchUrl: withDatabase(adminUrl, benchDbName),
  /** A second database on the same server for the book written through the API (also recreated). */
  freshDbName: `${benchDbName}_fresh`,
  freshUrl: withDatabase(adminUrl, `${benchDbName}_fresh`),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  /** Length of one measured round, seconds. */
  seconds: intFromEnv('BENCH_SECONDS', 5),
  /** Rounds per workload; the median round (by req/s) is reported. */
  rounds: intFromEnv('BENCH_ROUNDS', 3),
  /** Round length of the growth table (9 workloads), seconds. */
  growthSeconds: intFromEnv('BENCH_GROWTH_SECONDS', 3),
  connections: intFromEnv('BENCH_CONNECTIONS', 20),
  loginConnections: intFromEnv('BENCH_LOGINS', 8),
  users: intFromEnv('BENCH_USERS', 1000),
  bigBook: intFromEnv('BENCH_BIG_BOOK', 100_000),
  /** Contacts of every user but the three measured ones. */
  otherBook: intFromEnv('BENCH_OTHER_BOOK', 10),
  /** The book written through POST /api/contacts and measured before and after VACUUM ANALYZE. */
  freshBook: intFromEnv('BENCH_FRESH_BOOK', 20_000),
  /** Contacts seeded through the API for --embedded (PGlite cannot be written from outside). */
  embeddedBook: intFromEnv('BENCH_EMBEDDED_BOOK', 10_000),
  /** Contacts seeded through the API before timing the embedded start-up. */
  startupBook: intFromEnv('BENCH_STARTUP_BOOK', 3000),
  passwordRounds: intFromEnv('PASSWORD_HASH_ITERATIONS', 600_000),
  embedded: process.argv.includes('--embedded'),
  /** Per-run secret: tokens from another run never verify. */
  jwtSecret: randomBytes(48).toString('base64url'),
  password: 'bench-password-1',
};

export type Settings = typeof settings;

/**
 * True when sizes, durations and rounds are the defaults: only such a run writes bench/results/<date>.*
 * and docs/performance.md; a quick run (any of them changed) writes <date>-quick.* and leaves the doc alone.
 */
export const isFullRun = [
  'BENCH_SECONDS',
  'BENCH_ROUNDS',
  'BENCH_GROWTH_SECONDS',
  'BENCH_CONNECTIONS',
  'BENCH_LOGINS',
  'BENCH_USERS',
  'BENCH_BIG_BOOK',
  'BENCH_OTHER_BOOK',
  'BENCH_FRESH_BOOK',
  'BENCH_EMBEDDED_BOOK',
  'BENCH_STARTUP_BOOK',
  'PASSWORD_HASH_ITERATIONS',
].every((name) => !process.env[name]);

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
