import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.js';
import { contactsApi, ids } from '../helpers/contacts.js';

/** X-Total-Count of an unfiltered list comes from a trigger-kept counter: it must never drift. */
describe('the whole-book count', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx?.close());

  const totalOf = async (api: ReturnType<typeof contactsApi>, query = '') => {
    const response = await api.call('GET', `/api/contacts?limit=1000${query}`);
    expect(response.statusCode).toBe(200);
    return { header: Number(response.headers['x-total-count']), rows: ids(response).length };
  };

  it('follows concurrent creates (with duplicates refused), deletes and deep pages', async () => {
    const user = await ctx.createUser();
    const other = await ctx.createUser();
    const api = contactsApi(ctx, user);
    const otherApi = contactsApi(ctx, other);
    expect(await totalOf(api)).toEqual({ header: 0, rows: 0 });

    // 30 concurrent creates, 10 of them duplicates of an email: 21 succeed.
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.call('POST', '/api/contacts', {
          first_name: `C${i}`,
          email: i < 10 ? 'same@example.com' : `c${i}@example.com`,
        }),
      ),
    );
    const created = responses
      .filter((response) => response.statusCode === 201)
      .map((response) => response.json().id);
    expect(created).toHaveLength(21);
    await otherApi.create({ first_name: 'Not yours' });
    expect(await totalOf(api)).toEqual({ header: 21, rows: 21 });
    expect(await totalOf(otherApi)).toEqual({ header: 1, rows: 1 });

    for (const id of created.slice(0, 5))
      expect((await api.call('DELETE', `/api/contacts/${id}`)).statusCode).toBe(204);
    expect(await totalOf(api)).toEqual({ header: 16, rows: 16 });

    // A page past the end still reports the total; a deep page holds the right rows.
    const past = await api.call('GET', '/api/contacts?skip=100&limit=5');
    expect(past.json()).toEqual([]);
    expect(past.headers['x-total-count']).toBe('16');
    const remaining = created.slice(5).sort((a, b) => a - b);
    const deep = await api.call('GET', '/api/contacts?skip=10&limit=3');
    expect(ids(deep)).toEqual(remaining.slice(10, 13));

    // A filtered list counts its own matches.
    expect(await totalOf(api, '&first_name=C1')).toEqual({ header: 6, rows: 6 });
  });

  it('pages by keyset with after_id, keeping the total of all matches', async () => {
    const user = await ctx.createUser();
    const api = contactsApi(ctx, user);
    const made = [];
    for (let i = 0; i < 7; i++)
      made.push((await api.create({ first_name: i % 2 ? `Odd${i}` : `Even${i}` })).id);

    const first = await api.call('GET', '/api/contacts?limit=3');
    expect(ids(first)).toEqual(made.slice(0, 3));
    const second = await api.call('GET', `/api/contacts?limit=3&after_id=${made[2]}`);
    expect(ids(second)).toEqual(made.slice(3, 6));
    expect(second.headers['x-total-count']).toBe('7');
    const last = await api.call('GET', `/api/contacts?limit=3&after_id=${made[5]}`);
    expect(ids(last)).toEqual(made.slice(6));
    const beyond = await api.call('GET', `/api/contacts?limit=3&after_id=${made[6]}`);
    expect(ids(beyond)).toEqual([]);
    expect(beyond.headers['x-total-count']).toBe('7');

    // With a filter: the cursor narrows the rows, not the total.
    const odd = await api.call('GET', `/api/contacts?first_name=odd&limit=2&after_id=${made[1]}`);
    expect(ids(odd)).toEqual([made[3], made[5]]);
    expect(odd.headers['x-total-count']).toBe('3');

    expect((await api.call('GET', '/api/contacts?after_id=-1')).statusCode).toBe(422);
    expect((await api.call('GET', '/api/contacts?after_id=abc')).statusCode).toBe(422);
  });
});
