import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
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
  poolSize?: number;
}

/** The committed `drizzle/` folder: two levels up from src/database, three from the compiled dist/src/database. */
const MIGRATIONS_FOLDER = ['../../drizzle', '../../../drizzle']
  .map((relative) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), relative))
  .find((folder) => existsSync(path.join(folder, 'meta', '_journal.json')))!;
// Two instances starting together must not both apply the same migration.
const MIGRATION_LOCK_ID = 7_220_411;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options) : openEmbedded(options);
}

async function openEmbedded(options: DatabaseOptions): Promise<DatabaseHandle> {
  // Loaded only for the embedded database: a server on PostgreSQL never pays for the WebAssembly build.
  const [
    { PGlite },
    { btree_gin },
    { citext },
    { pg_trgm },
    { drizzle: drizzlePglite },
    { migrate: migratePglite },
  ] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('@electric-sql/pglite/contrib/citext'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  if (options.embeddedDir) await mkdir(options.embeddedDir, { recursive: true });
  const client = await PGlite.create({
    ...(options.embeddedDir ? { dataDir: options.embeddedDir } : {}),
    extensions: { btree_gin, citext, pg_trgm },
  });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'embedded',
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
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
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        // Schemas sharing a server (tests) must find the extensions: installed by the first schema's
        // migration they would live in that schema, invisible to the others and dropped with it.
        if (schemaName) {
          await client.query('create extension if not exists citext schema public');
          await client.query('create extension if not exists pg_trgm schema public');
          await client.query('create extension if not exists btree_gin schema public');
        }
        await migrateNodePg(drizzleNodePg(client, { schema }), {
          migrationsFolder: MIGRATIONS_FOLDER,
          ...(schemaName ? { migrationsSchema: schemaName } : {}),
        });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
        client.release();
      }
    },
    ping: async (pingTimeoutMs) => {
      await withTimeout(db.execute(sql`select 1`), pingTimeoutMs);
    },
    close: () => pool.end(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
