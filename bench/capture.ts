import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../src/database/client.js';
import * as schema from '../src/database/schema/index.js';
import { todayInZone, upcomingOrder } from '../src/lib/birthdays.js';
import { searchTerms } from '../src/lib/search-text.js';
import { contactsRepository } from '../src/repository/contacts-repository.js';
import { usersRepository } from '../src/repository/users-repository.js';

export interface CapturedQuery {
  label: string;
  sql: string;
  params: unknown[];
}

/**
 * Runs the service's own repository methods against the bench database through a logging Drizzle
 * instance, and returns the SQL and parameters they sent: EXPLAIN and the baseline's SQL check use
 * exactly what the service runs, and follow it when the repository changes.
 */
export async function captureQueries(
  url: string,
  args: { userId: number; sessionId: string; searchQueries: string[]; deepSkip: number },
): Promise<CapturedQuery[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let label = '';
  const captured: CapturedQuery[] = [];
  const db = drizzle(pool, {
    schema,
    logger: { logQuery: (sql, params) => captured.push({ label, sql, params }) },
  }) as unknown as Database;
  const run = async (name: string, call: () => Promise<unknown>) => {
    label = name;
    await call();
  };
  try {
    const { userId } = args;
    await run('list ?limit=20', () => contactsRepository.list(db, userId, {}, { skip: 0, limit: 20 }));
    await run(`list ?skip=${args.deepSkip}&limit=20`, () =>
      contactsRepository.list(db, userId, {}, { skip: args.deepSkip, limit: 20 }),
    );
    // A search ranks and counts every match once (the cold path), then serves pages of the unchanged
    // book by id with a version check (the path of a repeated search): both are captured.
    for (const q of args.searchQueries) {
      let ids: number[] = [];
      await run(`search/${q}`, async () => {
        ids = (await contactsRepository.rankedIds(db, userId, searchTerms(q), 1000)).ids;
      });
      await run(`search page/${q} (repeated search)`, () =>
        contactsRepository.contactsWithVersion(db, userId, ids.slice(0, 100)),
      );
    }
    const order = upcomingOrder(todayInZone('UTC'), 7);
    await run('birthdays/upcoming?days_ahead=7', () =>
      contactsRepository.birthdayPage(db, userId, order, { skip: 0, limit: 100 }),
    );
    await run('me (cache miss)', () => usersRepository.findLiveSession(db, args.sessionId, userId));
  } finally {
    await pool.end();
  }
  return captured;
}
