import { describe, expect, it } from 'vitest';
import type { Card, ReadCard } from '../../../src/lib/card.js';
import { readCard, readCards, readJCard } from '../../../src/lib/vcard/read-file.js';

const v3 = (...lines: string[]): string => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n');
const v4 = (...lines: string[]): string => ['BEGIN:VCARD', 'VERSION:4.0', ...lines, 'END:VCARD'].join('\r\n');

function ok(result: ReadCard): { card: Card; warnings: string[] } {
  if ('error' in result) throw new Error(`expected a card, got: ${result.error}`);
  return result;
}

describe('readCard fields', () => {
  it('reads names, organization, title, nickname, note, uid and groups', () => {
    const { card, warnings } = ok(
      readCard(
        v3(
          'UID:u-1',
          'FN:Dr. Ada King',
          'N:King;Ada;Augusta,Byron;Dr.;PhD',
          'NICKNAME:Ada,Countess',
          'ORG:Analytical Engines;Research;Difference',
          'TITLE:Mathematician',
          'NOTE:first line\\nsecond\\, with comma',
          'CATEGORIES:Friends,Science',
          'CATEGORIES:Friends,myContacts',
        ),
      ),
    );
    expect(warnings).toEqual([]);
    expect(card).toMatchObject({
      uid: 'u-1',
      displayName: 'Dr. Ada King',
      familyName: 'King',
      givenName: 'Ada',
      middleName: 'Augusta,Byron',
      namePrefix: 'Dr.',
      nameSuffix: 'PhD',
      nickname: 'Ada, Countess',
      organization: 'Analytical Engines',
      department: 'Research;Difference',
      jobTitle: 'Mathematician',
      note: 'first line\nsecond, with comma',
      groups: ['Friends', 'Science'],
      kept: [],
    });
  });

  it('reads a 3.0 NOTE whose commas were not escaped as written', () => {
    expect(ok(readCard(v3('FN:A', 'NOTE:a, b, c'))).card.note).toBe('a, b, c');
  });

  it('labels emails, phones, addresses and URLs from TYPE, and picks one primary per list', () => {
    const { card } = ok(
      readCard(
        v3(
          'FN:A',
          'EMAIL;TYPE=INTERNET,HOME:h@example.com',
          'EMAIL;TYPE=INTERNET,WORK,pref:w@example.com',
          'EMAIL;TYPE=INTERNET,pref:second-pref@example.com',
          'TEL;TYPE=CELL,VOICE:+1 555 0100',
          'TEL;TYPE=HOME,FAX:+1 555 0101',
          'TEL;TYPE=WORK,FAX:+1 555 0102',
          'TEL;TYPE=PAGER:+1 555 0103',
          'TEL;TYPE=CAR:+1 555 0104',
          'TEL:+1 555 0105',
          'ADR;TYPE=WORK,POSTAL:PO 1;Suite 2;1 Main St;Town;ST;12345;Land',
          'URL;TYPE=HOME:https://example.com',
        ),
      ),
    );
    expect(card.emails).toEqual([
      { value: 'h@example.com', type: 'home', primary: false },
      { value: 'w@example.com', type: 'work', primary: true },
      { value: 'second-pref@example.com', type: null, primary: false },
    ]);
    expect(card.phones.map((p) => [p.type, p.primary])).toEqual([
      ['mobile', false],
      ['home fax', false],
      ['work fax', false],
      ['pager', false],
      ['car', false],
      [null, false],
    ]);
    expect(card.addresses).toEqual([
      {
        type: 'work',
        poBox: 'PO 1',
        extended: 'Suite 2',
        street: '1 Main St',
        locality: 'Town',
        region: 'ST',
        postalCode: '12345',
        country: 'Land',
        primary: false,
      },
    ]);
    expect(card.urls).toEqual([{ value: 'https://example.com', type: 'home' }]);
  });

  it('takes the lowest 4.0 PREF as primary and strips tel: URIs', () => {
    const { card } = ok(
      readCard(
        v4(
          'FN:A',
          'TEL;PREF=2;TYPE=cell:+1 555 0100',
          'TEL;VALUE=uri;PREF=1:tel:+1-555-0101',
          'TEL;PREF=1:+1 555 0102',
        ),
      ),
    );
    expect(card.phones).toEqual([
      { value: '+1 555 0100', type: 'mobile', primary: false },
      { value: '+1-555-0101', type: null, primary: true },
      { value: '+1 555 0102', type: null, primary: false },
    ]);
  });

  it("takes Apple's item-group labels, built-in and custom, over TYPE", () => {
    const { card } = ok(
      readCard(
        v3(
          'FN:A',
          'item1.TEL;type=VOICE:+1 555 0100',
          'item1.X-ABLabel:_$!<Mobile>!$_',
          'item2.EMAIL;type=INTERNET:a@example.com',
          'item2.X-ABLabel:Ferienhaus',
          'item3.TEL:+1 555 0101',
          'item3.X-ABLabel:_$!<HomeFAX>!$_',
          'item4.X-ABDATE:2000-01-01',
          'item4.X-ABLabel:Graduation',
        ),
      ),
    );
    expect(card.phones.map((p) => p.type)).toEqual(['mobile', 'home fax']);
    expect(card.emails[0]!.type).toBe('Ferienhaus');
    // A label whose group holds no field stays with its group.
    expect(card.kept).toEqual([
      ['x-abdate', { group: 'item4' }, 'unknown', '2000-01-01'],
      ['x-ablabel', { group: 'item4' }, 'unknown', 'Graduation'],
    ]);
  });

  it('reads birthdays with and without a year', () => {
    expect(ok(readCard(v3('FN:A', 'BDAY:1985-04-12'))).card.birthday).toBe('1985-04-12');
    expect(ok(readCard(v3('FN:A', 'BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29'))).card.birthday).toBe('--02-29');
    expect(ok(readCard(v4('FN:A', 'BDAY:--0229'))).card.birthday).toBe('--02-29');
    expect(ok(readCard(v4('FN:A', 'BDAY:19850412T101500Z'))).card.birthday).toBe('1985-04-12');
  });

  it('reads PHOTO inline in 3.0, as a data: URI in 4.0, or as a link', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]).toString('base64');
    expect(ok(readCard(v3('FN:A', `PHOTO;ENCODING=b;TYPE=JPEG:${jpeg}`))).card.photo).toEqual({
      kind: 'inline',
      mediaType: 'image/jpeg',
      data: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]),
    });
    // Without a TYPE the bytes say what they are.
    expect(ok(readCard(v3('FN:A', `PHOTO;ENCODING=b:${jpeg}`))).card.photo).toMatchObject({
      mediaType: 'image/jpeg',
    });
    expect(ok(readCard(v4('FN:A', 'PHOTO:data:image/png;base64,iVBORw0K'))).card.photo).toMatchObject({
      kind: 'inline',
      mediaType: 'image/png',
    });
    expect(ok(readCard(v3('FN:A', 'PHOTO;VALUE=uri:https://example.com/a.jpg'))).card.photo).toEqual({
      kind: 'uri',
      uri: 'https://example.com/a.jpg',
    });
  });
});

describe('readCard: what no field holds', () => {
  it('keeps the second of a single-valued property, and everything unmodelled, as jCard', () => {
    const { card, warnings } = ok(
      readCard(
        v3(
          'PRODID:-//Test//EN',
          'FN:First',
          'FN:Second',
          'ORG:One',
          'ORG:Two',
          'NOTE:n1',
          'NOTE:n2',
          'BDAY:2000-01-01',
          'BDAY:2001-01-01',
          'TITLE:t1',
          'TITLE:t2',
          'X-CUSTOM;X-P=1:raw\\,value',
          'ROLE:Lead',
        ),
      ),
    );
    expect(warnings).toEqual([]);
    expect([card.displayName, card.organization, card.note, card.birthday, card.jobTitle]).toEqual([
      'First',
      'One',
      'n1',
      '2000-01-01',
      't1',
    ]);
    expect(card.kept).toEqual([
      ['fn', {}, 'text', 'Second'],
      ['org', {}, 'text', 'Two'],
      ['note', {}, 'text', 'n2'],
      ['bday', {}, 'date-and-or-time', '2001-01-01'],
      ['title', {}, 'text', 't2'],
      ['x-custom', { 'x-p': '1' }, 'unknown', 'raw\\,value'],
      ['role', {}, 'text', 'Lead'],
    ]);
  });

  it('keeps a value no field can hold and warns', () => {
    const { card, warnings } = ok(
      readCard(
        v3(
          'FN:A',
          'EMAIL:not an address',
          'TEL:+1 555 0100 ext. 12',
          'TEL:+1 555 0100;ext=12',
          'TEL:call me',
          'BDAY:circa 1800',
          'PHOTO;VALUE=uri:data:image/png;base64,***',
          'EMAIL;X-CUSTOM=1:ok@example.com',
        ),
      ),
    );
    expect(card.emails).toEqual([{ value: 'ok@example.com', type: null, primary: false }]);
    expect(card.phones).toEqual([]);
    expect(card.birthday).toBeNull();
    expect(card.photo).toBeNull();
    expect(card.kept.map((p) => p[0])).toEqual(['email', 'tel', 'tel', 'tel', 'bday', 'photo']);
    expect(warnings).toEqual([
      'EMAIL kept as a property: not an email address: not an address',
      'TEL kept as a property: not a phone number field: +1 555 0100 ext. 12',
      'TEL kept as a property: not a phone number field: +1 555 0100;ext=12',
      'TEL kept as a property: not a phone number field: call me',
      'BDAY kept as a property: not a date: circa 1800',
      'PHOTO kept as a property: not an image or a link',
      'EMAIL parameter X-CUSTOM was not kept',
    ]);
  });

  it('warns about a card with an email or phone but no name, and fails one with neither', () => {
    expect(ok(readCard(v3('EMAIL:a@example.com'))).warnings).toEqual(['card has no name (FN, N or ORG)']);
    expect(ok(readCard(v3('N:;;;;', 'TEL:+1 555 0100'))).warnings).toEqual([
      'card has no name (FN, N or ORG)',
    ]);
    expect(ok(readCard(v3('ORG:Acme'))).warnings).toEqual([]);
    expect(readCard(v3('NOTE:only a note'), 3, 40)).toEqual({
      index: 3,
      line: 40,
      error: 'card has no name, email or phone',
    });
  });

  it('fails a card ical.js cannot parse with a short reason, never an exception', () => {
    const result = readCard(v3('FN;=x:A'));
    expect(result).toMatchObject({ error: expect.stringMatching(/^cannot parse the card: /) });
    expect('error' in result && result.error.length).toBeLessThanOrEqual(150);
  });
});

describe('readCards and readJCard', () => {
  it('reads every card of a file; a broken one fails alone', () => {
    const file = [v3('FN:One'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nameless', v3('FN:Two')].join('\r\n');
    const results = readCards(file);
    expect(results.map((r) => ('error' in r ? r.error : r.card.displayName))).toEqual([
      'One',
      'card has no END:VCARD',
      'Two',
    ]);
    expect(results.map((r) => r.line)).toEqual([1, 5, 8]);
  });

  it('reads jCard, one card or an array, a malformed entry failing alone', () => {
    const card = [
      'vcard',
      [
        ['version', {}, 'text', '4.0'],
        ['fn', {}, 'text', 'J'],
        ['email', { type: 'work' }, 'text', 'j@example.com'],
      ],
      [],
    ];
    const [one] = readJCard(card);
    expect(ok(one!).card).toMatchObject({
      displayName: 'J',
      emails: [{ value: 'j@example.com', type: 'work', primary: false }],
    });
    const results = readJCard([card, ['vcard', 'nope'], 42]);
    expect(results.map((r) => ('error' in r ? r.error : 'ok'))).toEqual([
      'ok',
      'not a jCard: expected ["vcard", [properties]]',
      'not a jCard: expected ["vcard", [properties]]',
    ]);
  });
});
