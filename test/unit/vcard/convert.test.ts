import { describe, expect, it } from 'vitest';
import { convertVCard } from '../../../src/lib/vcard/convert.js';

const v3 = (...lines: string[]): string => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n');
const v4 = (...lines: string[]): string => ['BEGIN:VCARD', 'VERSION:4.0', ...lines, 'END:VCARD'].join('\r\n');
/** The converted card's unfolded lines between VERSION/PRODID and END. */
const body = (text: string): string[] =>
  text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .slice(3, -2);

describe('convertVCard 3.0 → 4.0', () => {
  it('follows the VCardConverter table', () => {
    const out = convertVCard(
      v3(
        'PRODID:-//Apple Inc.//iPhone OS 17//EN',
        'FN:A',
        'EMAIL;TYPE=INTERNET,HOME,pref:a@example.com',
        'TEL;TYPE=CELL:+1 555 0100',
        'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4A==',
        'LOGO;ENCODING=b;TYPE=image/png:iVBORw==',
        'BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12',
        'X-ABSHOWAS:COMPANY',
        'X-ADDRESSBOOKSERVER-KIND:group',
        'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1',
        'X-ANNIVERSARY:2010-06-15',
        'item1.X-ABDATE:2010-06-15',
        'item1.X-ABLabel:_$!<Anniversary>!$_',
        'item2.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-01-02',
        'item2.X-ABLabel:_$!<Anniversary>!$_',
        'X-AIM:johnny',
        'X-JABBER:j@chat.example',
        'X-GENDER:Female',
        'GEO:37.5;-122.25',
        'AGENT;VALUE=uri:CID:jqpublic.vcard',
        'LABEL;TYPE=HOME:1 Main St\\nTown',
        'MAILER:PigeonMail 2.1',
      ),
      '4.0',
    );
    expect(out.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-//Contacts API//vCard//EN\r\n')).toBe(true);
    expect(body(out)).toEqual([
      'FN:A',
      'EMAIL;TYPE=INTERNET,HOME;PREF=1:a@example.com',
      'TEL;TYPE=CELL;VALUE=TEXT:+1 555 0100',
      'PHOTO:data:image/jpeg;base64,/9j/4A==',
      'LOGO:data:image/png;base64,iVBORw==',
      'BDAY:--0412',
      'KIND:org',
      'KIND:group',
      'MEMBER:urn:uuid:1',
      'ANNIVERSARY:20100615',
      'ANNIVERSARY:--0102',
      'IMPP:aim:johnny',
      'IMPP:xmpp:j@chat.example',
      'GENDER:F',
      'GEO:geo:37.5,-122.25',
      'RELATED;TYPE=agent:CID:jqpublic.vcard',
      // Kept (VCardConverter drops them), with the value type a 4.0 reader does not know.
      'LABEL;TYPE=HOME;VALUE=TEXT:1 Main St\\nTown',
      'MAILER;VALUE=TEXT:PigeonMail 2.1',
    ]);
  });

  it('converts a 2.1 card the same way, its quirks read first', () => {
    const out = convertVCard(
      'BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nTEL;CELL;PREF:1\r\nNOTE:a, b\r\nEND:VCARD',
      '4.0',
    );
    expect(body(out)).toEqual(['FN:A', 'TEL;TYPE=CELL;PREF=1;VALUE=TEXT:1', 'NOTE:a\\, b']);
  });
});

describe('convertVCard 4.0 → 3.0', () => {
  it('follows the VCardConverter table, in a form iOS reads', () => {
    const out = convertVCard(
      v4(
        'FN:A',
        'EMAIL;TYPE=home;PREF=1:a@example.com',
        'EMAIL;PREF=2:b@example.com',
        'TEL;VALUE=uri;TYPE=cell:tel:+1-555-0100',
        'PHOTO:data:image/jpeg;base64,/9j/4A==',
        'PHOTO:https://example.com/p.jpg',
        'BDAY:--0412',
        'KIND:org',
        'KIND:individual',
        'MEMBER:urn:uuid:1',
        'ANNIVERSARY:20100615',
        'IMPP:xmpp:j@chat.example',
        'IMPP;X-SERVICE-TYPE=Custom:aim:x',
        'GENDER:M',
        'GENDER:O;non-binary',
        'GEO:geo:37.5,-122.25',
        'RELATED;TYPE=agent,friend;VALUE=text:BEGIN:VCARD\\nFN:B\\nEND:VCARD',
        'RELATED;TYPE=spouse:urn:uuid:2',
      ),
      '3.0',
    );
    expect(body(out)).toEqual([
      'FN:A',
      'EMAIL;TYPE=home,pref:a@example.com',
      'EMAIL;PREF=2:b@example.com',
      'TEL;TYPE=cell:+1-555-0100',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4A==',
      'PHOTO;VALUE=URI:https://example.com/p.jpg',
      'BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12',
      'X-ABSHOWAS:COMPANY',
      'X-ADDRESSBOOKSERVER-KIND:individual',
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1',
      'X-ANNIVERSARY:2010-06-15',
      'item1.X-ABDATE:2010-06-15',
      'item1.X-ABLABEL:_$!<Anniversary>!$_',
      'IMPP;X-SERVICE-TYPE=Jabber;VALUE=URI:xmpp:j@chat.example',
      'IMPP;X-SERVICE-TYPE=Custom;VALUE=URI:aim:x',
      'X-GENDER:Male',
      'GENDER;VALUE=TEXT:O;non-binary',
      'GEO:37.5;-122.25',
      'AGENT;TYPE=friend:BEGIN:VCARD\\nFN:B\\nEND:VCARD',
      'RELATED;TYPE=spouse;VALUE=URI:urn:uuid:2',
    ]);
  });

  it('round-trips 4.0 → 3.0 → 4.0 without duplicating the anniversary', () => {
    const card = v4('FN:A', 'ANNIVERSARY:20100615', 'KIND:group', 'IMPP:xmpp:j@chat.example', 'BDAY:--0229');
    expect(body(convertVCard(convertVCard(card, '3.0'), '4.0'))).toEqual([
      'FN:A',
      'ANNIVERSARY:20100615',
      'KIND:group',
      'IMPP:xmpp:j@chat.example',
      'BDAY:--0229',
    ]);
  });

  it('normalises a card asked for in its own version, and throws on one that cannot be parsed', () => {
    expect(body(convertVCard(v3('FN:A', 'NOTE:x\\;y'), '3.0'))).toEqual(['FN:A', 'NOTE:x\\;y']);
    expect(() => convertVCard(v3('FN;=x:A'), '4.0')).toThrow(/cannot parse/);
  });
});
