import { describe, expect, it } from 'vitest';
import { emptyCard } from '../../../src/lib/card.js';
import { readCard, readJCard } from '../../../src/lib/vcard/read-file.js';
import { fold } from '../../../src/lib/vcard/serialize.js';
import { deriveUid } from '../../../src/lib/vcard/uid.js';
import { deriveDisplayName, writeJCard, writeVCard } from '../../../src/lib/vcard/write.js';
import { richCard } from './rich-card.js';

const unfold = (text: string): string[] => text.replace(/\r\n[ \t]/g, '').split('\r\n');

describe('writeVCard', () => {
  it.each(['3.0', '4.0'] as const)(
    'gives back every field of a rich card when read again (%s)',
    (version) => {
      const card = richCard();
      const result = readCard(writeVCard(card, version));
      expect(result).toEqual({ index: 0, line: 1, card, warnings: [] });
    },
  );

  it('writes 3.0 as Apple reads it: TYPE=pref, item groups with X-ABLabel, inline JPEG, omitted year', () => {
    const card = { ...emptyCard(), displayName: 'A', birthday: '--04-12' };
    card.phones = [
      { value: '+1 555 0100', type: 'mobile', primary: true },
      { value: '+1 555 0101', type: 'other', primary: false },
    ];
    card.photo = { kind: 'inline', mediaType: 'image/jpeg', data: Uint8Array.from([0xff, 0xd8, 0xff]) };
    const lines = unfold(writeVCard(card, '3.0'));
    expect(lines).toEqual(
      expect.arrayContaining([
        'BEGIN:VCARD',
        'VERSION:3.0',
        'PRODID:-//Contacts API//vCard//EN',
        'FN:A',
        'N:;;;;',
        'TEL;TYPE=cell,pref:+1 555 0100',
        'item1.TEL:+1 555 0101',
        'item1.X-ABLABEL:_$!<Other>!$_',
        'BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12',
        'PHOTO;ENCODING=b;TYPE=JPEG:/9j/',
        'END:VCARD',
      ]),
    );
    expect(lines[0]).toBe('BEGIN:VCARD');
    expect(lines[1]).toBe('VERSION:3.0');
  });

  it('writes 4.0 with PREF=1, basic dates and a data: URI photo, and no N when there is none', () => {
    const card = { ...emptyCard(), organization: 'Acme', birthday: '1985-04-12' };
    card.emails = [{ value: 'a@example.com', type: 'work', primary: true }];
    card.photo = { kind: 'inline', mediaType: 'image/png', data: Uint8Array.from([0x89, 0x50]) };
    const lines = unfold(writeVCard(card, '4.0'));
    expect(lines).toContain('FN:Acme');
    expect(lines).toContain('EMAIL;TYPE=work;PREF=1:a@example.com');
    expect(lines).toContain('BDAY:19850412');
    expect(lines).toContain('PHOTO:data:image/png;base64,iVA=');
    expect(lines.some((l) => l.startsWith('N:'))).toBe(false);
  });

  it('ends lines with CRLF and folds at 75 octets without splitting a character', () => {
    const text = writeVCard(richCard(), '3.0');
    expect(text.endsWith('END:VCARD\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\uFFFD');
    }
    const folded = fold(`NOTE:${'é'.repeat(60)}😀😀`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`NOTE:${'é'.repeat(60)}😀😀`);
  });

  it('writes a link photo as a URI in both versions', () => {
    const card = {
      ...emptyCard(),
      displayName: 'A',
      photo: { kind: 'uri' as const, uri: 'https://example.com/p.jpg' },
    };
    expect(unfold(writeVCard(card, '3.0'))).toContain('PHOTO;VALUE=URI:https://example.com/p.jpg');
    expect(unfold(writeVCard(card, '4.0'))).toContain('PHOTO:https://example.com/p.jpg');
  });

  it("puts generated item groups clear of the kept properties' groups", () => {
    const card = {
      ...richCard(),
      kept: [['x-abdate', { group: 'item1' }, 'unknown', '2000-01-01'] as never],
    };
    const lines = unfold(writeVCard(card, '3.0'));
    expect(lines.filter((l) => l.startsWith('item1.'))).toEqual(['item1.X-ABDATE:2000-01-01']);
  });
});

describe('derived FN and UID', () => {
  it('derives FN from the names, else organization, else first email, else first phone', () => {
    const card = emptyCard();
    expect(deriveDisplayName(card)).toBe('');
    card.phones = [{ value: '+1 555 0100', type: null, primary: false }];
    expect(deriveDisplayName(card)).toBe('+1 555 0100');
    card.emails = [{ value: 'a@example.com', type: null, primary: false }];
    expect(deriveDisplayName(card)).toBe('a@example.com');
    card.organization = 'Acme';
    expect(deriveDisplayName(card)).toBe('Acme');
    card.familyName = 'Doe';
    expect(deriveDisplayName(card)).toBe('Doe');
    card.givenName = 'Jane';
    expect(deriveDisplayName(card)).toBe('Jane Doe');
    expect(unfold(writeVCard(card, '4.0'))).toContain('FN:Jane Doe');
  });

  it('derives a stable version-5 UUID from the content when the card has no UID', () => {
    const card = { ...richCard(), uid: null };
    const uid = deriveUid(card);
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveUid({ ...richCard(), uid: 'ignored' })).toBe(uid);
    expect(deriveUid({ ...card, note: 'other' })).not.toBe(uid);
    expect(unfold(writeVCard(card, '3.0'))).toContain(`UID:${uid}`);
  });
});

describe('writeJCard', () => {
  it('writes RFC 7095 jCard that reads back to the same card', () => {
    const card = richCard();
    const jcard = writeJCard(card);
    expect(jcard[0]).toBe('vcard');
    expect(jcard[1][0]).toEqual(['version', {}, 'text', '4.0']);
    expect(jcard[1]).toContainEqual(['fn', {}, 'text', 'Dr. Jane Q. Doe, Jr.']);
    expect(jcard[1]).toContainEqual(['categories', {}, 'text', 'Family', 'Work, Team']);
    const [back] = readJCard(JSON.parse(JSON.stringify(jcard)));
    expect(back).toEqual({ index: 0, line: 1, card, warnings: [] });
  });
});
