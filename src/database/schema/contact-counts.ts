import { integer, pgTable } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * How many contacts each user has, kept by a trigger on contacts (migration 0004) in the same
 * transaction as every insert and delete, so `X-Total-Count` of an unfiltered list is one row read
 * instead of a count over the whole book.
 */
export const contactCounts = pgTable('contact_counts', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  total: integer('total').notNull().default(0),
});
