import { bigint, integer, pgTable, primaryKey, smallint } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * How many contacts each user has, kept by a trigger on contacts (migration 0004) in the same
 * transaction as every insert and delete, so `X-Total-Count` of an unfiltered list is a read of a
 * few rows instead of a count over the whole book. A user's count is spread over up to 16 shard
 * rows (summed on read), so concurrent inserts into one book do not all queue on one row lock.
 * `changes` counts every insert, update and delete of the user's contacts (migration 0008): its sum
 * over the shards is the book's version, which only grows, so a reader can tell in one indexed read
 * whether anything in the book changed since it last looked (the search result cache does).
 */
export const contactCounts = pgTable(
  'contact_counts',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    shard: smallint('shard').notNull(),
    total: integer('total').notNull().default(0),
    changes: bigint('changes', { mode: 'number' }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.userId, table.shard], name: 'contact_counts_pkey' })],
);
