import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextBirthday, todayInZone } from '../../src/lib/birthdays.js';
import { createTestApp, type TestContext, type TestUser } from '../helpers/app.js';
import { type ContactBody, contactsApi } from '../helpers/contacts.js';

type BirthdayBody = ContactBody & { next_birthday: string; days_until: number };

let ctx: TestContext;
let user: TestUser;
let api: ReturnType<typeof contactsApi>;
const created: ContactBody[] = [];

/** 'YYYY-MM-DD' plus n days. */
function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

/** A birthday (in leap year 2000, so 29 February is valid) whose anniversary is `date`'s month and day. */
function bornOn(date: string): string {
  return `2000${date.slice(4)}`;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

async function add(firstName: string, birthday: string | null): Promise<ContactBody> {
  const contact = await api.create({ first_name: firstName, birthday });
  created.push(contact);
  return contact;
}

const upcoming = async (query = '') => {
  const response = await api.call('GET', `/api/contacts/birthdays/upcoming${query}`);
  expect(response.statusCode, `${query}: ${response.body.slice(0, 200)}`).toBe(200);
  return response.json() as BirthdayBody[];
};

/** What the API should answer for a window, computed with the unit-tested pure helper. */
function expected(today: string, daysAhead: number) {
  return created
    .filter((contact) => contact.birthday !== null)
    .map((contact) => ({ id: contact.id, ...nextBirthday(contact.birthday!, today) }))
    .filter((row) => row.daysUntil <= daysAhead)
    .sort((a, b) => a.daysUntil - b.daysUntil || a.id - b.id)
    .map((row) => ({ id: row.id, next_birthday: row.nextBirthday, days_until: row.daysUntil }));
}

const summary = (rows: BirthdayBody[]) =>
  rows.map((row) => ({ id: row.id, next_birthday: row.next_birthday, days_until: row.days_until }));

let today: string;
const named: Record<string, ContactBody> = {};

beforeAll(async () => {
  ctx = await createTestApp();
  user = await ctx.createUser();
  api = contactsApi(ctx, user);
  today = todayInZone('UTC');
  named.today = await add('Today', bornOn(today));
  named.edge = await add('Edge', bornOn(addDays(today, 7)));
  named.outside = await add('Outside', bornOn(addDays(today, 8)));
  named.yesterday = await add('Yesterday', bornOn(addDays(today, -1)));
  named.tomorrow = await add('Tomorrow', bornOn(addDays(today, 1)));
  named.todayTwin = await add('TodayTwin', `1985${today.slice(4) === '-02-29' ? '-02-28' : today.slice(4)}`);
  named.jan2 = await add('January', '1970-01-02');
  named.dec30 = await add('December', '1970-12-30');
  named.leap = await add('Leapling', '2000-02-29');
  await add('NoBirthday', null);
});
afterAll(async () => {
  await ctx?.close();
});

describe('GET /api/contacts/birthdays/upcoming', () => {
  it('defaults to 7 days: today and the window edge included, day 8 excluded, soonest first', async () => {
    const rows = await upcoming();
    expect(summary(rows)).toEqual(expected(today, 7));
    const rowIds = rows.map((row) => row.id);
    expect(rowIds).toContain(named.today!.id);
    expect(rowIds).toContain(named.edge!.id);
    expect(rowIds).toContain(named.tomorrow!.id);
    expect(rowIds).not.toContain(named.outside!.id);
    expect(rowIds).not.toContain(named.yesterday!.id);
    expect(rowIds.indexOf(named.today!.id)).toBeLessThan(rowIds.indexOf(named.tomorrow!.id));
    const todayRow = rows.find((row) => row.id === named.today!.id)!;
    expect(todayRow).toMatchObject({ first_name: 'Today', next_birthday: today, days_until: 0 });
    expect(rows.find((row) => row.id === named.edge!.id)).toMatchObject({
      days_until: 7,
      next_birthday: addDays(today, 7),
    });
    expect(Object.keys(todayRow).sort()).toEqual(
      [
        'additional_info',
        'birthday',
        'created_at',
        'days_until',
        'email',
        'first_name',
        'id',
        'last_name',
        'next_birthday',
        'phone',
        'updated_at',
      ].sort(),
    );
  });

  it('sends X-Total-Count: the whole window, which a small book gets in one answer', async () => {
    for (const days of [0, 7, 366]) {
      const response = await api.call('GET', `/api/contacts/birthdays/upcoming?days_ahead=${days}`);
      expect(response.headers['x-total-count']).toBe(String(expected(today, days).length));
      expect((response.json() as unknown[]).length).toBe(expected(today, days).length);
    }
  });

  it('days_ahead=0 is today only, ties by id', async () => {
    const rows = await upcoming('?days_ahead=0');
    expect(summary(rows)).toEqual(expected(today, 0));
    const todayIds = rows.map((row) => row.id);
    expect(todayIds).toContain(named.today!.id);
    expect(todayIds).toEqual([...todayIds].sort((a, b) => a - b));
  });

  it('the window edge is inclusive for any days_ahead', async () => {
    expect((await upcoming('?days_ahead=8')).map((row) => row.id)).toContain(named.outside!.id);
    expect((await upcoming('?days_ahead=1')).map((row) => row.id)).toContain(named.tomorrow!.id);
    expect((await upcoming('?days_ahead=1')).map((row) => row.id)).not.toContain(named.edge!.id);
  });

  it('wraps over New Year', async () => {
    // A window from today reaching 2 January of next year, whatever today is.
    const nextJan2 = nextBirthday('1970-01-02', today);
    const rows = await upcoming(`?days_ahead=${nextJan2.daysUntil}`);
    expect(summary(rows)).toEqual(expected(today, nextJan2.daysUntil));
    expect(rows.find((row) => row.id === named.jan2!.id)).toMatchObject({
      next_birthday: nextJan2.nextBirthday,
    });
    // Yesterday's birthday is next year's, 364 or 365 days away: only a long window holds it.
    const all = await upcoming('?days_ahead=366');
    expect(summary(all)).toEqual(expected(today, 366));
    expect(all.map((row) => row.id)).toContain(named.yesterday!.id);
    expect(all.map((row) => row.id)).toContain(named.dec30!.id);
    expect(all.find((row) => row.id === named.yesterday!.id)!.days_until).toBeGreaterThanOrEqual(364);
    const december = all.find((row) => row.id === named.dec30!.id)!;
    const january = all.find((row) => row.id === named.jan2!.id)!;
    // 30 December comes before the 2 January that follows it.
    if (december.days_until < january.days_until) {
      expect(Number(january.next_birthday.slice(0, 4))).toBe(Number(december.next_birthday.slice(0, 4)) + 1);
    }
  });

  it('a 29 February birthday falls on 28 February in common years', async () => {
    const all = await upcoming('?days_ahead=366');
    const leap = all.find((row) => row.id === named.leap!.id)!;
    const year = Number(leap.next_birthday.slice(0, 4));
    expect(leap.next_birthday).toBe(isLeap(year) ? `${year}-02-29` : `${year}-02-28`);
    expect(leap.birthday).toBe('2000-02-29');
    expect((await upcoming(`?days_ahead=${leap.days_until}`)).map((row) => row.id)).toContain(named.leap!.id);
    if (leap.days_until > 0) {
      expect((await upcoming(`?days_ahead=${leap.days_until - 1}`)).map((row) => row.id)).not.toContain(
        named.leap!.id,
      );
    }
  });

  it('tz decides what "today" is', async () => {
    // At any instant one of these zones is on another date than UTC (they are 26 hours apart).
    const zone = ['Pacific/Kiritimati', 'Etc/GMT+12'].find((tz) => todayInZone(tz) !== todayInZone('UTC'))!;
    const zoneToday = todayInZone(zone);
    const contact = await add('ZoneBaby', bornOn(zoneToday));
    const inZone = await upcoming(`?days_ahead=0&tz=${encodeURIComponent(zone)}`);
    expect(summary(inZone)).toEqual(expected(zoneToday, 0));
    expect(inZone.find((row) => row.id === contact.id)).toMatchObject({
      next_birthday: zoneToday,
      days_until: 0,
    });
    const inUtc = await upcoming('?days_ahead=0');
    expect(inUtc.map((row) => row.id)).not.toContain(contact.id);
    const explicitUtc = await upcoming('?days_ahead=0&tz=UTC');
    expect(summary(explicitUtc)).toEqual(summary(inUtc));
  });

  it('422 for days_ahead out of range and for an unknown time zone', async () => {
    for (const query of [
      'days_ahead=-1',
      'days_ahead=367',
      'days_ahead=abc',
      'tz=Mars%2FOlympus',
      'tz=',
      'tz=Not a zone',
    ]) {
      const response = await api.call('GET', `/api/contacts/birthdays/upcoming?${query}`);
      expect(response.statusCode, query).toBe(422);
      const [field] = query.split('=');
      expect((response.json() as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual(['query', field]);
    }
  });
});

describe('paging upcoming birthdays (skip, limit, X-Total-Count)', () => {
  let pagedApi: ReturnType<typeof contactsApi>;
  let book: { id: number; birthday: string }[];

  beforeAll(async () => {
    pagedApi = contactsApi(ctx, await ctx.createUser());
    // 130 birthdays over the next three days (more than a default page), 10 more 10–14 days away.
    book = [];
    for (let i = 0; i < 140; i++) {
      const day = i < 130 ? addDays(today, i % 3) : addDays(today, 10 + (i % 5));
      const contact = await pagedApi.create({ first_name: `B${i}`, birthday: bornOn(day) });
      book.push({ id: contact.id, birthday: contact.birthday! });
    }
  });

  const window = (days: number) =>
    book
      .map((row) => ({ id: row.id, ...nextBirthday(row.birthday, today) }))
      .filter((row) => row.daysUntil <= days)
      .sort((a, b) => a.daysUntil - b.daysUntil || a.id - b.id)
      .map((row) => row.id);

  const page = async (query: string) => {
    const response = await pagedApi.call('GET', `/api/contacts/birthdays/upcoming?${query}`);
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    return {
      ids: (response.json() as BirthdayBody[]).map((row) => row.id),
      total: response.headers['x-total-count'],
    };
  };

  it('answers 100 by default, soonest first then by id, with the window size in X-Total-Count', async () => {
    const all = window(7);
    expect(all).toHaveLength(130);
    const first = await page('days_ahead=7');
    expect(first.ids).toEqual(all.slice(0, 100));
    expect(first.total).toBe('130');
    const rest = await page('days_ahead=7&skip=100');
    expect(rest.ids).toEqual(all.slice(100));
    expect(rest.total).toBe('130');
  });

  it('pages with skip and limit in the same order, and past the end with the total', async () => {
    const all = window(366);
    const seen: number[] = [];
    for (let skip = 0; skip < all.length; skip += 17)
      seen.push(...(await page(`days_ahead=366&skip=${skip}&limit=17`)).ids);
    expect(seen).toEqual(all);
    expect(await page('days_ahead=366&skip=1000&limit=5')).toEqual({ ids: [], total: String(all.length) });
    expect(await page('days_ahead=1&limit=1000')).toEqual({
      ids: window(1),
      total: String(window(1).length),
    });
  });

  it('pages the alias the same way', async () => {
    const response = await pagedApi.call('GET', '/api/contacts/birthdays?days=7&skip=120&limit=50');
    expect((response.json() as BirthdayBody[]).map((row) => row.id)).toEqual(window(7).slice(120));
    expect(response.headers['x-total-count']).toBe('130');
  });

  it('422 for a skip or limit out of range', async () => {
    for (const query of ['limit=0', 'limit=1001', 'skip=-1', 'limit=1.5', 'skip=abc']) {
      for (const path of ['/api/contacts/birthdays/upcoming', '/api/contacts/birthdays']) {
        const response = await pagedApi.call('GET', `${path}?${query}`);
        expect(response.statusCode, `${path}?${query}`).toBe(422);
        const [field] = query.split('=');
        expect((response.json() as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual([
          'query',
          field,
        ]);
      }
    }
  });
});

describe('GET /api/contacts/birthdays?days= (alias)', () => {
  it('answers like birthdays/upcoming with days_ahead', async () => {
    for (const days of [0, 7, 30, 366]) {
      const alias = await api.call('GET', `/api/contacts/birthdays?days=${days}`);
      expect(alias.statusCode).toBe(200);
      expect(alias.json()).toEqual(await upcoming(`?days_ahead=${days}`));
    }
    const byDefault = await api.call('GET', '/api/contacts/birthdays');
    expect(byDefault.json()).toEqual(await upcoming());
    const zoned = await api.call('GET', '/api/contacts/birthdays?days=3&tz=Europe%2FKyiv');
    expect(zoned.json()).toEqual(await upcoming('?days_ahead=3&tz=Europe%2FKyiv'));
  });

  it('422 for days out of range and for an unknown time zone', async () => {
    for (const query of ['days=-1', 'days=367', 'tz=Nowhere%2FCity']) {
      const response = await api.call('GET', `/api/contacts/birthdays?${query}`);
      expect(response.statusCode, query).toBe(422);
      const [field] = query.split('=');
      expect((response.json() as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual(['query', field]);
    }
  });
});
