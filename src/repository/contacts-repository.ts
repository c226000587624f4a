import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../database/client.js';
import { type ContactRow, contacts } from '../database/schema/index.js';
import type { BirthdayOrder } from '../lib/birthdays.js';
import { birthdayPage } from './contacts-birthdays.js';
import { wholeBookPage } from './contacts-book-page.js';
import {
  type ContactRecord,
  type ListPage,
  type Page,
  type PageOf,
  publicColumns,
} from './contacts-columns.js';
import {
  contactsWithVersion,
  matchesAnyTerm,
  type RankedIds,
  rankedIds,
  searchPage,
} from './contacts-search.js';

export type { ContactRecord, ListPage, Page, PageOf, RankedIds };

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
      .where(and(where, gt(contacts.id, page.afterId)))
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
   * (exact), then a line starting with one (prefix), then any substring; ties by id. Every match is
   * ranked and counted (see rankedIds and contactsWithVersion for the cached path).
   */
  search(db: Executor, userId: number, terms: string[], page: Page) {
    return searchPage(db, userId, terms, page);
  },

  rankedIds,
  contactsWithVersion,

  /** One page of the owner's upcoming birthdays in the window of `order`, and the window's size. */
  birthdayPage(db: Executor, userId: number, order: BirthdayOrder, page: Page) {
    return birthdayPage(db, userId, order, page);
  },
};
