import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The first line that makes a migration run outside a transaction (e.g. `CREATE INDEX CONCURRENTLY`). */
export const NO_TRANSACTION_MARKER = '-- migrate: no-transaction';
const BREAKPOINT = '--> statement-breakpoint';

export interface MigrationFile {
  tag: string;
  /** The journal's `when`: drizzle's bookkeeping orders and recognises migrations by it. */
  when: number;
  /** SHA-256 of the file, as drizzle records it. */
  hash: string;
  statements: string[];
  transaction: boolean;
}

/** What the runner needs of a connection: both PGlite and a dedicated pg client provide it. */
export interface MigrationSession {
  /** Runs SQL text outside the extended protocol (no parameters). */
  exec(sqlText: string): Promise<void>;
  query<T>(sqlText: string, params: unknown[]): Promise<T[]>;
}

/** Reads drizzle's `meta/_journal.json` and the SQL files it lists, in journal order. */
export function readMigrations(folder: string): MigrationFile[] {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map(({ tag, when }) => {
    const text = readFileSync(path.join(folder, `${tag}.sql`), 'utf8');
    return {
      tag,
      when,
      hash: createHash('sha256').update(text).digest('hex'),
      statements: text.split(BREAKPOINT).filter((statement) => statement.trim() !== ''),
      transaction: text.split('\n', 1)[0]?.trim() !== NO_TRANSACTION_MARKER,
    };
  });
}

/**
 * Runs `work` in a transaction. A deadlock (SQLSTATE 40P01: another session, such as a test
 * dropping its schema, locked shared objects like the extensions' types in the other order)
 * rolled the whole transaction back, so it is tried again, a few times.
 */
async function inTransaction(session: MigrationSession, work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await session.exec('begin');
    try {
      await work();
      await session.exec('commit');
      return;
    } catch (error) {
      await session.exec('rollback').catch(() => {});
      if ((error as { code?: string }).code !== '40P01' || attempt >= 3) throw error;
    }
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Applies pending migrations with drizzle's bookkeeping (`<schema>.__drizzle_migrations`: the same
 * table, hash and `created_at` rule as drizzle's migrator, so a database it migrated sees no
 * difference), but each migration in its own transaction — and a file whose first line is
 * `-- migrate: no-transaction` statement by statement outside any transaction, which
 * `CREATE INDEX CONCURRENTLY` needs. Such a file must be idempotent (`IF NOT EXISTS`): a failure
 * half-way leaves the statements before it applied, and the next start runs the file again.
 * Returns the tags applied. The caller serialises concurrent starters (advisory lock).
 */
export async function runMigrations(
  session: MigrationSession,
  folder: string,
  schema = 'drizzle',
): Promise<string[]> {
  const table = `${ident(schema)}.${ident('__drizzle_migrations')}`;
  await session.exec(`create schema if not exists ${ident(schema)}`);
  await session.exec(
    `create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`,
  );
  const [last] = await session.query<{ created_at: string | number }>(
    `select created_at from ${table} order by created_at desc limit 1`,
    [],
  );
  const applied: string[] = [];
  for (const migration of readMigrations(folder)) {
    if (last && Number(last.created_at) >= migration.when) continue;
    const record = () =>
      session.query(`insert into ${table} (hash, created_at) values ($1, $2)`, [
        migration.hash,
        migration.when,
      ]);
    if (!migration.transaction) {
      for (const statement of migration.statements) await session.exec(statement);
      await record();
    } else {
      await inTransaction(session, async () => {
        for (const statement of migration.statements) await session.exec(statement);
        await record();
      });
    }
    applied.push(migration.tag);
  }
  return applied;
}
