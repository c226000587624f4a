import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../src/database/schema/index.js';
import { buildSearchText } from '../../src/lib/search-text.js';
import { createTestApp, type TestContext, type TestUser } from '../helpers/app.js';
import { type ContactBody, contactsApi, ids } from '../helpers/contacts.js';

let ctx: TestContext;
let user: TestUser;
let api: ReturnType<typeof contactsApi>;
const c: Record<string, ContactBody> = {};

beforeAll(async () => {
  ctx = await createTestApp();
  user = await ctx.createUser();
  api = contactsApi(ctx, user);
  // Created worst-match first, so ordering by id alone would get the ranking wrong.
  c.joanna = await api.create({ first_name: 'Joanna', last_name: 'Wright', email: 'jw@example.org' });
  c.annabel = await api.create({ first_name: 'Annabel', last_name: 'Lee', email: 'annabel@example.org' });
  c.anna = await api.create({ first_name: 'Anna', last_name: 'Karenina', email: 'ak@example.net' });
  c.ada = await api.create({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@engines.co.uk' });
  c.olena = await api.create({ first_name: 'Олена', last_name: 'Петренко', email: 'olena@example.ua' });
  c.yizhak = await api.create({ first_name: 'Їжак', last_name: 'Колючий' });
  c.fifty = await api.create({ first_name: 'Sale 50%', last_name: 'Off' });
  c.fiveHundred = await api.create({ first_name: 'Club 500', last_name: 'Members' });
  c.underscore = await api.create({ first_name: 'snake_case', last_name: 'Fan' });
  c.phone = await api.create({ first_name: 'Caller', last_name: 'Id', phone: '(050) 123-45-67' });
  for (let i = 1; i <= 5; i++)
    c[`page${i}`] = await api.create({ first_name: `Pager${i}`, last_name: 'Paginated' });
});
afterAll(async () => {
  await ctx?.close();
});

const search = (query: string, extra = '') =>
  api.call('GET', `/api/contacts/search/${encodeURIComponent(query)}${extra}`);
const searchQ = (query: string, extra = '') =>
  api.call('GET', `/api/contacts/search?q=${encodeURIComponent(query)}${extra}`);
const listQ = (query: string) => api.call('GET', `/api/contacts?q=${encodeURIComponent(query)}`);

describe('GET /api/contacts', () => {
  it('lists every contact ordered by id with X-Total-Count', async () => {
    const response = await api.call('GET', '/api/contacts');
    expect(response.statusCode).toBe(200);
    const all = Object.values(c)
      .map((contact) => contact.id)
      .sort((a, b) => a - b);
    expect(ids(response)).toEqual(all);
    expect(response.headers['x-total-count']).toBe(String(all.length));
  });

  it('paginates with skip and limit; X-Total-Count counts before skip/limit, with filters', async () => {
    const pagers = [1, 2, 3, 4, 5].map((i) => c[`page${i}`]!.id);
    const page = await api.call('GET', '/api/contacts?last_name=paginated&skip=1&limit=2');
    expect(page.statusCode).toBe(200);
    expect(ids(page)).toEqual(pagers.slice(1, 3));
    expect(page.headers['x-total-count']).toBe('5');
    const past = await api.call('GET', '/api/contacts?last_name=paginated&skip=10&limit=2');
    expect(past.json()).toEqual([]);
    expect(past.headers['x-total-count']).toBe('5');
    const limited = await api.call('GET', '/api/contacts?limit=1');
    expect(ids(limited)).toHaveLength(1);
    expect(limited.headers['x-total-count']).toBe(String(Object.keys(c).length));
  });

  it('422 for out-of-range skip and limit', async () => {
    for (const query of ['limit=0', 'limit=1001', 'skip=-1', 'limit=abc', 'skip=1.5']) {
      const response = await api.call('GET', `/api/contacts?${query}`);
      expect(response.statusCode, query).toBe(422);
      const [field] = query.split('=');
      expect((response.json() as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual(['query', field]);
    }
    expect((await api.call('GET', '/api/contacts?limit=1000&skip=0')).statusCode).toBe(200);
  });

  it('filters by first_name, last_name and email as case-insensitive substrings (all must hold)', async () => {
    expect(ids(await api.call('GET', '/api/contacts?first_name=ANN'))).toEqual([
      c.joanna!.id,
      c.annabel!.id,
      c.anna!.id,
    ]);
    expect(ids(await api.call('GET', '/api/contacts?first_name=ann&last_name=LEE'))).toEqual([c.annabel!.id]);
    expect(ids(await api.call('GET', '/api/contacts?email=EXAMPLE.ORG'))).toEqual([
      c.joanna!.id,
      c.annabel!.id,
    ]);
    expect(ids(await api.call('GET', `/api/contacts?first_name=${encodeURIComponent('олена')}`))).toEqual([
      c.olena!.id,
    ]);
    expect(ids(await api.call('GET', `/api/contacts?last_name=${encodeURIComponent('КОЛЮЧ')}`))).toEqual([
      c.yizhak!.id,
    ]);
    const none = await api.call('GET', '/api/contacts?first_name=nobody');
    expect(none.json()).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');
  });

  it('q matches name, full name, email and phone', async () => {
    expect(ids(await listQ('ada love'))).toEqual([c.ada!.id]);
    expect(ids(await listQ('engines.co'))).toEqual([c.ada!.id]);
    expect(ids(await listQ('050 123'))).toEqual([c.phone!.id]);
    expect(ids(await listQ('олена'))).toEqual([c.olena!.id]);
    expect(ids(await listQ('ЇЖАК'))).toEqual([c.yizhak!.id]);
    const response = await listQ('karen');
    expect(ids(response)).toEqual([c.anna!.id]);
    expect(response.headers['x-total-count']).toBe('1');
  });

  it('treats % and _ in filters as literal characters', async () => {
    expect(ids(await listQ('50%'))).toEqual([c.fifty!.id]);
    expect(ids(await listQ('_'))).toEqual([c.underscore!.id]);
    expect(ids(await api.call('GET', '/api/contacts?first_name=%25'))).toEqual([c.fifty!.id]);
    expect(ids(await api.call('GET', '/api/contacts?first_name=_'))).toEqual([c.underscore!.id]);
  });
});

describe('GET /api/contacts/search/{query}', () => {
  it('ranks exact, then prefix, then substring matches', async () => {
    const response = await search('anna');
    expect(response.statusCode).toBe(200);
    expect(ids(response)).toEqual([c.anna!.id, c.annabel!.id, c.joanna!.id]);
    expect(response.headers['x-total-count']).toBe('3');
    expect(ids(await searchQ('ANNA'))).toEqual([c.anna!.id, c.annabel!.id, c.joanna!.id]);
  });

  it('paginates the ranked results', async () => {
    expect(ids(await search('anna', '?skip=1&limit=1'))).toEqual([c.annabel!.id]);
    expect(ids(await searchQ('anna', '&skip=2&limit=5'))).toEqual([c.joanna!.id]);
    const past = await search('anna', '?skip=3');
    expect(past.json()).toEqual([]);
    expect(past.headers['x-total-count']).toBe('3');
    expect((await search('anna', '?limit=0')).statusCode).toBe(422);
    expect((await searchQ('anna', '&skip=-1')).statusCode).toBe(422);
  });

  it('finds by full name ("Ada Love" finds Ada Lovelace), last name and email', async () => {
    expect(ids(await search('Ada Love'))).toEqual([c.ada!.id]);
    expect(ids(await search('  ada   lovelace '))).toEqual([c.ada!.id]);
    expect(ids(await search('lovelace'))).toEqual([c.ada!.id]);
    expect(ids(await search('ada@engines.co.uk'))).toEqual([c.ada!.id]);
    expect(ids(await searchQ('example.org'))).toEqual([c.joanna!.id, c.annabel!.id]);
  });

  it('is case-insensitive in any script', async () => {
    expect(ids(await search('олена'))).toEqual([c.olena!.id]);
    expect(ids(await search('ОЛЕНА ПЕТ'))).toEqual([c.olena!.id]);
    expect(ids(await search('ЇЖАК'))).toEqual([c.yizhak!.id]);
    expect(ids(await searchQ('їжак'))).toEqual([c.yizhak!.id]);
  });

  it('finds phone numbers by their digits, with or without separators', async () => {
    for (const query of [
      '0501234567',
      '050 123',
      '(050) 123-45',
      '+380 50 123',
      '380501234567',
      '+380501234567',
    ]) {
      expect(ids(await search(query)), query).toEqual([c.phone!.id]);
    }
  });

  it('takes % and _ literally', async () => {
    expect(ids(await search('50%'))).toEqual([c.fifty!.id]);
    expect(ids(await search('%'))).toEqual([c.fifty!.id]);
    expect(ids(await search('_'))).toEqual([c.underscore!.id]);
    expect(ids(await searchQ('e_c'))).toEqual([c.underscore!.id]);
    expect(ids(await search('a_b'))).toEqual([]);
  });

  it('answers an empty array when nothing matches', async () => {
    const response = await search('zzzz-nothing');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
    expect(response.headers['x-total-count']).toBe('0');
  });

  it('422 for a missing, empty or blank query', async () => {
    for (const url of [
      '/api/contacts/search',
      '/api/contacts/search?q=',
      '/api/contacts/search?q=%20%20',
      '/api/contacts/search/%20',
    ]) {
      const response = await api.call('GET', url);
      expect(response.statusCode, url).toBe(422);
      expect(Array.isArray((response.json() as { detail: unknown }).detail)).toBe(true);
    }
  });

  it('static routes are not captured by /{id}', async () => {
    expect((await api.call('GET', '/api/contacts/search?q=ada')).statusCode).toBe(200);
    expect((await api.call('GET', '/api/contacts/birthdays/upcoming')).statusCode).toBe(200);
    expect((await api.call('GET', '/api/contacts/birthdays')).statusCode).toBe(200);
  });
});

describe('repeated searches (ranked ids kept per book version)', () => {
  it('follow every write to the book: create, update, delete, and a write made outside this process', async () => {
    const owner = await ctx.createUser();
    const mine = contactsApi(ctx, owner);
    const first = await mine.create({ first_name: 'Zorro', last_name: 'Substring-zorr' });
    const second = await mine.create({ first_name: 'Zorr' });
    const find = async (query: string, extra = '') => {
      const response = await mine.call('GET', `/api/contacts/search/${encodeURIComponent(query)}${extra}`);
      expect(response.statusCode).toBe(200);
      return { ids: ids(response), total: response.headers['x-total-count'] };
    };
    expect(await find('zorr')).toEqual({ ids: [second.id, first.id], total: '2' });
    expect(await find('zorr')).toEqual({ ids: [second.id, first.id], total: '2' });

    const third = await mine.create({ first_name: 'Azorr' });
    expect(await find('zorr')).toEqual({ ids: [second.id, first.id, third.id], total: '3' });
    expect(await find('zorr', '?skip=1&limit=1')).toEqual({ ids: [first.id], total: '3' });

    // An update that changes the ranking (exact now), then one that stops the match.
    await mine.call('PATCH', `/api/contacts/${third.id}`, { first_name: 'zorr' });
    expect(await find('zorr')).toEqual({ ids: [second.id, third.id, first.id], total: '3' });
    await mine.call('PATCH', `/api/contacts/${second.id}`, { first_name: 'Nobody' });
    expect(await find('zorr')).toEqual({ ids: [third.id, first.id], total: '2' });
    // A field outside the search changes the answer's body, never served from an old copy.
    await mine.call('PATCH', `/api/contacts/${first.id}`, { additional_info: 'fresh' });
    const body = await mine.call('GET', '/api/contacts/search/zorr');
    expect((body.json() as ContactBody[]).find((row) => row.id === first.id)?.additional_info).toBe('fresh');

    expect((await mine.call('DELETE', `/api/contacts/${third.id}`)).statusCode).toBe(204);
    expect(await find('zorr')).toEqual({ ids: [first.id], total: '1' });

    // Another instance (or a person with psql) changes the book: the database's version says so.
    await ctx.deps.database.db.execute(
      sql`update contacts set search_text = ${'\nzorr\n'} where id = ${second.id}`,
    );
    expect(await find('zorr')).toEqual({ ids: [second.id, first.id], total: '2' });
    // Nobody else's writes or searches mix in.
    const stranger = contactsApi(ctx, await ctx.createUser());
    await stranger.create({ first_name: 'Zorr' });
    expect(await find('zorr')).toEqual({ ids: [second.id, first.id], total: '2' });
  });

  it('pages past the kept ranking (1 000 ids) with the full query, in the same order', async () => {
    const owner = await ctx.createUser();
    const mine = contactsApi(ctx, owner);
    // Built directly in the database (a factory): 1 005 prefix matches and 5 exact ones, created last.
    const values = Array.from({ length: 1010 }, (_, i) => {
      const fields = { firstName: i < 1005 ? `Kaja${i}` : 'Kaja', lastName: null, email: null, phone: null };
      return { ...fields, userId: owner.id, searchText: buildSearchText(fields) };
    });
    const made = await ctx.deps.database.db.insert(contacts).values(values).returning({ id: contacts.id });
    const madeIds = made.map((row) => row.id);
    const ranked = [...madeIds.slice(1005), ...madeIds.slice(0, 1005)];
    const page = async (extra: string) => {
      const response = await mine.call('GET', `/api/contacts/search?q=kaja${extra}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-total-count']).toBe('1010');
      return ids(response);
    };
    expect(await page('&limit=1000')).toEqual(ranked.slice(0, 1000));
    expect(await page('&skip=995&limit=10')).toEqual(ranked.slice(995, 1005));
    expect(await page('&skip=1000&limit=1000')).toEqual(ranked.slice(1000));
    expect(await page('&skip=2000')).toEqual([]);
  });
});
