import { and, between, eq, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { contacts } from '../database/schema/index.js';
import type { BirthdayOrder } from '../lib/birthdays.js';
import { contactsByIds, rowsOf } from './contacts-by-ids.js';
import type { ContactRecord, Page, PageOf } from './contacts-columns.js';

/**
 * The owner's contacts whose birthday month*100+day lies in the window. Both conditions are index
 * conditions of (user_id, birthday_md), which makes that index the cheapest even for a planner that
 * has no statistics yet (a book just written).
 */
function inWindow(userId: number, order: BirthdayOrder): SQL | undefined {
  const ranges = order.ranges.map((range) =>
    and(eq(contacts.userId, userId), between(contacts.birthdayMonthDay, range.from, range.to)),
  );
  return or(...ranges);
}

/**
 * birthdayOrderKey (src/lib/birthdays.ts) in SQL: month-days before today's are next year's, and
 * 29 February is 28 February in a common year. Unit tests hold the JavaScript twin to the calendar.
 */
function orderKey(order: BirthdayOrder): SQL {
  const md = contacts.birthdayMonthDay;
  const nextYear = sql`${md} < ${order.todayMonthDay}`;
  const leap = sql`case when ${nextYear} then ${order.leapNextYear}::boolean else ${order.leapThisYear}::boolean end`;
  return sql`(case when ${nextYear} then 10000 else 0 end
    + case when ${md} = 229 and not ${leap} then 228 else ${md} end)`;
}

/**
 * One page of the birthday window, soonest first then by id, and the window's size. The window is
 * read once, narrowly (id and sort key, from the (user_id, birthday_md) index): the sort and the count
 * never carry a contact's row, and only the page's rows are fetched, by id — a 100 000-contact book's
 * week of ~1 900 birthdays costs a narrow sort, not 550 KB of rows.
 */
export async function birthdayPage(
  db: Executor,
  userId: number,
  order: BirthdayOrder,
  page: Page,
): Promise<PageOf<ContactRecord>> {
  const [window] = await rowsOf<{ ids: number[] | null; total: string | number }>(
    db,
    sql`with birthday_window as materialized (
        select ${contacts.id} as id, ${orderKey(order)} as key from ${contacts} where ${inWindow(userId, order)}
      )
      select array(select id from birthday_window order by key, id limit ${page.limit} offset ${page.skip}) as ids,
        (select count(*) from birthday_window) as total`,
  );
  const ids = (window?.ids ?? []).map(Number);
  const total = Number(window?.total ?? 0);
  if (ids.length === 0) return { rows: [], total };
  const { rows } = await contactsByIds(db, userId, ids, sql<null>`null`);
  return { rows, total };
}
