import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Card, ReadCard } from '../../../src/lib/card.js';
import { readCard, readCards } from '../../../src/lib/vcard/read-file.js';
import { deriveUid } from '../../../src/lib/vcard/uid.js';
import { deriveDisplayName, writeVCard } from '../../../src/lib/vcard/write.js';

const fixture = (name: string): ReadCard[] =>
  readCards(readFileSync(new URL(`../../fixtures/vcard/${name}`, import.meta.url), 'utf8'));

function cards(name: string): { card: Card; warnings: string[] }[] {
  return fixture(name).map((result) => {
    if ('error' in result) throw new Error(`${name} #${result.index}: ${result.error}`);
    return result;
  });
}

const FIXTURES = [
  'iphone.vcf',
  'android-2.1.vcf',
  'google.vcf',
  'outlook-2.1.vcf',
  'thunderbird-4.0.vcf',
  'nextcloud-4.0.vcf',
];

describe('cards as real programs write them', () => {
  it('iPhone (3.0): item groups, X-ABLabel, omitted year, base64 photo, kept Apple properties', () => {
    const [{ card, warnings }] = cards('iphone.vcf') as [{ card: Card; warnings: string[] }];
    expect(warnings).toEqual([]);
    expect(card).toMatchObject({
      uid: '8F0B2C1E-7A4D-4B6E-9C3F-1D2E3F4A5B6C',
      displayName: 'Maja Elin Lindqvist',
      givenName: 'Maja',
      middleName: 'Elin',
      familyName: 'Lindqvist',
      nickname: 'Majsan',
      organization: 'Nordlys Design AB',
      department: 'Studio',
      jobTitle: 'Art Director',
      birthday: '--08-23',
      groups: ['Friends', 'Design'],
      note: 'Met at the Göteborg fair, 2019. Prefers calls after 10:00; never on Sundays.',
      urls: [{ value: 'https://nordlys.example', type: 'homepage' }],
    });
    expect(card.emails.map((e) => [e.value, e.type, e.primary])).toEqual([
      ['maja.lindqvist@example.se', 'home', true],
      ['maja@nordlys.example', 'work', false],
      ['maja.l@club.example', 'Klubben', false],
    ]);
    expect(card.phones.map((p) => [p.value, p.type, p.primary])).toEqual([
      ['+46 70 123 45 67', 'mobile', true],
      ['+46 8 123 456', 'home', false],
      ['+46 31 987 654', 'other', false],
      ['+46 40 555 111', 'Sommarhuset', false],
    ]);
    expect(card.addresses[0]).toMatchObject({
      type: 'home',
      street: 'Storgatan 12\nLgh 1102',
      postalCode: '114 51',
      primary: true,
    });
    expect(card.photo).toMatchObject({ kind: 'inline', mediaType: 'image/jpeg' });
    expect(card.kept.map((p) => p[0])).toEqual([
      'x-abadr',
      'anniversary',
      'x-abrelatednames',
      'x-ablabel',
      'impp',
      'x-socialprofile',
      'x-abshowas',
    ]);
  });

  it('Android (2.1): quoted-printable UTF-8 names, CHARSET, TEL;CELL;PREF, a nameless card', () => {
    const [first, second] = cards('android-2.1.vcf');
    expect(first!.card).toMatchObject({
      displayName: 'Олена Шевченко',
      givenName: 'Олена',
      familyName: 'Шевченко',
      birthday: '1990-03-08',
      note: 'Перший рядок\nдругий, з комою',
      emails: [{ value: 'olena.s@example.ua', type: 'home', primary: false }],
    });
    expect(first!.card.phones).toEqual([
      { value: '+380501234567', type: 'mobile', primary: true },
      { value: '044 123 4567', type: 'home', primary: false },
    ]);
    expect(first!.card.addresses[0]).toMatchObject({
      street: 'вул. Хрещатик, 1',
      locality: 'Київ',
      country: 'Україна',
    });
    // A number with pauses (an extension) is kept, with a warning.
    expect(first!.warnings).toEqual([
      'TEL kept as a property: not a phone number field: +380 44 765 4321,,55',
    ]);
    expect(first!.card.kept[1]![0]).toBe('x-android-custom');
    expect(second!.warnings).toEqual(['card has no name (FN, N or ORG)']);
    expect(second!.card.phones[0]!.value).toBe('+48 600 100 200');
  });

  it('Google Contacts (3.0): myContacts left out of the groups, escaped URL colon, custom labels', () => {
    const [first, second] = cards('google.vcf');
    expect(first!.card).toMatchObject({
      displayName: 'Tomás Herrera',
      organization: 'Sol Energía S.L.',
      groups: ['Amigos'],
      note: 'Amigo de la universidad, jugamos al pádel.',
      urls: [{ value: 'https://tomas.example/blog', type: 'BLOG' }],
      kept: [
        ['x-abdate', { group: 'item2' }, 'unknown', '2015-09-12'],
        ['x-ablabel', { group: 'item2' }, 'unknown', 'Boda'],
      ],
    });
    expect(second!.card.groups).toEqual([]);
    expect(second!.warnings).toEqual(['card has no name (FN, N or ORG)']);
  });

  it('Outlook (2.1): TEL;WORK;VOICE, quoted-printable soft breaks, indented base64 photo', () => {
    const [{ card, warnings }] = cards('outlook-2.1.vcf') as [{ card: Card; warnings: string[] }];
    expect(warnings).toEqual([]);
    expect(card).toMatchObject({
      displayName: 'Chinedu Okafor',
      organization: 'Harbor Logistics Ltd',
      department: 'Operations',
      birthday: '1979-05-15',
      note: 'Prefers email. Shipping contact for the West Africa routes; call before 9am, Lagos time.\nSecond line.',
      emails: [{ value: 'c.okafor@harbor.example', type: null, primary: true }],
      urls: [{ value: 'http://www.harbor.example', type: 'work' }],
    });
    expect(card.phones.map((p) => p.type)).toEqual(['work', 'home', 'mobile', 'work fax']);
    expect(card.photo).toMatchObject({ kind: 'inline', mediaType: 'image/jpeg' });
    expect((card.photo as { data: Uint8Array }).data).toHaveLength(62);
    expect(card.kept[0]).toEqual([
      'label',
      { type: 'WORK', pref: '1' },
      'text',
      '12 Dock Road\nLagos, Lagos State 101241\nNigeria',
    ]);
  });

  it('Thunderbird (4.0): TYPE=work, VALUE=TEXT phones, X-MOZILLA-HTML kept', () => {
    const [{ card }] = cards('thunderbird-4.0.vcf') as [{ card: Card; warnings: string[] }];
    expect(card).toMatchObject({ namePrefix: 'Dr.', birthday: '1988-02-14', note: 'Coffee, not tea.' });
    expect(card.emails.map((e) => [e.type, e.primary])).toEqual([
      [null, true],
      ['work', false],
    ]);
    expect(card.phones.map((p) => p.type)).toEqual(['work', 'mobile']);
    expect(card.kept).toContainEqual(['x-mozilla-html', {}, 'unknown', 'TRUE']);
  });

  it('Nextcloud / DAVx5 (4.0): --MMDD birthday, tel: URI, data: URI photo', () => {
    const [{ card }] = cards('nextcloud-4.0.vcf') as [{ card: Card; warnings: string[] }];
    expect(card).toMatchObject({ birthday: '--12-20', groups: ['Family'] });
    expect(card.phones).toEqual([
      { value: '+81 90 1234 5678', type: 'mobile', primary: true },
      { value: '+81-3-1234-5678', type: 'home', primary: false },
    ]);
    expect(card.photo).toMatchObject({ kind: 'inline', mediaType: 'image/jpeg' });
    expect(card.kept.map((p) => p[0])).toEqual(['impp', 'related', 'x-phonetic-first-name', 'rev']);
  });

  it.each(FIXTURES)('%s: every card written back in 3.0 and 4.0 reads as the same card', (name) => {
    for (const { card } of cards(name)) {
      for (const version of ['3.0', '4.0'] as const) {
        // A card without a UID or FN gets them derived (a UID from its content, the same every time).
        const again = readCard(writeVCard(card, version));
        const uid = card.uid ?? deriveUid(card);
        expect('card' in again && again.card).toEqual({
          ...card,
          uid,
          displayName: card.displayName ?? deriveDisplayName(card),
        });
      }
    }
  });
});
