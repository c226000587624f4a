import { describe, expect, it } from 'vitest';
import { isCardDate, normaliseDate } from '../../../src/lib/vcard/dates.js';
import {
  mediaTypeOfToken,
  parseDataUri,
  sniffImage,
  tokenOfMediaType,
} from '../../../src/lib/vcard/media-types.js';
import { decodeQuotedPrintable } from '../../../src/lib/vcard/quoted-printable.js';

describe('dates', () => {
  it('accepts real calendar dates only, 29 February in leap years or without a year', () => {
    expect(['2024-02-29', '--02-29', '2000-02-29', '1985-12-31'].map(isCardDate)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['2023-02-29', '1900-02-29', '1985-13-01', '1985-04-31', '--00-10', '1985-04', 'x'].map(isCardDate),
    ).toEqual(Array(7).fill(false));
  });

  it('normalises the forms programs write and leaves free text alone', () => {
    expect(normaliseDate('--0412T0800', null)).toEqual({ date: '--04-12', timeDropped: true });
    expect(normaliseDate('19850412T000000', null)).toEqual({ date: '1985-04-12', timeDropped: false });
    expect(normaliseDate('circa 1800', null)).toBeNull();
  });
});

describe('media types and data: URIs', () => {
  it('maps TYPE tokens and media types both ways', () => {
    expect([mediaTypeOfToken('jpeg'), mediaTypeOfToken('image/HEIC'), mediaTypeOfToken('FOO')]).toEqual([
      'image/jpeg',
      'image/heic',
      null,
    ]);
    expect([tokenOfMediaType('image/png'), tokenOfMediaType('image/x-foo')]).toEqual(['PNG', 'image/x-foo']);
  });

  it('recognises images by their first bytes', () => {
    expect(sniffImage(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBe('image/png');
    expect(sniffImage(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffImage(new TextEncoder().encode('RIFF0000WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(Uint8Array.from([1, 2, 3]))).toBe('application/octet-stream');
  });

  it('splits data: URIs, base64 or percent-encoded, and refuses malformed ones', () => {
    expect(parseDataUri('data:image/png;base64,iVBO')).toEqual({
      mediaType: 'image/png',
      data: Uint8Array.from(Buffer.from('iVBO', 'base64')),
    });
    expect(parseDataUri('data:,a%20b')).toEqual({
      mediaType: 'text/plain',
      data: new TextEncoder().encode('a b'),
    });
    expect(parseDataUri('data:,%E0%A4%A')).toBeNull();
    expect(parseDataUri('data:image/png;base64,***')).toBeNull();
    expect(parseDataUri('http://example.com')).toBeNull();
  });
});

describe('quoted-printable', () => {
  it('decodes in the named charset, falls back for unknown ones, and drops a trailing =', () => {
    expect(decodeQuotedPrintable('caf=C3=A9=', 'x-unknown-charset')).toBe('café');
    expect(decodeQuotedPrintable('=E4=F6', 'iso-8859-1')).toBe('äö');
    expect(decodeQuotedPrintable('=93quoted=94 =3D', 'cp1252')).toBe('“quoted” =');
    expect(decodeQuotedPrintable('Ж=ZZ', 'utf-8')).toBe('Ж=ZZ');
  });
});
