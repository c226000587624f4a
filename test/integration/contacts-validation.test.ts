import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInZone } from '../../src/lib/birthdays.js';
import { createTestApp, type TestContext, type TestUser } from '../helpers/app.js';
import { contactsApi } from '../helpers/contacts.js';

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

function tomorrowUtc(): string {
  const date = new Date(`${todayInZone('UTC')}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

describe('input rules on create', () => {
  it('trims names and stores a blank last_name or additional_info as null', async () => {
    const body = await api.create({
      first_name: '  Grace  ',
      last_name: '  Hopper ',
      additional_info: '   ',
    });
    expect(body).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', additional_info: null });
    const blank = await api.create({ first_name: 'Blank', last_name: '   ' });
    expect(blank.last_name).toBeNull();
  });

  it('accepts exactly 100-character names and 10 000-character additional_info', async () => {
    const body = await api.create({
      first_name: 'F'.repeat(100),
      last_name: 'L'.repeat(100),
      additional_info: 'i'.repeat(10_000),
    });
    expect(body.first_name).toHaveLength(100);
    expect(body.last_name).toHaveLength(100);
    expect(body.additional_info).toHaveLength(10_000);
  });

  it('normalises phone numbers to E.164', async () => {
    const cases: [string, string][] = [
      ['(050) 123-45-67', '+380501234567'],
      ['+1 415 555 2671', '+14155552671'],
      ['+44 20.7946.0958', '+442079460958'],
      ['0501234567', '+380501234567'],
    ];
    for (const [input, expected] of cases) {
      const body = await api.create({ first_name: 'Phone', phone: input });
      expect(body.phone, input).toBe(expected);
    }
  });

  it('accepts a birthday of today and of 1900-01-01', async () => {
    const today = todayInZone('UTC');
    expect((await api.create({ first_name: 'Newborn', birthday: today })).birthday).toBe(today);
    expect((await api.create({ first_name: 'Elder', birthday: '1900-01-01' })).birthday).toBe('1900-01-01');
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['first_name missing', { last_name: 'X' }, 'first_name'],
    ['first_name empty', { first_name: '' }, 'first_name'],
    ['first_name blank', { first_name: '   ' }, 'first_name'],
    ['first_name null', { first_name: null }, 'first_name'],
    ['first_name 101 chars', { first_name: 'A'.repeat(101) }, 'first_name'],
    ['last_name 101 chars', { first_name: 'A', last_name: 'B'.repeat(101) }, 'last_name'],
    ['bad email', { first_name: 'A', email: 'not-an-email' }, 'email'],
    ['email without domain', { first_name: 'A', email: 'a@' }, 'email'],
    ['phone too short', { first_name: 'A', phone: '12' }, 'phone'],
    ['phone letters only', { first_name: 'A', phone: 'abc' }, 'phone'],
    ['phone with letters', { first_name: 'A', phone: '+1 415 CALL NOW' }, 'phone'],
    ['phone empty', { first_name: 'A', phone: '' }, 'phone'],
    ['birthday in the future', { first_name: 'A', birthday: tomorrowUtc() }, 'birthday'],
    ['birthday before 1900', { first_name: 'A', birthday: '1899-12-31' }, 'birthday'],
    ['birthday 29 Feb of a common year', { first_name: 'A', birthday: '2023-02-29' }, 'birthday'],
    ['birthday month 13', { first_name: 'A', birthday: '2023-13-01' }, 'birthday'],
    ['birthday not a date', { first_name: 'A', birthday: '10/12/1990' }, 'birthday'],
    [
      'additional_info 10 001 chars',
      { first_name: 'A', additional_info: 'x'.repeat(10_001) },
      'additional_info',
    ],
    ['NUL in a name', { first_name: 'A\u0000B' }, 'first_name'],
  ];
  for (const [name, body, field] of invalid) {
    it(`422 for ${name}`, async () => {
      const response = await api.call('POST', '/api/contacts', body);
      expect(response.statusCode).toBe(422);
      const detail = (response.json() as { detail: { loc: unknown[]; msg: string; type: string }[] }).detail;
      expect(Array.isArray(detail)).toBe(true);
      expect(detail.map((item) => item.loc)).toContainEqual(['body', field]);
      for (const item of detail) {
        expect(typeof item.msg).toBe('string');
        expect(typeof item.type).toBe('string');
      }
    });
  }

  it('422 for a body that is not an object', async () => {
    expect((await api.call('POST', '/api/contacts', [{ first_name: 'A' }])).statusCode).toBe(422);
  });
});

describe('input rules on update', () => {
  it('update validates like create (422) and does not change the row', async () => {
    const contact = await api.create({ first_name: 'Valid' });
    const cases: [Record<string, unknown>, string][] = [
      [{ first_name: '   ' }, 'first_name'],
      [{ first_name: null }, 'first_name'],
      [{ first_name: 'x'.repeat(101) }, 'first_name'],
      [{ last_name: 'x'.repeat(101) }, 'last_name'],
      [{ email: 'nope' }, 'email'],
      [{ phone: '12' }, 'phone'],
      [{ birthday: '2023-02-29' }, 'birthday'],
      [{ birthday: tomorrowUtc() }, 'birthday'],
      [{ additional_info: 'x'.repeat(10_001) }, 'additional_info'],
    ];
    for (const [body, field] of cases) {
      for (const method of ['PUT', 'PATCH'] as const) {
        const response = await api.call(method, `/api/contacts/${contact.id}`, body);
        expect(response.statusCode, `${method} ${JSON.stringify(body).slice(0, 60)}`).toBe(422);
        expect(
          (response.json() as { detail: { loc: unknown[] }[] }).detail.map((item) => item.loc),
        ).toContainEqual(['body', field]);
      }
    }
    expect((await api.call('GET', `/api/contacts/${contact.id}`)).json()).toEqual(contact);
  });
});
