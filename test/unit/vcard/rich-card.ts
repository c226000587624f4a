import { type Card, emptyCard } from '../../../src/lib/card.js';

/** A card with every field set, awkward characters included, and kept properties of many kinds. */
export function richCard(): Card {
  return {
    ...emptyCard(),
    uid: 'urn:uuid:6b1f0c2e-2a51-4c43-9d7e-0f6b8e1d2c3a',
    displayName: 'Dr. Jane Q. Doe, Jr.',
    givenName: 'Jane',
    familyName: 'Doe; Smith',
    middleName: 'Q,R',
    namePrefix: 'Dr.',
    nameSuffix: 'Jr.',
    nickname: 'JD',
    organization: 'Acme, Inc.',
    department: 'R&D',
    jobTitle: 'Chief \\ Engineer',
    emails: [
      { value: 'jane@example.com', type: 'work', primary: false },
      { value: 'j@home.example', type: 'home', primary: true },
      { value: 'x@y.example.org', type: 'Ferienhaus', primary: false },
    ],
    phones: [
      { value: '+15551234567', type: 'mobile', primary: true },
      { value: '+1 555 765 4321', type: 'home fax', primary: false },
      { value: '+44 20 1234 5678', type: 'other', primary: false },
      { value: '(555) 010-9999', type: 'main', primary: false },
      { value: '12345', type: null, primary: false },
    ],
    addresses: [
      {
        type: 'home',
        street: '1 Main St, Apt 2',
        locality: 'Springfield',
        region: 'IL',
        postalCode: '62701',
        country: 'USA',
        poBox: null,
        extended: null,
        primary: true,
      },
      {
        type: 'Cottage',
        street: 'Weg 1\nHof',
        locality: 'Dorf',
        region: null,
        postalCode: null,
        country: 'Deutschland',
        poBox: 'PO 5',
        extended: 'c/o X',
        primary: false,
      },
    ],
    urls: [
      { value: 'https://example.com/a,b;c', type: 'homepage' },
      { value: 'http://w.example', type: 'work' },
    ],
    groups: ['Family', 'Work, Team'],
    birthday: '--02-29',
    note: `Line 1\nLine 2, with comma; and semicolon \\ backslash: ünïcødé 😀 ${'long '.repeat(30)}`,
    photo: {
      kind: 'inline',
      mediaType: 'image/png',
      data: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]),
    },
    kept: [
      ['anniversary', {}, 'date-and-or-time', '2010-06-15'],
      ['x-foo', { group: 'item1' }, 'unknown', 'bar\\,baz'],
      ['x-ablabel', { group: 'item1' }, 'unknown', 'Custom'],
      ['impp', { pref: '1' }, 'uri', 'xmpp:jane@jabber.example'],
      ['kind', {}, 'text', 'individual'],
      ['gender', {}, 'text', 'F'],
      ['related', { type: 'spouse' }, 'text', 'John'],
      ['geo', {}, 'uri', 'geo:37.5,-122.25'],
      ['x-phonetic-first-name', {}, 'unknown', 'ジェーン'],
    ],
  };
}
