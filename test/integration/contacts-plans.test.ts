import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../src/database/schema/index.js';
import { buildSearchText } from '../../src/lib/search-text.js';
import { wholeBookPageQuery } from '../../src/repository/contacts-book-page.js';
import { createTestApp, type TestContext, type TestUser } from '../helpers/app.js';
import { contactsApi, ids } from '../helpers/contacts.js';

/**
 * The list's plan must not depend on statistics: a book just written (never analysed, no visibility
 * map, as after a burst of POST /api/contacts) is paged by reading about a page of rows, not the book.
 */
// Large enough that reading the book costs more than fetching a page by primary key: on a table of a
// few dozen pages a sequential scan is the right plan, and the planner knows the size from the file.
const BOOK = 10_000;

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan took from (or threw away of) the contacts table, over every scan node on it. */
function contactRowsRead(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'contacts'
      ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + contactRowsRead(child), 0);
}

let ctx: TestContext;
let user: TestUser;

type Runner = Pick<TestContext['deps']['database']['db'], 'execute'>;

async function rowsRead(query: SQL, db: Runner = ctx.deps.database.db): Promise<number> {
  const result = (await db.execute(sql`explain (analyze, format json) ${query}`)) as unknown as {
    rows: { 'QUERY PLAN': unknown }[];
  };
  const raw = result.rows[0]!['QUERY PLAN'];
  const [plan] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return contactRowsRead(plan!.Plan);
}

beforeAll(async () => {
  ctx = await createTestApp();
  user = await ctx.createUser();
  const other = await ctx.createUser();
  // Written in one burst, like a book imported through the API, and never analysed or vacuumed.
  const rows = Array.from({ length: BOOK }, (_, i) => {
    const values = { firstName: `Name${i}`, lastName: null, email: `n${i}@example.com`, phone: null };
    return { ...values, userId: i % 10 === 0 ? other.id : user.id, searchText: buildSearchText(values) };
  });
  for (let start = 0; start < rows.length; start += 1000) {
    await ctx.deps.database.db.insert(contacts).values(rows.slice(start, start + 1000));
  }
}, 180_000);
afterAll(async () => {
  await ctx?.close();
});

describe('the whole-book page on a book just written', () => {
  it('reads about a page of rows, not the book, for the first page, a cursor page and a near page', async () => {
    const db = ctx.deps.database.db;
    const first = await rowsRead(wholeBookPageQuery(db, user.id, { skip: 0, limit: 20 }).getSQL());
    expect(first).toBeLessThanOrEqual(3 * 20);
    const byCursor = await rowsRead(
      wholeBookPageQuery(db, user.id, { skip: 0, limit: 20, afterId: 1500 }).getSQL(),
    );
    expect(byCursor).toBeLessThanOrEqual(3 * 20);
    const second = await rowsRead(wholeBookPageQuery(db, user.id, { skip: 100, limit: 100 }).getSQL());
    expect(second).toBeLessThanOrEqual(3 * 200);
  });

  it("walks the index in contacts_page_ids's own body, under its own planner settings", async () => {
    // An EXPLAIN of the caller cannot see inside a SQL function: run the function's body, as the
    // database holds it, under the settings it declares, on this book that was never analysed.
    const db = ctx.deps.database.db;
    const { rows } = (await db.execute(
      sql`select prosrc, proconfig from pg_proc where oid = 'contacts_page_ids'::regproc`,
    )) as unknown as { rows: { prosrc: string; proconfig: string[] | null }[] };
    const { prosrc, proconfig } = rows[0]!;
    expect(proconfig).toEqual(
      expect.arrayContaining(['enable_bitmapscan=off', 'enable_seqscan=off', 'enable_sort=off']),
    );
    const read = await db.transaction(async (tx) => {
      for (const setting of proconfig ?? []) {
        const [name, value] = setting.split('=');
        await tx.execute(sql.raw(`set local ${name} = ${value}`));
      }
      await tx.execute(sql.raw(`prepare page_body(integer, integer, integer, integer) as ${prosrc}`));
      try {
        return [
          await rowsRead(sql.raw(`execute page_body(${user.id}, 0, 20, 0)`), tx),
          await rowsRead(sql.raw(`execute page_body(${user.id}, 1500, 20, 0)`), tx),
          await rowsRead(sql.raw(`execute page_body(${user.id}, 0, 100, 100)`), tx),
        ];
      } finally {
        await tx.execute(sql.raw('deallocate page_body'));
      }
    });
    expect(read[0]).toBeLessThanOrEqual(3 * 20);
    expect(read[1]).toBeLessThanOrEqual(3 * 20);
    expect(read[2]).toBeLessThanOrEqual(3 * 200);
  });

  it('answers the same pages through HTTP', async () => {
    const api = contactsApi(ctx, user);
    const mine = BOOK - BOOK / 10;
    const first = await api.call('GET', '/api/contacts?limit=20');
    expect(first.headers['x-total-count']).toBe(String(mine));
    const firstIds = ids(first);
    expect(firstIds).toHaveLength(20);
    expect(firstIds).toEqual([...firstIds].sort((a, b) => a - b));
    const next = await api.call('GET', `/api/contacts?limit=20&after_id=${firstIds[19]}`);
    const bySkip = await api.call('GET', '/api/contacts?limit=20&skip=20');
    expect(ids(next)).toEqual(ids(bySkip));
    expect(ids(next)[0]).toBeGreaterThan(firstIds[19]!);
    // Deep pages walk the same index by offset: the same order.
    const deep = await api.call('GET', '/api/contacts?limit=300&skip=7000');
    const deepIds = ids(deep);
    expect(deepIds).toHaveLength(300);
    const cursor = await api.call('GET', `/api/contacts?limit=300&after_id=${deepIds[0]! - 1}`);
    expect(ids(cursor)).toEqual(deepIds);
  });
});
