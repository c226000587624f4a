import { and, asc, between, eq, gt, inArray, like, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../database/client.js';
import { type ContactRow, contactCounts, contacts } from '../database/schema/index.js';
import { escapeLike } from '../lib/search-text.js';

/** The columns a contact's owner may write; search_text is derived from them by the service. */
export type ContactValues = Pick<
  ContactRow,
  'firstName' | 'lastName' | 'email' | 'phone' | 'birthday' | 'additionalInfo' | 'searchText'
>;

/** Case-insensitive substring filters of the list; values are already folded by foldCase. */
export interface ContactFilters {
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  /** Folded search terms (searchTerms): a row matches when its search_text contains any of them. */
  terms?: string[] | undefined;
}

export interface Page {
  skip: number;
  limit: number;
}

/** A list page: by offset, or after a cursor (the last id of the previous page; keyset paging). */
export interface ListPage extends Page {
  afterId?: number | undefined;
}

export interface PageOf<T> {
  rows: T[];
  /** Rows matching before skip/limit. */
  total: number;
}

/** Everything but the owner and the derived search_text: what a contact's reader gets back. */
const publicColumns = {
  id: contacts.id,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  email: contacts.email,
  phone: contacts.phone,
  birthday: contacts.birthday,
  additionalInfo: contacts.additionalInfo,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
};

/** A contact as read back for its owner. */
export type ContactRecord = Omit<ContactRow, 'searchText' | 'userId' | 'birthdayMonthDay'>;

/** search_text contains one of the terms, wildcards typed by the user taken literally; uses the trigram index. */
function matchesAnyTerm(terms: string[]): SQL | undefined {
  if (terms.length === 0) return undefined;
  return or(...terms.map((term) => like(contacts.searchText, `%${escapeLike(term)}%`)));
}

/**
 * lower() of the column contains the folded value; strpos needs no escaping of % and _. lower() folds
 * every script under a UTF-8 locale (PGlite and the usual server images); a C-locale server folds ASCII only.
 */
function columnContains(column: SQL | AnyPgColumn, folded: string | undefined): SQL | undefined {
  return folded === undefined ? undefined : sql`strpos(lower(${column}), ${folded}) > 0`;
}

/**
 * Rows of one page plus the number matching, in one round trip via count(*) over (); only a page past
 * the end (no rows to carry the count) needs a second query.
 */
async function pageOf(
  db: Executor,
  where: SQL | undefined,
  orderBy: SQL[],
  page: Page,
): Promise<PageOf<ContactRecord>> {
  const found = await db
    .select({ ...publicColumns, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(contacts)
    .where(where)
    .orderBy(...orderBy)
    .limit(page.limit)
    .offset(page.skip);
  if (found.length > 0) {
    return { rows: found.map(({ total: _total, ...row }) => row), total: found[0]!.total };
  }
  if (page.skip === 0) return { rows: [], total: 0 };
  const [counted] = await db
    .select({ total: sql<number>`count(*)`.mapWith(Number) })
    .from(contacts)
    .where(where);
  return { rows: [], total: counted?.total ?? 0 };
}

/** Keyset paging: only ids after the cursor, found by a seek in the (user_id, id) index. */
function afterCursor(page: ListPage): SQL | undefined {
  return page.afterId === undefined ? undefined : gt(contacts.id, page.afterId);
}

/**
 * A page of the whole book, ordered by id, without reading the book: the page's ids come from an
 * index-only scan of (user_id, id) — a deep offset walks index entries, not rows — and the total is
 * the sum of the trigger-kept shard rows of contact_counts, in the same round trip.
 */
async function wholeBookPage(db: Executor, userId: number, page: ListPage): Promise<PageOf<ContactRecord>> {
  const pageIds = db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.userId, userId), afterCursor(page)))
    // (user_id, id) rather than id alone: the same order for one user, but it names the index that
    // yields it, so the planner walks that index even when the user owns most of the table.
    .orderBy(asc(contacts.userId), asc(contacts.id))
    .limit(page.limit)
    .offset(page.skip);
  const total = sql<number>`(select coalesce(sum(${contactCounts.total}), 0) from ${contactCounts} where ${contactCounts.userId} = ${userId})`;
  const found = await db
    .select({ ...publicColumns, total: total.mapWith(Number) })
    .from(contacts)
    .where(and(eq(contacts.userId, userId), inArray(contacts.id, pageIds)))
    .orderBy(asc(contacts.id));
  if (found.length > 0) {
    return { rows: found.map(({ total: _total, ...row }) => row), total: found[0]!.total };
  }
  const [counted] = await db
    .select({ total: sql<number>`coalesce(sum(${contactCounts.total}), 0)`.mapWith(Number) })
    .from(contactCounts)
    .where(eq(contactCounts.userId, userId));
  return { rows: [], total: counted?.total ?? 0 };
}

/** All SQL on the contacts table. Every query is scoped to the owner; each method takes the database or a transaction. */
export const contactsRepository = {
  async insert(db: Executor, userId: number, values: ContactValues): Promise<ContactRow> {
    const [row] = await db
      .insert(contacts)
      .values({ ...values, userId })
      .returning();
    return row!;
  },

  /** The owner's contact, optionally locked until the transaction ends (for read-modify-write). */
  async findOwned(
    db: Executor,
    userId: number,
    id: number,
    options: { forUpdate?: boolean } = {},
  ): Promise<ContactRow | undefined> {
    const query = db
      .select()
      .from(contacts)
      .where(and(eq(contacts.userId, userId), eq(contacts.id, id)));
    const [row] = options.forUpdate ? await query.for('update') : await query;
    return row;
  },

  async update(
    db: Executor,
    userId: number,
    id: number,
    values: ContactValues,
  ): Promise<ContactRow | undefined> {
    const [row] = await db
      .update(contacts)
      .set({ ...values, updatedAt: sql`now()` })
      .where(and(eq(contacts.userId, userId), eq(contacts.id, id)))
      .returning();
    return row;
  },

  async delete(db: Executor, userId: number, id: number): Promise<boolean> {
    const rows = await db
      .delete(contacts)
      .where(and(eq(contacts.userId, userId), eq(contacts.id, id)))
      .returning({ id: contacts.id });
    return rows.length > 0;
  },

  /** The owner's contacts matching every given filter, ordered by id. */
  async list(db: Executor, userId: number, filters: ContactFilters, page: ListPage) {
    const filtered = Boolean(filters.firstName || filters.lastName || filters.email || filters.terms?.length);
    if (!filtered) return wholeBookPage(db, userId, page);
    const where = and(
      eq(contacts.userId, userId),
      columnContains(contacts.firstName, filters.firstName),
      columnContains(contacts.lastName, filters.lastName),
      columnContains(sql`${contacts.email}::text`, filters.email),
      matchesAnyTerm(filters.terms ?? []),
    );
    if (page.afterId === undefined) return pageOf(db, where, [asc(contacts.id)], page);
    // With a cursor the total still counts every match, not only those after it.
    const rows = await db
      .select(publicColumns)
      .from(contacts)
      .where(and(where, afterCursor(page)))
      .orderBy(asc(contacts.id))
      .limit(page.limit)
      .offset(page.skip);
    const [counted] = await db
      .select({ total: sql<number>`count(*)`.mapWith(Number) })
      .from(contacts)
      .where(where);
    return { rows, total: counted?.total ?? 0 };
  },

  /**
   * The owner's contacts whose search_text contains any term, best first: a whole line equal to a term
   * (exact), then a line starting with one (prefix), then any substring; ties by id.
   */
  async search(db: Executor, userId: number, terms: string[], page: Page) {
    const ranks = terms.map(
      (term) => sql`case when strpos(${contacts.searchText}, ${`\n${term}\n`}) > 0 then 0
        when strpos(${contacts.searchText}, ${`\n${term}`}) > 0 then 1 else 2 end`,
    );
    const rank = ranks.length === 1 ? ranks[0]! : sql`least(${sql.join(ranks, sql`, `)})`;
    const where = and(eq(contacts.userId, userId), matchesAnyTerm(terms));
    return pageOf(db, where, [asc(rank), asc(contacts.id)], page);
  },

  /** The owner's contacts whose birthday month*100+day lies in one of the ranges (uses the (user_id, birthday_md) index). */
  async withBirthdayIn(
    db: Executor,
    userId: number,
    ranges: { from: number; to: number }[],
  ): Promise<ContactRecord[]> {
    if (ranges.length === 0) return [];
    const inRange = ranges.map((range) => between(contacts.birthdayMonthDay, range.from, range.to));
    return db
      .select(publicColumns)
      .from(contacts)
      .where(and(eq(contacts.userId, userId), or(...inRange)));
  },
};
