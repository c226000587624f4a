import { describe, expect, it } from 'vitest';
import { emptyCard } from '../../../src/lib/card.js';
import { cardOf, readFixture, readText } from './helpers.js';

describe('Outlook export (English headers)', () => {
  it('reads a full row: Title is the prefix, phones by column, addresses, Categories, kept columns', async () => {
    const { layout, results } = await readFixture('outlook.csv');
    expect(layout).toBe('outlook');
    expect(results.map((r) => [r.index, r.line])).toEqual([
      [0, 2],
      [1, 4],
      [2, 5],
    ]);
    expect(cardOf(results[0])).toEqual({
      ...emptyCard(),
      namePrefix: 'Ms.',
      givenName: 'Hannah',
      middleName: 'J.',
      familyName: 'Becker',
      nameSuffix: 'PhD',
      organization: 'Contoso Ltd.',
      department: 'Finance',
      jobTitle: 'Controller',
      birthday: '1985-04-02',
      note: 'Quarterly reports.\nCall before 10:00, "urgent" only.',
      groups: ['Friends', 'Work'],
      emails: [
        { value: 'hannah.becker@example.com', type: null, primary: false },
        { value: 'h.becker@example.org', type: null, primary: false },
      ],
      phones: [
        { value: '+49 30 5550199', type: 'main', primary: true },
        { value: '+49 151 5550123', type: 'mobile', primary: false },
        { value: '+49 331 5550456', type: 'home', primary: false },
        { value: '+49 30 5550100', type: 'work', primary: false },
        { value: '+49 30 5550101', type: 'work fax', primary: false },
      ],
      addresses: [
        {
          type: 'home',
          street: 'Lindenweg 12',
          locality: 'Potsdam',
          region: 'Brandenburg',
          postalCode: '14467',
          country: 'Germany',
          poBox: null,
          extended: null,
          primary: false,
        },
        {
          type: 'work',
          street: 'Hauptstraße 5\n3. OG',
          locality: 'Berlin',
          region: null,
          postalCode: '10115',
          country: 'Germany',
          poBox: null,
          extended: null,
          primary: false,
        },
      ],
      urls: [{ value: 'https://contoso.example.com/hannah', type: null }],
      kept: [
        ['anniversary', {}, 'date-and-or-time', '2014-06-21'],
        ['related', { type: 'spouse' }, 'text', 'Jonas Becker'],
        ['related', { type: 'child' }, 'text', 'Lea'],
        ['x-custom-field', { 'x-label': 'Office Location' }, 'text', 'Room 4.12'],
      ],
    });
  });

  it("reads Outlook's year 1604 as a birthday without a year, 0/0/00 as none, a company-only card", async () => {
    const { results } = await readFixture('outlook.csv');
    expect(cardOf(results[1])).toMatchObject({ birthday: '--03-07', groups: ['Family'], kept: [] });
    expect(cardOf(results[2])).toMatchObject({
      organization: 'Fabrikam Support',
      birthday: null,
      phones: [{ value: '+1 (555) 010-9999', type: 'work', primary: false }],
      kept: [],
    });
  });
});

describe("this API's own field names", () => {
  it('reads v1 and v2 columns; the v1 email and phone are the primary entries', async () => {
    const { layout, results } = await readFixture('own.csv');
    expect(layout).toBe('own');
    expect(cardOf(results[0])).toEqual({
      ...emptyCard(),
      givenName: 'Iryna',
      familyName: 'Shevchenko',
      nickname: 'Ira',
      organization: 'Example Co',
      jobTitle: 'Editor',
      birthday: '1990-01-31',
      note: 'Allergic to nuts',
      groups: ['Family', 'Book club'],
      emails: [
        { value: 'iryna@example.com', type: null, primary: true },
        { value: 'i.shevchenko@example.org', type: null, primary: false },
      ],
      phones: [
        { value: '+380671234567', type: null, primary: true },
        { value: '+380441112233', type: null, primary: false },
      ],
      urls: [{ value: 'https://example.com/iryna', type: null }],
    });
    expect(cardOf(results[1])).toMatchObject({
      givenName: 'Sam',
      birthday: '--07-04',
      emails: [{ value: 'sam@example.net', type: null, primary: true }],
    });
    expect(cardOf(results[2])).toMatchObject({
      displayName: 'Front desk',
      phones: [{ value: '+1 555 0142', type: null, primary: true }],
    });
  });
});

describe('hand-made sheets', () => {
  it('reads `Name,Email,Phone` as our own layout, with Name as the display name', async () => {
    const results = await readText(
      'Name,Email,Phone,Extra\nFront desk,desk@example.com,+1 555 0100,ground floor\n',
    );
    expect(cardOf(results[0])).toMatchObject({
      displayName: 'Front desk',
      emails: [{ value: 'desk@example.com', type: null, primary: true }],
      phones: [{ value: '+1 555 0100', type: null, primary: true }],
      kept: [['x-custom-field', { 'x-label': 'Extra' }, 'text', 'ground floor']],
    });
  });

  it('keeps a phone with no digit and a non-URL photo as properties, and unknown Google groups as fields', async () => {
    const header =
      'First Name,Photo,Phone 1 - Label,Phone 1 - Value,External ID 1 - Label,External ID 1 - Value,Jot 1 - Value';
    const results = await readText(`${header}\nAda,not a url,Home,call me,Account,A-7,remember\n`);
    expect(cardOf(results[0]).kept).toEqual([
      ['x-custom-field', { 'x-label': 'Photo' }, 'text', 'not a url'],
      ['tel', { type: 'home' }, 'text', 'call me'],
      ['x-custom-field', { 'x-label': 'External ID: Account' }, 'text', 'A-7'],
      ['x-custom-field', { 'x-label': 'Jot' }, 'text', 'remember'],
    ]);
    expect(results[0]).toMatchObject({
      warnings: ['Phone "call me" is not a phone number; kept as a property'],
    });
  });

  it('reads Google\'s own "Outlook CSV" export: formatted addresses, `Country`, `myContacts` category', async () => {
    const header =
      'First Name,Last Name,Title,Home Address,Home Street,Home City,Home Country,Categories,E-mail Address';
    const row = 'Ada,Byron,Lady,"12 Marylebone Rd\nLondon",,,,"Family;myContacts",ada@example.com';
    const results = await readText(`${header}\n${row}\n`);
    expect(cardOf(results[0])).toMatchObject({
      namePrefix: 'Lady',
      groups: ['Family'],
      addresses: [{ type: 'home', street: '12 Marylebone Rd\nLondon', country: null }],
    });
  });

  it('reads a uid column and a note alias of our own layout', async () => {
    const results = await readText(
      'uid,first_name,note,photo_url\nabc-123,Ada,hello,https://p.example.com/a.jpg\n',
    );
    expect(cardOf(results[0])).toMatchObject({
      uid: 'abc-123',
      note: 'hello',
      photo: { kind: 'uri', uri: 'https://p.example.com/a.jpg' },
    });
  });
});
