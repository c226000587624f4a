import { asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { contactCounts, contacts } from '../database/schema/index.js';
import { type ContactRecord, type ListPage, type PageOf, publicColumns } from './contacts-columns.js';

/** The book's size: the sum of the trigger-kept shard rows of contact_counts (at most 16 rows). */
function keptTotal(userId: number): SQL<number> {
  return sql<number>`(select coalesce(sum(${contactCounts.total}), 0) from ${contactCounts} where ${contactCounts.userId} = ${userId})`;
}

/**
 * The statement of a whole-book page (without running it): the page's rows, each carrying the book's
 * size. The page's ids come from one ordered range scan of the (user_id, id) index, a plan that does
 * not depend on statistics (a book just written through the API has none), and its rows are
 * fetched by those ids (`id = any(array(...))`: one primary-key lookup per id, a plan no estimate can
 * turn into a scan of the book).
 */
export function wholeBookPageQuery(db: Executor, userId: number, page: ListPage) {
  // contacts_page_ids (migration 0010) walks the (user_id, id) index whatever the statistics say.
  const ids = sql`select contacts_page_ids(${userId}, ${page.afterId ?? 0}, ${page.limit}, ${page.skip})`;
  // Only the primary key can serve `id = any(...)` alone. With `user_id = …` beside it, a planner that
  // guesses one row for the user (no statistics) may pick any (user_id, …) index and filter the whole
  // book by id; the ids are the user's by construction (the function is scoped to the user).
  return db
    .select({ ...publicColumns, total: keptTotal(userId).mapWith(Number) })
    .from(contacts)
    .where(sql`${contacts.id} = any(array(${ids}))`)
    .orderBy(asc(contacts.id));
}

/** A page of the whole book ordered by id, plus the book's size, in one round trip and without reading the book. */
export async function wholeBookPage(
  db: Executor,
  userId: number,
  page: ListPage,
): Promise<PageOf<ContactRecord>> {
  const found = await wholeBookPageQuery(db, userId, page);
  if (found.length > 0) {
    return { rows: found.map(({ total: _total, ...row }) => row), total: found[0]!.total };
  }
  const [counted] = await db
    .select({ total: sql<number>`coalesce(sum(${contactCounts.total}), 0)`.mapWith(Number) })
    .from(contactCounts)
    .where(eq(contactCounts.userId, userId));
  return { rows: [], total: counted?.total ?? 0 };
}
