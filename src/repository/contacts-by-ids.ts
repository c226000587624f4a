import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { contacts } from '../database/schema/index.js';
import { type ContactRecord, publicColumns } from './contacts-columns.js';

/** Rows of a raw statement: both drivers (pg and PGlite) answer `execute` with `{ rows }` of plain objects. */
export async function rowsOf<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** `id = any($ids)`: one primary-key lookup per id, a plan no row estimate can turn into a scan. */
export function idIn(ids: number[]): SQL {
  return sql`${contacts.id} = any(${sql.param(ids)}::int[])`;
}

/**
 * The caller's contacts among `ids`, in the order of `ids` (ids that are not the caller's, or no
 * longer exist, are left out), plus one extra value read in the same statement (same snapshot).
 */
export async function contactsByIds<T>(
  db: Executor,
  userId: number,
  ids: number[],
  extra: SQL<T>,
): Promise<{ rows: ContactRecord[]; extra: T | undefined }> {
  // By primary key only (see wholeBookPageQuery): ownership is checked on the fetched rows.
  const found = await db
    .select({ ...publicColumns, owner: contacts.userId, extra })
    .from(contacts)
    .where(idIn(ids));
  const byId = new Map(
    found
      .filter((row) => row.owner === userId)
      .map(({ extra: _extra, owner: _owner, ...row }) => [row.id, row]),
  );
  const rows = ids.map((id) => byId.get(id)).filter((row): row is ContactRecord => row !== undefined);
  return { rows, extra: found.find((row) => row.owner === userId)?.extra };
}
