import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { contactCounts, contacts } from '../database/schema/index.js';
import { type ContactRecord, type ListPage, type PageOf, publicColumns } from './contacts-columns.js';

/**
 * Pages whose skip + limit stays within this many rows are found by the index walk below; deeper
 * offsets walk the index with OFFSET instead (one descent, then entries), and `after_id` is the way
 * to page deep without an offset.
 */
export const INDEX_WALK_MAX_ROWS = 200;

/** The book's size: the sum of the trigger-kept shard rows of contact_counts (at most 16 rows). */
function keptTotal(userId: number): SQL<number> {
  return sql<number>`(select coalesce(sum(${contactCounts.total}), 0) from ${contactCounts} where ${contactCounts.userId} = ${userId})`;
}

/**
 * The ids of a page, one `(user_id, id)` index descent per row: each step asks for the next id after
 * the previous one with LIMIT 1. The planner prefers an ordered index scan for LIMIT 1 whatever it
 * believes the book's size to be, so the plan does not depend on statistics: a book just written
 * (never analysed, no visibility map) is walked exactly like a vacuumed one. A plain
 * `ORDER BY id LIMIT 20` is chosen by estimate: without statistics PostgreSQL guesses a handful of
 * rows for the user, prefers a bitmap scan of the whole book plus a sort, and reads every row.
 */
function walkedIds(userId: number, afterId: number, rows: number, skip: number): SQL {
  return sql`with recursive walk(id, n) as (
      (select ${contacts.id}, 1 from ${contacts}
        where ${contacts.userId} = ${userId} and ${contacts.id} > ${afterId}
        order by ${contacts.userId}, ${contacts.id} limit 1)
      union all
      (select next_id.id, walk.n + 1 from walk cross join lateral
        (select c.id from ${contacts} c where c.user_id = ${userId} and c.id > walk.id
          order by c.user_id, c.id limit 1) next_id
        where walk.n < ${rows})
    )
    select id from walk where n > ${skip}`;
}

/**
 * The statement of a whole-book page (without running it): the page's rows, each carrying the book's
 * size. The page's ids come from the index (walked, or by offset for deep pages) and its rows are
 * fetched by those ids (`id = any(array(...))`: one primary-key lookup per id, a plan no estimate can
 * turn into a scan of the book).
 */
export function wholeBookPageQuery(db: Executor, userId: number, page: ListPage) {
  const afterId = page.afterId ?? 0;
  const ids =
    page.skip + page.limit <= INDEX_WALK_MAX_ROWS
      ? walkedIds(userId, afterId, page.skip + page.limit, page.skip)
      : db
          .select({ id: contacts.id })
          .from(contacts)
          .where(and(eq(contacts.userId, userId), gt(contacts.id, afterId)))
          // (user_id, id) rather than id alone: it names the index that yields the order.
          .orderBy(asc(contacts.userId), asc(contacts.id))
          .limit(page.limit)
          .offset(page.skip)
          .getSQL();
  // Only the primary key can serve `id = any(...)` alone. With `user_id = …` beside it, a planner that
  // guesses one row for the user (no statistics) may pick any (user_id, …) index and filter the whole
  // book by id; the ids are the user's by construction (the walk above is scoped to the user).
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
