import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { citext } from './types.js';
import { users } from './users.js';

export const contacts = pgTable(
  'contacts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstName: varchar('first_name', { length: 100 }).notNull(),
    lastName: varchar('last_name', { length: 100 }),
    email: citext('email'),
    phone: varchar('phone', { length: 20 }),
    birthday: date('birthday', { mode: 'string' }),
    /** month * 100 + day, so upcoming birthdays are an index range, not a scan of the book. */
    birthdayMonthDay: smallint('birthday_md').generatedAlwaysAs(
      sql`(extract(month from birthday) * 100 + extract(day from birthday))::smallint`,
    ),
    additionalInfo: varchar('additional_info', { length: 10000 }),
    /**
     * Lower-cased (by JavaScript, the same folding the query gets, whatever the database locale)
     * newline-framed fields: "\nfirst\nlast\nfirst last\nemail\nphone digits\n". A substring match is
     * `LIKE`, and "\n" + q + "\n" or "\n" + q tell exact and prefix matches apart for ranking.
     */
    searchText: text('search_text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('contacts_user_email_key').on(table.userId, table.email),
    index('contacts_user_id_id_idx').on(table.userId, table.id),
    // id too (migration 0009): upcoming birthdays count and order a window from the index alone
    // (month-day, then id), without visiting the rows of a large book.
    index('contacts_user_birthday_md_id_idx').on(table.userId, table.birthdayMonthDay, table.id),
    // user_id inside the trigram index (btree_gin): a search only ever visits the caller's rows.
    index('contacts_user_search_trgm_idx').using('gin', table.userId, sql`${table.searchText} gin_trgm_ops`),
  ],
);

export type ContactRow = typeof contacts.$inferSelect;
