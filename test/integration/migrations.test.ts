import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, MIGRATIONS_FOLDER, openDatabase } from '../../src/database/client.js';
import { readMigrations } from '../../src/database/migrate.js';
import { BACKEND, TEST_DATABASE_URL } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/process.js';

type Row = Record<string, unknown>;
const rowsOf = async (db: DatabaseHandle, query: ReturnType<typeof sql>) =>
  ((await db.db.execute(query)) as unknown as { rows: Row[] }).rows;
const bookkeeping = (db: DatabaseHandle) =>
  rowsOf(db, sql`select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by id`);
const indexExists = async (db: DatabaseHandle, name: string) =>
  (await rowsOf(db, sql`select 1 from pg_indexes where indexname = ${name}`)).length === 1;

/** The drizzle-orm migrator this project used before (one transaction for all pending migrations). */
function oldMigrate(db: DatabaseHandle, folder: string) {
  const target = db.db as never;
  return db.kind === 'postgres'
    ? migrateNodePg(target, { migrationsFolder: folder })
    : migratePglite(target, { migrationsFolder: folder });
}

describe(`migration runner (${BACKEND})`, () => {
  const dropLater: (() => Promise<void>)[] = [];
  /** The committed migrations drizzle's own migrator can run (those before the first no-transaction file). */
  let landed: string;
  /** `landed` plus one that builds indexes CONCURRENTLY, outside a transaction. */
  let folder: string;

  /** A fresh database (a new one on the server, or an in-memory embedded one). */
  async function freshDatabase(
    options: { migrationsFolder?: string; migrationTimeoutMs?: number; timeoutMs?: number } = {},
  ) {
    const server = TEST_DATABASE_URL ? await createTestDatabase(TEST_DATABASE_URL) : undefined;
    const db = await openDatabase({ url: server?.url, ...options });
    dropLater.push(async () => {
      await db.close().catch(() => {});
      await server?.drop();
    });
    return db;
  }

  beforeAll(async () => {
    // The committed migrations plus one that builds indexes CONCURRENTLY, outside a transaction.
    landed = await mkdtemp(path.join(tmpdir(), 'contacts-migrations-landed-'));
    await cp(MIGRATIONS_FOLDER, landed, { recursive: true });
    const landedJournal = JSON.parse(await readFile(path.join(landed, 'meta', '_journal.json'), 'utf8'));
    const firstOutside = readMigrations(MIGRATIONS_FOLDER).findIndex((m) => !m.transaction);
    if (firstOutside !== -1) landedJournal.entries = landedJournal.entries.slice(0, firstOutside);
    await writeFile(path.join(landed, 'meta', '_journal.json'), JSON.stringify(landedJournal));
    folder = await mkdtemp(path.join(tmpdir(), 'contacts-migrations-'));
    await cp(landed, folder, { recursive: true });
    const journalFile = path.join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(await readFile(journalFile, 'utf8'));
    const last = journal.entries.at(-1);
    journal.entries.push({
      ...last,
      idx: last.idx + 1,
      when: last.when + 1000,
      tag: '9999_concurrent_index',
    });
    await writeFile(journalFile, JSON.stringify(journal));
    await writeFile(
      path.join(folder, '9999_concurrent_index.sql'),
      [
        '-- migrate: no-transaction',
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS contacts_created_test_idx ON contacts (created_at);',
        '--> statement-breakpoint',
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_created_test_idx ON users (created_at);',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    for (const drop of dropLater) await drop();
    await rm(folder, { recursive: true, force: true });
    await rm(landed, { recursive: true, force: true });
  });

  it('a fresh database gets the same bookkeeping as drizzle’s migrator writes', async () => {
    const ours = await freshDatabase({ migrationsFolder: landed });
    await ours.migrate();
    const theirs = await freshDatabase();
    await oldMigrate(theirs, landed);
    const expected = readMigrations(landed).map((m) => ({
      hash: m.hash,
      created_at: String(m.when),
    }));
    expect(await bookkeeping(ours)).toEqual(expected);
    expect(await bookkeeping(theirs)).toEqual(expected);
    // Applying again changes nothing.
    await ours.migrate();
    expect(await bookkeeping(ours)).toEqual(expected);
    // And the whole committed folder (no-transaction files included) applies.
    const full = await freshDatabase();
    await full.migrate();
    expect(await bookkeeping(full)).toHaveLength(readMigrations(MIGRATIONS_FOLDER).length);
  }, 180_000);

  it('a database migrated by the old migrator takes only the new migration, built outside a transaction', async () => {
    const existing = await freshDatabase({ migrationsFolder: folder });
    await oldMigrate(existing, landed);
    const before = await bookkeeping(existing);
    // The old migrator runs every pending migration inside one transaction: CONCURRENTLY cannot run there.
    await expect(oldMigrate(existing, folder)).rejects.toThrow();
    await existing.migrate();
    const after = await bookkeeping(existing);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)?.created_at).toBe(String(readMigrations(folder).at(-1)?.when));
    expect(await indexExists(existing, 'contacts_created_test_idx')).toBe(true);
    expect(await indexExists(existing, 'users_created_test_idx')).toBe(true);
  }, 180_000);

  it('a failing migration rolls back alone; the ones before it stay applied', async () => {
    const broken = await mkdtemp(path.join(tmpdir(), 'contacts-migrations-broken-'));
    dropLater.push(() => rm(broken, { recursive: true, force: true }));
    await cp(folder, broken, { recursive: true });
    await writeFile(
      path.join(broken, '9999_concurrent_index.sql'),
      'CREATE TABLE half_done (id integer);\n--> statement-breakpoint\nSELECT no_such_function();',
    );
    const db = await freshDatabase({ migrationsFolder: broken });
    await expect(db.migrate()).rejects.toThrow();
    expect(await bookkeeping(db)).toHaveLength(readMigrations(landed).length);
    expect(await rowsOf(db, sql`select to_regclass('half_done')::text as t`)).toEqual([{ t: null }]);
  }, 180_000);

  it.runIf(TEST_DATABASE_URL)(
    'migrations run under MIGRATION_TIMEOUT_MS, not the request timeout (needs TEST_DATABASE_URL: the embedded database has no timeouts)',
    async () => {
      const slow = await mkdtemp(path.join(tmpdir(), 'contacts-migrations-slow-'));
      dropLater.push(() => rm(slow, { recursive: true, force: true }));
      await cp(folder, slow, { recursive: true });
      await writeFile(path.join(slow, '9999_concurrent_index.sql'), 'SELECT pg_sleep(1.5);');
      // A 500 ms request timeout does not cut a 1.5 s migration short...
      const patient = await freshDatabase({ migrationsFolder: slow, timeoutMs: 500, migrationTimeoutMs: 0 });
      await patient.migrate();
      // ...while MIGRATION_TIMEOUT_MS does bound it.
      const bounded = await freshDatabase({
        migrationsFolder: slow,
        timeoutMs: 5000,
        migrationTimeoutMs: 300,
      });
      await expect(bounded.migrate()).rejects.toThrow(/statement timeout/);
    },
    180_000,
  );
});
