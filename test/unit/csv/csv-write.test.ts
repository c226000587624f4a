import { describe, expect, it } from 'vitest';
import { type Card, emptyCard, type KeptProperty } from '../../../src/lib/card.js';
import { GOOGLE_HEADER, writeGoogleCsv, writeGoogleCsvText } from '../../../src/lib/csv/index.js';
import { cardOf, readText } from './helpers.js';

const address = (type: string | null, street: string | null, extra: Partial<Card['addresses'][0]> = {}) => ({
  type,
  street,
  locality: null,
  region: null,
  postalCode: null,
  country: null,
  poBox: null,
  extended: null,
  primary: false,
  ...extra,
});

/** A card using every field and kept property the Google layout carries, with more values than its groups. */
function richCard(): Card {
  return {
    ...emptyCard(),
    displayName: 'Dr. Olena K.',
    givenName: 'Olena',
    middleName: 'Petrivna',
    familyName: 'Kovalenko',
    namePrefix: 'Dr.',
    nameSuffix: 'PhD',
    nickname: 'Lena, "the Lens"',
    organization: 'Example Labs',
    department: 'Optics',
    jobTitle: 'Research Lead',
    emails: [
      { value: 'olena@example.com', type: 'home', primary: false },
      { value: 'o.k@example.org', type: 'work', primary: true },
      { value: 'gym@example.net', type: 'Gym', primary: false },
      { value: 'old@example.net', type: 'other', primary: false },
      { value: 'bare@example.net', type: null, primary: false },
    ],
    phones: [
      { value: '+380501234567', type: 'mobile', primary: false },
      { value: '+380501234568', type: 'mobile', primary: false },
      { value: '+380501234569', type: 'mobile', primary: false },
      { value: '+380501234570', type: 'mobile', primary: false },
      { value: 'ext. 42 then 7', type: null, primary: true },
    ],
    addresses: [
      address('home', 'vul. Khreshchatyk 1', {
        locality: 'Kyiv',
        postalCode: '01001',
        country: 'Ukraine',
        primary: true,
      }),
      address('work', 'Line one\nLine two', { extended: 'Suite 4', poBox: '17', region: 'IL' }),
      address('Dacha', null, { locality: 'Irpin' }),
      address(null, '1 Other St', { country: 'UA' }),
    ],
    urls: [
      { value: 'https://example.com/olena', type: 'profile' },
      { value: 'https://blog.example.com', type: 'Portfolio' },
      { value: 'https://a.example.com', type: null },
      { value: 'https://b.example.com', type: 'work' },
    ],
    groups: ['starred', 'Family', 'Book club, Kyiv'],
    birthday: '--02-29',
    note: 'Line 1\nLine 2, with "quotes"',
    photo: { kind: 'uri', uri: 'https://photos.example.com/p/1.jpg' },
    kept: [
      ['x-phonetic-first-name', {}, 'text', 'Oh-leh-nah'],
      ['x-phonetic-last-name', {}, 'text', 'Ko-va-len-ko'],
      ['anniversary', {}, 'date-and-or-time', '2012-06-30'],
      ['x-abdate', { group: 'item1' }, 'date-and-or-time', '2010-07-01'],
      ['x-ablabel', { group: 'item1' }, 'text', 'Graduation'],
      ['x-abdate', {}, 'text', 'some spring'],
      ['related', { type: 'spouse' }, 'text', 'Andrii'],
      ['related', { type: 'Godmother' }, 'text', 'Oksana'],
      ['related', {}, 'text', 'Someone'],
      ['impp', { type: 'work', 'x-service-type': 'Skype' }, 'uri', 'skype:olena.k'],
      ['impp', { 'x-service-type': 'Jabber' }, 'uri', 'xmpp:olena@chat.example.org'],
      ['x-custom-field', { 'x-label': 'Employee ID' }, 'text', 'E-1042'],
      ['x-custom-field', {}, 'text', 'unlabelled'],
      ['email', { type: 'home' }, 'text', 'not-an-address'],
    ],
  };
}

const sorted = (kept: KeptProperty[]) => kept.map((prop) => JSON.stringify(prop)).sort();

async function roundTrip(cards: Card[]): Promise<Card[]> {
  return (await readText(await writeGoogleCsvText(cards))).map(cardOf);
}

describe('writing Google CSV', () => {
  it('writes a BOM, Google’s current header first and CRLF line ends', async () => {
    const chunks: string[] = [];
    for await (const chunk of writeGoogleCsv([])) chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe(`\uFEFF${GOOGLE_HEADER.join(',')}\r\n`);
    expect(GOOGLE_HEADER.slice(0, 3)).toEqual(['First Name', 'Middle Name', 'Last Name']);
    expect(GOOGLE_HEADER).toContain('E-mail 3 - Value');
    expect(GOOGLE_HEADER).toContain('Address 1 - Extended Address');
  });

  it('gives back equal cards for every field the layout carries (read(write(cards)))', async () => {
    const card = richCard();
    const [back] = await roundTrip([card]);
    const { kept, ...fields } = back!;
    const { kept: keptBefore, ...fieldsBefore } = card;
    expect(fields).toEqual(fieldsBefore);
    expect(sorted(kept)).toEqual(sorted(keptBefore));
  });

  it('writes several labels in the last group one per value, one label when they agree', async () => {
    const text = await writeGoogleCsvText([richCard()]);
    const [, row] = text.split('\r\n');
    expect(row).toContain('Gym ::: Other :::');
    expect(row).toContain('Mobile,+380501234569 ::: +380501234570 ::: ext. 42 then 7'.replace('Mobile,', ''));
    expect(row).toContain('* myContacts ::: * starred ::: Family ::: "Book club, Kyiv"'.replace(/"/g, ''));
  });

  it('leaves File As empty when the display name is the derived one, and the reader leaves it null', async () => {
    const card: Card = {
      ...emptyCard(),
      displayName: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
    };
    const [back] = await roundTrip([card]);
    expect(back).toEqual({ ...card, displayName: null });
  });

  it('writes a property the layout has no column for as a custom field named after it', async () => {
    const card: Card = {
      ...emptyCard(),
      givenName: 'Ann',
      kept: [
        ['x-socialprofile', { type: 'twitter' }, 'uri', 'https://social.example.com/ann'],
        ['org', {}, 'text', ['Second Org', 'Dept']],
        ['x-ablabel', { group: 'item9' }, 'text', 'orphan label'],
        ['x-aim', { type: 'home' }, 'text', 'ann.aim'],
      ],
    };
    const [back] = await roundTrip([card]);
    expect(back!.kept).toEqual([
      ['impp', { type: 'home', 'x-service-type': 'AIM' }, 'uri', 'aim:ann.aim'],
      ['x-custom-field', { 'x-label': 'X-SOCIALPROFILE' }, 'text', 'https://social.example.com/ann'],
      ['x-custom-field', { 'x-label': 'ORG' }, 'text', 'Second Org;Dept'],
    ]);
  });

  it('streams rows in batches as the cards arrive', async () => {
    async function* cards(): AsyncGenerator<Card> {
      for (let i = 0; i < 250; i += 1) yield { ...emptyCard(), givenName: `N${i}` };
    }
    const chunks: string[] = [];
    for await (const chunk of writeGoogleCsv(cards(), { batch: 100 })) chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    const back = (await readText(chunks.join(''))).map(cardOf);
    expect(back.map((c) => c.givenName)).toEqual(Array.from({ length: 250 }, (_, i) => `N${i}`));
  });
});
