import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { restrictTree } from './data-dir-lock.js';
import { runMigrations } from './migrate.js';
import * as schema from './schema/index.js';

/** The one database type the repositories see, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction, or the database itself: every repository method takes either. */
export type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

export interface DatabaseHandle {
  db: Database;
  kind: 'embedded' | 'postgres';
  /** Applies the committed migrations (idempotent). */
  migrate(): Promise<void>;
  /** Throws when the database does not answer `select 1` within the timeout. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
  /** Connections in use and total, for metrics; the embedded database has one. */
  poolStats(): { total: number; idle: number; waiting: number };
}

export interface DatabaseOptions {
  /** A postgres:// URL; unset means the embedded PostgreSQL. */
  url?: string | undefined;
  /** Where the embedded database keeps its files; unset means in memory (tests). */
  embeddedDir?: string | undefined;
  /** A schema to create and use instead of `public` (test isolation on a shared server). */
  schemaName?: string | undefined;
  /** Fail a query or a connection attempt after this long. */
  timeoutMs?: number;
  /** Statement timeout while migrations run (not the request timeout above); 0 means none. */
  migrationTimeoutMs?: number;
  /** Tests: another migrations folder; the committed `drizzle/` otherwise. */
  migrationsFolder?: string;
  poolSize?: number;
}

/** The committed `drizzle/` folder: two levels up from src/database, three from the compiled dist/src/database. */
export const MIGRATIONS_FOLDER = ['../../drizzle', '../../../drizzle']
  .map((relative) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), relative))
  .find((folder) => existsSync(path.join(folder, 'meta', '_journal.json')))!;
// Two instances starting together must not both apply the same migration.
const MIGRATION_LOCK_ID = 7_220_411;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options) : openEmbedded(options);
}

async function openEmbedded(options: DatabaseOptions): Promise<DatabaseHandle> {
  // Loaded only for the embedded database: a server on PostgreSQL never pays for the WebAssembly build.
  const [{ PGlite }, { btree_gin }, { citext }, { pg_trgm }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('@electric-sql/pglite/contrib/citext'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
  ]);
  if (options.embeddedDir) await mkdir(options.embeddedDir, { recursive: true });
  const client = await PGlite.create({
    ...(options.embeddedDir ? { dataDir: options.embeddedDir } : {}),
    extensions: { btree_gin, citext, pg_trgm },
  });
  // It holds password hashes: owner only, whatever modes PGlite unpacked it with.
  if (options.embeddedDir) await restrictTree(options.embeddedDir);
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'embedded',
    migrate: async () => {
      await runMigrations(
        {
          exec: async (text) => {
            await client.exec(text);
          },
          query: async <T>(text: string, params: unknown[]) => (await client.query<T>(text, params)).rows,
        },
        options.migrationsFolder ?? MIGRATIONS_FOLDER,
      );
    },
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const schemaName = options.schemaName;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
    ...(schemaName ? { options: `-c search_path=${schemaName},public` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  if (schemaName) await pool.query(`create schema if not exists "${schemaName}"`);
  const db = drizzleNodePg(pool, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    migrate: async () => {
      // A connection of its own, without the pool's per-query timeout: an index build on a big
      // table may take minutes. MIGRATION_TIMEOUT_MS bounds each statement instead.
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: timeoutMs,
        ...(schemaName ? { options: `-c search_path=${schemaName},public` } : {}),
      });
      client.on('error', () => {});
      await client.connect();
      try {
        await client.query(`set statement_timeout = ${Math.trunc(options.migrationTimeoutMs ?? 0)}`);
        await takeMigrationLock(client, options.migrationTimeoutMs ?? 0);
        // Schemas sharing a server (tests) must find the extensions: installed by the first schema's
        // migration they would live in that schema, invisible to the others and dropped with it.
        if (schemaName) {
          await client.query('create extension if not exists citext schema public');
          await client.query('create extension if not exists pg_trgm schema public');
          await client.query('create extension if not exists btree_gin schema public');
        }
        await runMigrations(
          {
            exec: async (text) => {
              await client.query(text);
            },
            query: async <T>(text: string, params: unknown[]) =>
              (await client.query(text, params)).rows as T[],
          },
          options.migrationsFolder ?? MIGRATIONS_FOLDER,
          schemaName ?? 'drizzle',
        );
      } finally {
        // Ending the session releases the advisory lock too.
        await client.end().catch(() => {});
      }
    },
    ping: async (pingTimeoutMs) => {
      await withTimeout(db.execute(sql`select 1`), pingTimeoutMs);
    },
    close: () => pool.end(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/**
 * The advisory lock that serialises concurrent starters, polled rather than waited for: a session
 * blocked in `pg_advisory_lock` holds a snapshot, and `CREATE INDEX CONCURRENTLY` in the holder's
 * migration waits for every older snapshot — the two would deadlock. Bounded by the migration
 * timeout (30 minutes when that is 0, i.e. none).
 */
async function takeMigrationLock(client: pg.Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + (timeoutMs > 0 ? timeoutMs : 30 * 60_000);
  for (;;) {
    const { rows } = await client.query('select pg_try_advisory_lock($1) as locked', [MIGRATION_LOCK_ID]);
    if (rows[0]?.locked) return;
    if (Date.now() > deadline)
      throw new Error('timed out waiting for another instance to finish the migrations');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
