import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInZone } from '../../src/lib/birthdays.js';
import { createTestApp, type TestContext, type TestUser } from '../helpers/app.js';
import { type ContactBody, contactsApi, ids } from '../helpers/contacts.js';

let ctx: TestContext;
let alice: TestUser;
let bob: TestUser;
let asAlice: ReturnType<typeof contactsApi>;
let asBob: ReturnType<typeof contactsApi>;
let secret: ContactBody;
let bobsOwn: ContactBody;

const NOT_FOUND = { detail: 'Contact not found' };

beforeAll(async () => {
  ctx = await createTestApp();
  alice = await ctx.createUser();
  bob = await ctx.createUser();
  asAlice = contactsApi(ctx, alice);
  asBob = contactsApi(ctx, bob);
  secret = await asAlice.create({
    first_name: 'Secret',
    last_name: 'Agent',
    email: 'secret@example.com',
    phone: '+14155552671',
    birthday: `1990${todayInZone('UTC').slice(4) === '-02-29' ? '-02-28' : todayInZone('UTC').slice(4)}`,
  });
  bobsOwn = await asBob.create({ first_name: 'Bobs', last_name: 'Friend' });
});
afterAll(async () => {
  await ctx?.close();
});

describe('contacts are private to their owner', () => {
  it("another user's contact is answered exactly like a missing one", async () => {
    const missing = await asBob.call('GET', '/api/contacts/2147483000');
    const foreign = await asBob.call('GET', `/api/contacts/${secret.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual(NOT_FOUND);
    expect(foreign.body).toBe(missing.body);

    for (const method of ['PUT', 'PATCH'] as const) {
      const response = await asBob.call(method, `/api/contacts/${secret.id}`, {
        first_name: 'Hacked',
        email: 'bob@example.com',
      });
      expect(response.statusCode, method).toBe(404);
      expect(response.json()).toEqual(NOT_FOUND);
      const empty = await asBob.call(method, `/api/contacts/${secret.id}`, {});
      expect(empty.statusCode, `${method} {}`).toBe(404);
    }
    const deleted = await asBob.call('DELETE', `/api/contacts/${secret.id}`);
    expect(deleted.statusCode).toBe(404);
    expect(deleted.json()).toEqual(NOT_FOUND);
  });

  it("the owner's contact is unchanged after the other user's attempts", async () => {
    const response = await asAlice.call('GET', `/api/contacts/${secret.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(secret);
  });

  it('lists, searches and birthdays never show another user’s contacts', async () => {
    const list = await asBob.call('GET', '/api/contacts');
    expect(ids(list)).toEqual([bobsOwn.id]);
    expect(list.headers['x-total-count']).toBe('1');
    for (const url of [
      '/api/contacts?q=secret',
      '/api/contacts?first_name=Secret',
      '/api/contacts?email=secret',
      '/api/contacts/search/secret',
      '/api/contacts/search?q=agent',
      '/api/contacts/search/4155552671',
      '/api/contacts/birthdays/upcoming?days_ahead=366',
      '/api/contacts/birthdays?days=366',
    ]) {
      const response = await asBob.call('GET', url);
      expect(response.statusCode, url).toBe(200);
      expect(response.json(), url).toEqual([]);
    }
    // The same queries do find it for its owner.
    expect(ids(await asAlice.call('GET', '/api/contacts/search/secret'))).toEqual([secret.id]);
    expect(ids(await asAlice.call('GET', '/api/contacts/birthdays/upcoming?days_ahead=0'))).toEqual([
      secret.id,
    ]);
  });

  it('emails are unique per user: another user may hold the same address', async () => {
    const response = await asBob.call('POST', '/api/contacts', {
      first_name: 'Also',
      email: 'SECRET@example.com',
    });
    expect(response.statusCode).toBe(201);
    expect(ids(await asAlice.call('GET', '/api/contacts?email=secret'))).toEqual([secret.id]);
  });

  it('every contacts route needs a valid bearer token', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/contacts'],
      ['POST', '/api/contacts'],
      ['GET', `/api/contacts/${secret.id}`],
      ['PUT', `/api/contacts/${secret.id}`],
      ['PATCH', `/api/contacts/${secret.id}`],
      ['DELETE', `/api/contacts/${secret.id}`],
      ['GET', '/api/contacts/search/secret'],
      ['GET', '/api/contacts/search?q=secret'],
      ['GET', '/api/contacts/birthdays/upcoming'],
      ['GET', '/api/contacts/birthdays'],
    ];
    for (const [method, url] of routes) {
      const missing = await ctx.app.inject({ method: method as 'GET', url });
      expect(missing.statusCode, `${method} ${url}`).toBe(401);
      expect(missing.json()).toEqual({ detail: 'Not authenticated' });
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      const tampered = await ctx.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${alice.accessToken.slice(0, -2)}xx` },
      });
      expect(tampered.statusCode, `${method} ${url}`).toBe(401);
      expect(tampered.json()).toEqual({ detail: 'Could not validate credentials' });
    }
    expect((await asAlice.call('GET', `/api/contacts/${secret.id}`)).json()).toEqual(secret);
  });
});
