import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext, type TestUser } from '../helpers/app.js';
import { type ContactBody, contactsApi } from '../helpers/contacts.js';

let ctx: TestContext;
let user: TestUser;
let api: ReturnType<typeof contactsApi>;

beforeAll(async () => {
  ctx = await createTestApp();
  user = await ctx.createUser();
  api = contactsApi(ctx, user);
});
afterAll(async () => {
  await ctx?.close();
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /api/contacts', () => {
  it('creates a contact with every field and answers 201 with the contact object', async () => {
    const response = await api.call('POST', '/api/contacts', {
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'Ada.Lovelace@Example.com',
      phone: '(050) 123-45-67',
      birthday: '1990-12-10',
      additional_info: 'Analyst\n  of engines',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json() as ContactBody;
    expect(Object.keys(body).sort()).toEqual(
      [
        'additional_info',
        'birthday',
        'created_at',
        'email',
        'first_name',
        'id',
        'last_name',
        'phone',
        'updated_at',
      ].sort(),
    );
    expect(body).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'Ada.Lovelace@Example.com',
      phone: '+380501234567',
      birthday: '1990-12-10',
      additional_info: 'Analyst\n  of engines',
    });
    expect(Number.isInteger(body.id)).toBe(true);
    expect(body.created_at).toMatch(ISO);
    expect(body.updated_at).toMatch(ISO);

    const read = await api.call('GET', `/api/contacts/${body.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
  });

  it('needs only first_name; absent optional fields are null', async () => {
    const response = await api.call('POST', '/api/contacts', { first_name: 'Solo' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      first_name: 'Solo',
      last_name: null,
      email: null,
      phone: null,
      birthday: null,
      additional_info: null,
    });
  });

  it('ignores unknown fields and never lets id, owner or timestamps be set', async () => {
    const response = await api.call('POST', '/api/contacts', {
      first_name: 'Sneaky',
      id: 424242,
      user_id: 999,
      owner_id: 999,
      created_at: '2000-01-01T00:00:00.000Z',
      updated_at: '2000-01-01T00:00:00.000Z',
      search_text: 'forged',
      favourite_colour: 'blue',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json() as ContactBody & Record<string, unknown>;
    expect(body.id).not.toBe(424242);
    expect(body.created_at.startsWith('2000')).toBe(false);
    expect(body).not.toHaveProperty('user_id');
    expect(body).not.toHaveProperty('favourite_colour');
    expect(body).not.toHaveProperty('search_text');
    expect((await api.call('GET', `/api/contacts/${body.id}`)).statusCode).toBe(200);
    expect((await api.call('GET', '/api/contacts/424242')).statusCode).toBe(404);
  });

  it('401 without a token', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/contacts',
      payload: { first_name: 'A' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Not authenticated' });
  });
});

describe('duplicate emails', () => {
  it('409 for the same email in another case, on create and on update', async () => {
    const first = await api.create({ first_name: 'Dup', email: 'dup@example.com' });
    const again = await api.call('POST', '/api/contacts', { first_name: 'Dup2', email: 'DUP@Example.COM' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ detail: 'Contact with this email already exists' });

    const other = await api.create({ first_name: 'Other', email: 'other@example.com' });
    for (const method of ['PUT', 'PATCH'] as const) {
      const update = await api.call(method, `/api/contacts/${other.id}`, { email: 'Dup@example.com' });
      expect(update.statusCode).toBe(409);
      expect(update.json()).toEqual({ detail: 'Contact with this email already exists' });
    }
    expect((await api.call('GET', `/api/contacts/${other.id}`)).json()).toMatchObject({
      email: 'other@example.com',
    });
    // Re-saving a contact's own email, in another case, is not a conflict.
    const self = await api.call('PATCH', `/api/contacts/${first.id}`, { email: 'DUP@example.com' });
    expect(self.statusCode).toBe(200);
    expect(self.json()).toMatchObject({ email: 'DUP@example.com' });
  });

  it('20 simultaneous creates with one email: exactly one 201 and nineteen 409', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('POST', '/api/contacts', { first_name: `Racer${i}`, email: 'race@example.com' }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const list = await api.call('GET', '/api/contacts?email=race@example.com');
    expect(list.headers['x-total-count']).toBe('1');
  });
});

describe('GET, PUT, PATCH and DELETE /api/contacts/{id}', () => {
  it('PUT and PATCH update only the fields sent and recompute search', async () => {
    const contact = await api.create({
      first_name: 'Partial',
      last_name: 'Update',
      email: 'partial@example.com',
      phone: '+14155552671',
      birthday: '1980-05-05',
      additional_info: 'keep',
    });
    const put = await api.call('PUT', `/api/contacts/${contact.id}`, { last_name: '  Zebrafish ' });
    expect(put.statusCode).toBe(200);
    const afterPut = put.json() as ContactBody;
    expect(afterPut).toEqual({ ...contact, last_name: 'Zebrafish', updated_at: afterPut.updated_at });
    expect(Date.parse(afterPut.updated_at)).toBeGreaterThanOrEqual(Date.parse(contact.updated_at));

    const patch = await api.call('PATCH', `/api/contacts/${contact.id}`, {
      phone: '(050) 123-45-67',
      birthday: null,
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({
      last_name: 'Zebrafish',
      phone: '+380501234567',
      birthday: null,
      additional_info: 'keep',
    });

    const search = await api.call('GET', '/api/contacts/search/zebrafish');
    expect((search.json() as ContactBody[]).map((row) => row.id)).toEqual([contact.id]);
    expect((await api.call('GET', '/api/contacts/search/Update')).json()).toEqual([]);
  });

  it('an explicit null clears optional fields', async () => {
    const contact = await api.create({
      first_name: 'Clear',
      last_name: 'Me',
      email: 'clear@example.com',
      phone: '0501112233',
      additional_info: 'x',
    });
    const response = await api.call('PATCH', `/api/contacts/${contact.id}`, {
      last_name: null,
      email: null,
      phone: null,
      additional_info: null,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      first_name: 'Clear',
      last_name: null,
      email: null,
      phone: null,
      additional_info: null,
    });
  });

  it('an empty body (or none) answers 200 with the contact unchanged', async () => {
    const contact = await api.create({ first_name: 'Empty', email: 'empty@example.com' });
    for (const method of ['PUT', 'PATCH'] as const) {
      const withBraces = await api.call(method, `/api/contacts/${contact.id}`, {});
      expect(withBraces.statusCode).toBe(200);
      expect(withBraces.json()).toEqual(contact);
      const without = await api.call(method, `/api/contacts/${contact.id}`);
      expect(without.statusCode).toBe(200);
      expect(without.json()).toEqual(contact);
    }
  });

  it('update ignores unknown fields and cannot change id or timestamps', async () => {
    const contact = await api.create({ first_name: 'Fixed' });
    const response = await api.call('PUT', `/api/contacts/${contact.id}`, {
      id: contact.id + 1000,
      created_at: '2000-01-01T00:00:00.000Z',
      user_id: 1,
      nickname: 'x',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(contact);
  });

  it('404 for a contact that does not exist, on every method', async () => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await api.call(
        method,
        '/api/contacts/987654',
        method === 'GET' || method === 'DELETE' ? undefined : { first_name: 'X' },
      );
      expect(response.statusCode, method).toBe(404);
      expect(response.json()).toEqual({ detail: 'Contact not found' });
    }
  });

  it('422 for a non-integer id; 404 (never 500) for ids no contact can have', async () => {
    for (const id of ['abc', '1.5', '1e']) {
      const response = await api.call('GET', `/api/contacts/${id}`);
      expect(response.statusCode, id).toBe(422);
      expect((response.json() as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual(['path', 'id']);
    }
    for (const id of ['0', '-1', '2147483648', '99999999999', '99999999999999999999999999']) {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
        const response = await api.call(
          method,
          `/api/contacts/${id}`,
          method === 'PUT' || method === 'PATCH' ? { first_name: 'X' } : undefined,
        );
        expect(response.statusCode, `${method} ${id}`).toBe(404);
        expect(response.json()).toEqual({ detail: 'Contact not found' });
      }
    }
  });

  it('DELETE answers 204 with no body, then the contact is gone', async () => {
    const contact = await api.create({ first_name: 'Doomed', email: 'doomed@example.com' });
    const response = await api.call('DELETE', `/api/contacts/${contact.id}`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await api.call('GET', `/api/contacts/${contact.id}`)).statusCode).toBe(404);
    expect((await api.call('DELETE', `/api/contacts/${contact.id}`)).statusCode).toBe(404);
    // Its email is free again.
    expect(
      (await api.call('POST', '/api/contacts', { first_name: 'Reborn', email: 'doomed@example.com' }))
        .statusCode,
    ).toBe(201);
  });
});
