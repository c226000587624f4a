import { and, asc, eq, like, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { contactCounts, contacts } from '../database/schema/index.js';
import { escapeLike } from '../lib/search-text.js';
import { contactsByIds, rowsOf } from './contacts-by-ids.js';
import { type ContactRecord, type Page, type PageOf, publicColumns } from './contacts-columns.js';

/** search_text contains one of the terms, wildcards typed by the user taken literally; uses the trigram index. */
export function matchesAnyTerm(terms: string[]): SQL | undefined {
  if (terms.length === 0) return undefined;
  return or(...terms.map((term) => like(contacts.searchText, `%${escapeLike(term)}%`)));
}

/**
 * The contract's ranking as a number: 0 when a whole line of search_text equals a term (exact), 1
 * when a line starts with one (prefix), 2 otherwise (substring); a contact takes its best term.
 */
function rankOf(terms: string[]): SQL {
  const ranks = terms.map(
    (term) => sql`case when strpos(${contacts.searchText}, ${`\n${term}\n`}) > 0 then 0
      when strpos(${contacts.searchText}, ${`\n${term}`}) > 0 then 1 else 2 end`,
  );
  return ranks.length === 1 ? ranks[0]! : sql`least(${sql.join(ranks, sql`, `)})`;
}

/**
 * The book's version: the sum of `changes` over the user's contact_counts shards, which every insert,
 * update and delete of their contacts raises (trigger, migration 0008). As text: a bigint sum.
 */
export function bookVersion(userId: number): SQL<string> {
  return sql<string>`(select coalesce(sum(${contactCounts.changes}), 0)::text from ${contactCounts} where ${contactCounts.userId} = ${userId})`;
}

/** The first ranked ids of a search, how many contacts match in all, and the book version they belong to. */
export interface RankedIds {
  ids: number[];
  total: number;
  version: string;
}

/**
 * Ranks every match once, narrowly (id and rank only: no row is carried through the sort), and keeps
 * the first `keep` ids in ranking order (rank, then id), the number of matches and the book version —
 * one statement, so all three come from the same snapshot.
 */
export async function rankedIds(
  db: Executor,
  userId: number,
  terms: string[],
  keep: number,
): Promise<RankedIds> {
  const where = and(eq(contacts.userId, userId), matchesAnyTerm(terms));
  const [row] = await rowsOf<{ ids: number[] | null; total: string | number; version: string }>(
    db,
    sql`
    with matches as materialized (
      select ${contacts.id} as id, ${rankOf(terms)} as rank from ${contacts} where ${where}
    )
    select array(select id from matches order by rank, id limit ${keep}) as ids,
      (select count(*) from matches) as total,
      ${bookVersion(userId)} as version`,
  );
  if (!row) throw new Error('a search ranking returned no row');
  return { ids: (row.ids ?? []).map(Number), total: Number(row.total), version: String(row.version) };
}

/**
 * The caller's contacts among `ids`, in the order of `ids`, and the book's version read in the same
 * statement (undefined when none of them exists any more, or `ids` is empty).
 */
export async function contactsWithVersion(
  db: Executor,
  userId: number,
  ids: number[],
): Promise<{ rows: ContactRecord[]; version: string | undefined }> {
  if (ids.length === 0) {
    const [row] = await rowsOf<{ version: string }>(db, sql`select ${bookVersion(userId)} as version`);
    return { rows: [], version: row === undefined ? undefined : String(row.version) };
  }
  const { rows, extra } = await contactsByIds(db, userId, ids, bookVersion(userId));
  return { rows, version: extra === undefined ? undefined : String(extra) };
}

/**
 * A page of the ranked search computed in full (every match ranked and counted): for pages beyond
 * the ids a ranking keeps, and for callers without a cache.
 */
export async function searchPage(
  db: Executor,
  userId: number,
  terms: string[],
  page: Page,
): Promise<PageOf<ContactRecord>> {
  const where = and(eq(contacts.userId, userId), matchesAnyTerm(terms));
  const found = await db
    .select({ ...publicColumns, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(contacts)
    .where(where)
    .orderBy(asc(rankOf(terms)), asc(contacts.id))
    .limit(page.limit)
    .offset(page.skip);
  if (found.length > 0) {
    return { rows: found.map(({ total: _total, ...row }) => row), total: found[0]!.total };
  }
  const [counted] = await db
    .select({ total: sql<number>`count(*)`.mapWith(Number) })
    .from(contacts)
    .where(where);
  return { rows: [], total: counted?.total ?? 0 };
}
