import { describe, expect, it } from 'vitest';
import { emptyCard } from '../../../src/lib/card.js';
import { cardOf, readFixture, readText } from './helpers.js';

describe('Google Contacts, current export', () => {
  it('detects the layout and reads every row, with the line where each starts', async () => {
    const { layout, results } = await readFixture('google-current.csv');
    expect(layout).toBe('google');
    expect(results.map((r) => [r.index, r.line, 'error' in r])).toEqual([
      [0, 2, false],
      [1, 6, false],
      [2, 9, false],
      [3, 10, false],
      [4, 11, true],
      [5, 12, false],
    ]);
  });

  it('reads a rich card: names, organization, lists with labels, primary marks, groups, kept columns', async () => {
    const { results } = await readFixture('google-current.csv');
    expect(cardOf(results[0])).toEqual({
      ...emptyCard(),
      givenName: 'Olena',
      middleName: 'Petrivna',
      familyName: 'Kovalenko',
      namePrefix: 'Dr.',
      nickname: 'Lena',
      organization: 'Example Labs',
      jobTitle: 'Research Lead',
      department: 'Optics',
      birthday: '1988-03-14',
      note: 'Met at the conference in Lviv.\nPrefers email.',
      photo: { kind: 'uri', uri: 'https://lh3.googleusercontent.com/contacts/EXAMPLE-photo-1' },
      groups: ['starred', 'Family', 'Work'],
      emails: [
        { value: 'olena.k@example.com', type: 'home', primary: true },
        { value: 'o.kovalenko@example.org', type: 'work', primary: false },
        { value: 'lab@example.org', type: 'work', primary: false },
      ],
      phones: [
        { value: '+380 50 123 4567', type: 'mobile', primary: false },
        { value: '+380 44 765 4321', type: 'work', primary: false },
      ],
      addresses: [
        {
          type: 'home',
          street: 'vul. Khreshchatyk 1',
          locality: 'Kyiv',
          region: null,
          postalCode: '01001',
          country: 'Ukraine',
          poBox: null,
          extended: 'kv. 5',
          primary: false,
        },
      ],
      urls: [{ value: 'https://example.com/~olena', type: 'profile' }],
      kept: [
        ['x-phonetic-first-name', {}, 'text', 'Oh-leh-nah'],
        ['anniversary', {}, 'date-and-or-time', '2012-06-30'],
        ['x-abdate', { group: 'item1' }, 'date-and-or-time', '2010-07-01'],
        ['x-ablabel', { group: 'item1' }, 'text', 'Graduation'],
        ['related', { type: 'spouse' }, 'text', 'Andrii Kovalenko'],
        ['impp', { type: 'work', 'x-service-type': 'Skype' }, 'uri', 'skype:olena.k.example'],
        ['x-custom-field', { 'x-label': 'Employee ID' }, 'text', 'E-1042'],
      ],
    });
  });

  it('splits ` ::: ` cells, marks one primary, and uses Formatted only when no part is given', async () => {
    const { results } = await readFixture('google-current.csv');
    const card = cardOf(results[1]);
    expect(card.birthday).toBe('--11-02');
    expect(card.phones).toEqual([
      { value: '(555) 010-2030', type: 'mobile', primary: true },
      { value: '(555) 010-2031', type: 'mobile', primary: false },
    ]);
    expect(card.addresses[0]).toMatchObject({
      type: 'work',
      street: '12 Harbour Road, Unit 4\nSpringfield, IL 62704\nUS',
      locality: null,
    });
    expect(card.groups).toEqual(['Friends']);
  });

  it('reads an organization-only card, and a card with only an email with a warning', async () => {
    const { results } = await readFixture('google-current.csv');
    expect(cardOf(results[2])).toMatchObject({
      organization: 'Acme Plumbing',
      urls: [{ value: 'https://plumbing.example.com', type: null }],
      groups: [],
    });
    expect(results[2]).toMatchObject({ warnings: [] });
    expect(results[3]).toMatchObject({ warnings: ['Row has no name'] });
    expect(cardOf(results[3]).emails).toEqual([{ value: 'no-name@example.com', type: null, primary: false }]);
  });

  it('fails a row with neither a name, an email nor a phone, alone', async () => {
    const { results } = await readFixture('google-current.csv');
    expect(results[4]).toEqual({ index: 4, line: 11, error: 'Row has neither a name, an email nor a phone' });
  });

  it('keeps what no field can hold (an email that is no address, a date that is none) and warns', async () => {
    const { results } = await readFixture('google-current.csv');
    const result = results[5]!;
    const card = cardOf(result);
    expect(card.givenName).toBe('"Quoted", Name');
    expect(card.nickname).toBe('Shortie, the "Great"');
    expect(card.emails).toEqual([]);
    expect(card.birthday).toBeNull();
    expect(card.kept).toEqual([
      ['bday', {}, 'text', '1975-02-29x'],
      ['email', { type: 'home' }, 'text', 'not-an-address'],
    ]);
    expect('warnings' in result && result.warnings).toEqual([
      'Birthday "1975-02-29x" is not a date; kept as a property',
      'E-mail "not-an-address" is not an address; kept as a property',
    ]);
  });
});

describe('Google Contacts, legacy export', () => {
  it('reads Name, Given/Family Name, Group Membership, `- Type` labels and numbered organizations', async () => {
    const { layout, results } = await readFixture('google-legacy.csv');
    expect(layout).toBe('google-legacy');
    const card = cardOf(results[0]);
    expect(card).toMatchObject({
      displayName: 'Marta Nowak',
      givenName: 'Marta',
      familyName: 'Nowak',
      birthday: '1991-09-23',
      note: 'Neighbour, flat 3',
      groups: ['Neighbours'],
      organization: 'Example Bank',
      jobTitle: 'Analyst',
      department: 'Risk',
      emails: [
        { value: 'marta.nowak@example.com', type: 'home', primary: true },
        { value: 'm.nowak@example.org', type: 'work', primary: false },
      ],
      phones: [
        { value: '+48 600 100 200', type: 'mobile', primary: false },
        { value: '+48 22 555 01 02', type: 'home', primary: false },
      ],
      urls: [{ value: 'https://blog.example.com/marta', type: 'blog' }],
    });
    expect(card.addresses[0]).toMatchObject({ type: 'home', street: 'ul. Prosta 3/5', locality: 'Warszawa' });
    expect(card.kept).toEqual([
      ['anniversary', {}, 'date-and-or-time', '2015-05-16'],
      ['related', { type: 'sister' }, 'text', 'Ewa Nowak'],
      ['impp', { type: 'home', 'x-service-type': 'Jabber' }, 'uri', 'xmpp:marta@chat.example.org'],
      ['x-custom-field', { 'x-label': 'Locker' }, 'text', '17'],
      ['x-custom-field', { 'x-label': 'Hobby' }, 'text', 'Climbing'],
    ]);
  });

  it('drops `* My Contacts` and the `* ` of system groups; reads legacy phonetic names', async () => {
    const { results } = await readFixture('google-legacy.csv');
    const card = cardOf(results[1]);
    expect(card.groups).toEqual(['Starred', 'Climbing Club']);
    expect(card.kept).toEqual([['x-phonetic-first-name', {}, 'text', 'ケンジ']]);
    expect(cardOf(results[2]).emails).toEqual([
      { value: 'info@shop.example.com', type: 'other', primary: true },
    ]);
  });

  it('fills the fields from the first of several organizations and keeps the others as ORG and TITLE', async () => {
    const header =
      'Name,Organization 1 - Type,Organization 1 - Name,Organization 1 - Title,Organization 1 - Department';
    const results = await readText(
      `${header}\nAda,Work ::: Other,Acme ::: Club,CTO ::: Treasurer, ::: Finance\n`,
    );
    expect(cardOf(results[0])).toMatchObject({
      organization: 'Acme',
      jobTitle: 'CTO',
      department: null,
      kept: [
        ['org', {}, 'text', ['Club', 'Finance']],
        ['title', {}, 'text', 'Treasurer'],
      ],
    });
  });
});
