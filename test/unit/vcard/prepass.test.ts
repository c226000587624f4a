import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { prepass } from '../../../src/lib/vcard/prepass.js';

const card21 = (...lines: string[]): string =>
  ['BEGIN:VCARD', 'VERSION:2.1', ...lines, 'END:VCARD'].join('\r\n');
const card30 = (...lines: string[]): string =>
  ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n');
/** The jCard properties ical.js reads from the pre-pass output, without VERSION. */
const props = (text: string): unknown[][] =>
  (ICAL.parse(prepass(text).text) as [string, unknown[][]])[1].slice(1);

describe('prepass', () => {
  it('turns 2.1 into 3.0 with VERSION first', () => {
    const out = prepass(card21('FN:A'));
    expect(out.version).toBe('2.1');
    expect(out.text).toBe('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD');
  });

  it('moves a 4.0 VERSION first, where ical.js looks for it', () => {
    const out = prepass('BEGIN:VCARD\nFN:A\nVERSION:4.0\nEND:VCARD');
    expect(out).toMatchObject({ version: '4.0', text: 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD' });
  });

  it('unfolds 3.0 lines by dropping one space, 2.1 lines keeping it', () => {
    expect(props(card30('NOTE:hello', '  world'))).toEqual([['note', {}, 'text', 'hello world']]);
    expect(props(card30('NOTE:hel', '\tlo'))).toEqual([['note', {}, 'text', 'hello']]);
    expect(props(card21('NOTE:hello', ' world'))).toEqual([['note', {}, 'text', 'hello world']]);
  });

  it('decodes QUOTED-PRINTABLE with soft line breaks in its CHARSET, and drops CHARSET', () => {
    const utf8 = card21('FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9E=D0=BB=D0=B5=', '=D0=BD=D0=B0');
    expect(props(utf8)).toEqual([['fn', {}, 'text', 'Олена']]);
    expect(props(card21('FN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Jos=E9'))).toEqual([
      ['fn', {}, 'text', 'José'],
    ]);
    expect(props(card21('FN;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:=80 5'))).toEqual([
      ['fn', {}, 'text', '€ 5'],
    ]);
    // No CHARSET: UTF-8 when the bytes are UTF-8, else windows-1252.
    expect(props(card21('FN;ENCODING=QUOTED-PRINTABLE:M=C3=BCller'))).toEqual([['fn', {}, 'text', 'Müller']]);
    expect(props(card21('FN;ENCODING=QUOTED-PRINTABLE:M=FCller'))).toEqual([['fn', {}, 'text', 'Müller']]);
  });

  it('keeps line breaks from quoted-printable as line breaks', () => {
    expect(props(card21('NOTE;ENCODING=QUOTED-PRINTABLE:one=0D=0Atwo, three'))).toEqual([
      ['note', {}, 'text', 'one\ntwo, three'],
    ]);
  });

  it('decodes quoted-printable in a 3.0 card too, and never joins END:VCARD into a value', () => {
    expect(props(card30('NOTE;ENCODING=QUOTED-PRINTABLE:a=0Ab\\;c'))).toEqual([
      ['note', {}, 'text', 'a\nb;c'],
    ]);
    expect(props(card21('NOTE;ENCODING=QUOTED-PRINTABLE:dangling='))).toEqual([
      ['note', {}, 'text', 'dangling'],
    ]);
  });

  it('names bare type parameters (TEL;WORK;VOICE, EMAIL;INTERNET;PREF)', () => {
    expect(props(card21('TEL;WORK;VOICE:+1 555 0100', 'EMAIL;INTERNET;PREF:a@example.com'))).toEqual([
      ['tel', { type: ['WORK', 'VOICE'] }, 'phone-number', '+1 555 0100'],
      ['email', { type: ['INTERNET', 'PREF'] }, 'text', 'a@example.com'],
    ]);
    expect(props(card30('TEL;TYPE=HOME;TYPE=CELL:1'))).toEqual([
      ['tel', { type: ['HOME', 'CELL'] }, 'phone-number', '1'],
    ]);
  });

  it('joins 2.1 base64 lines (indented or not, up to the blank line) as ENCODING=b', () => {
    const out = props(card21('PHOTO;TYPE=JPEG;ENCODING=BASE64:', '    /9j/4AAQ', 'SkZJRg==', '', 'FN:A'));
    expect(out).toEqual([
      ['photo', { type: 'JPEG', encoding: 'b' }, 'binary', '/9j/4AAQSkZJRg=='],
      ['fn', {}, 'text', 'A'],
    ]);
    expect(props(card30('PHOTO;BASE64;JPEG:/9j/', ' 4AAQ'))).toEqual([
      ['photo', { type: 'JPEG', encoding: 'b' }, 'binary', '/9j/4AAQ'],
    ]);
  });

  it('turns base64 in a 4.0 card into a data: URI', () => {
    const out = props('BEGIN:VCARD\nVERSION:4.0\nPHOTO;ENCODING=b;TYPE=PNG:iVBORw==\nEND:VCARD');
    expect(out).toEqual([['photo', {}, 'uri', 'data:image/png;base64,iVBORw==']]);
  });

  it('keeps the unescaped commas and semicolons of 2.1 values', () => {
    expect(props(card21('NOTE:a, b', 'TITLE:x\\;y', 'N:Doe\\;Smith;John;;;'))).toEqual([
      ['note', {}, 'text', 'a, b'],
      ['title', {}, 'text', 'x;y'],
      ['n', {}, 'text', ['Doe;Smith', 'John', '', '', '']],
    ]);
    expect(props(card21('NOTE:C:\\temp'))).toEqual([['note', {}, 'text', 'C:\\temp']]);
  });

  it("reads 3.0 escaped semicolons and colons in one-text properties, and Google's escaped URL colon", () => {
    expect(props(card30('NOTE:a\\;b\\:c\\\\;d', 'URL:https\\://example.com/a\\,b'))).toEqual([
      ['note', {}, 'text', 'a;b:c\\;d'],
      ['url', {}, 'uri', 'https://example.com/a,b'],
    ]);
  });

  it("normalises birthdays: a time, --MMDD, --MM-DD, YYYYMMDD and Apple's omitted year", () => {
    const out = prepass(card30('BDAY:1985-04-12T10:30:00Z'));
    expect(out.warnings).toEqual(['BDAY time of day dropped: 1985-04-12T10:30:00Z']);
    expect(props(card30('BDAY:1985-04-12T10:30:00Z'))).toEqual([['bday', {}, 'date', '1985-04-12']]);
    expect(prepass(card30('BDAY:1985-04-12T00:00:00Z')).warnings).toEqual([]);
    expect(props(card30('BDAY:--0412'))).toEqual([['bday', {}, 'date', '--04-12']]);
    expect(props(card30('BDAY:--04-12'))).toEqual([['bday', {}, 'date', '--04-12']]);
    expect(props(card21('BDAY:19850412'))).toEqual([['bday', {}, 'date', '1985-04-12']]);
    expect(props(card30('BDAY;X-APPLE-OMIT-YEAR=1604;VALUE=date:1604-04-12'))).toEqual([
      ['bday', {}, 'date', '--04-12'],
    ]);
    expect(props(card30('BDAY;X-APPLE-OMIT-YEAR=1604:1985-04-12'))).toEqual([
      ['bday', {}, 'date', '1985-04-12'],
    ]);
    // Free text stays text (ical.js would make 'some-ti-me' of it).
    expect(props(card30('BDAY;X-APPLE-OMIT-YEAR=1604:sometime'))).toEqual([
      ['x-contacts-text-bday', { 'x-apple-omit-year': '1604' }, 'text', 'sometime'],
    ]);
    expect(props('BEGIN:VCARD\nVERSION:4.0\nBDAY:Tomorrow\nEND:VCARD')).toEqual([
      ['bday', {}, 'text', 'Tomorrow'],
    ]);
  });

  it('writes a 4.0 REV in the basic form ical.js reads', () => {
    expect(props('BEGIN:VCARD\nVERSION:4.0\nREV:1995-10-31T22:27:10Z\nEND:VCARD')).toEqual([
      ['rev', {}, 'timestamp', '1995-10-31T22:27:10Z'],
    ]);
  });

  it('embeds a nested 2.1 AGENT card as a 3.0 AGENT value', () => {
    const out = props(
      card21('FN:Boss', 'AGENT:', 'BEGIN:VCARD', 'VERSION:2.1', 'FN:Ann, Assistant', 'END:VCARD', 'TEL:1'),
    );
    expect(out).toEqual([
      ['fn', {}, 'text', 'Boss'],
      ['agent', {}, 'vcard', 'BEGIN:VCARD\nVERSION:3.0\nFN:Ann\\, Assistant\nEND:VCARD'],
      ['tel', {}, 'phone-number', '1'],
    ]);
  });

  it('drops a line that is not a property, with a warning', () => {
    const out = prepass(card30('FN:A', 'garbage without colon'));
    expect(out.warnings).toEqual(['line ignored, not a property: garbage without colon']);
    expect(out.text).not.toContain('garbage');
  });

  it('maps 2.1 VALUE=URL to uri and keeps quoted parameter values', () => {
    expect(props(card21('PHOTO;VALUE=URL:http://example.com/a.jpg', 'X-A;X-P="a,b;c":v'))).toEqual([
      ['photo', {}, 'uri', 'http://example.com/a.jpg'],
      ['x-a', { 'x-p': 'a,b;c' }, 'unknown', 'v'],
    ]);
  });
});
