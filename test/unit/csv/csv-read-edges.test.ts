import { describe, expect, it } from 'vitest';
import { CsvFormatError, readCsvCards, readCsvText, sniffCsvLayout } from '../../../src/lib/csv/index.js';
import { cardOf, readText } from './helpers.js';

const HEADER = 'First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Notes';

async function* bytes(...chunks: (number[] | string)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks)
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Uint8Array.from(chunk);
}

async function collect(source: AsyncIterable<Uint8Array | string>) {
  const results = [];
  for await (const result of readCsvCards(source)) results.push(result);
  return results;
}

async function formatError(text: string): Promise<CsvFormatError> {
  try {
    await readText(text);
  } catch (error) {
    if (error instanceof CsvFormatError) return error;
    throw error;
  }
  throw new Error('expected a CsvFormatError');
}

describe('reading CSV: text, quoting and line numbers', () => {
  it('reads a header with a BOM, CRLF ends and quoted fields holding commas, quotes and line breaks', async () => {
    const text = `\uFEFF${HEADER}\r\nAda,"Love, ""the count""",,ada@example.com,"line 1\r\nline 2\r\nline 3"\r\nBob,,,,\r\n`;
    const results = await readText(text);
    expect(cardOf(results[0])).toMatchObject({
      givenName: 'Ada',
      familyName: 'Love, "the count"',
      note: 'line 1\nline 2\nline 3',
    });
    expect(results.map((r) => [r.index, r.line])).toEqual([
      [0, 2],
      [1, 5],
    ]);
  });

  it('counts lines by LF in LF files and in files that mix CRLF and LF, skipping blank rows', async () => {
    const text = `${HEADER}\n\nA,,,,"x\ny"\n,,,,\n\r\nB,,,,\r\nC,,,,`;
    const results = await readText(text);
    expect(results.map((r) => [r.index, r.line, cardOf(r).givenName])).toEqual([
      [0, 3, 'A'],
      [1, 7, 'B'],
      [2, 8, 'C'],
    ]);
  });

  it('reads chunks split anywhere, even inside a UTF-8 character', async () => {
    const all = Buffer.from(`${HEADER}\nŻaneta,Ørsted,,z@example.com,ok\n`, 'utf8');
    const chunks = [...all].map((byte) => [byte]);
    const results = await collect(bytes(...chunks));
    expect(cardOf(results[0])).toMatchObject({ givenName: 'Żaneta', familyName: 'Ørsted' });
  });

  it('reads Windows-1252 (Outlook on Western Windows) and UTF-16 with a BOM', async () => {
    const latin = Buffer.from(`${HEADER}\nJos\xe9,M\xfcller,,,\n`, 'latin1');
    const fromLatin = await collect(bytes([...latin]));
    expect(cardOf(fromLatin[0])).toMatchObject({ givenName: 'José', familyName: 'Müller' });
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`${HEADER}\nЯрина,,,,\n`, 'utf16le'),
    ]);
    const fromUtf16 = await collect(bytes([...utf16]));
    expect(cardOf(fromUtf16[0]).givenName).toBe('Ярина');
  });

  it('reads a file that ends inside a UTF-8 character with U+FFFD', async () => {
    const results = await collect(bytes(`${HEADER}\nZoë,Ab`, [0xc3]));
    expect(cardOf(results[0])).toMatchObject({ givenName: 'Zoë', familyName: 'Ab\uFFFD' });
  });

  it('reads bad bytes after valid UTF-8 as U+FFFD instead of failing', async () => {
    const results = await collect(bytes(`${HEADER}\nZoë,`, [0xff, 0x2c, 0x2c, 0x2c, 0x0a]));
    expect(cardOf(results[0])).toMatchObject({ givenName: 'Zoë', familyName: '\uFFFD' });
  });
});

describe('reading CSV: errors', () => {
  it('stops at a CSV syntax error with one error on the line where the broken row starts', async () => {
    const text = `${HEADER}\nA,,,,\nB,"never closed,,,\nC,,,,\n`;
    const results = await readText(text);
    expect(results).toEqual([
      expect.objectContaining({ index: 0, line: 2 }),
      {
        index: 1,
        line: 3,
        error: 'Row could not be read: a quoted field is never closed; the rest of the file was not read',
      },
    ]);
  });

  it('bounds a row (an unclosed quote does not swallow the file)', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `Name${i},,,,`).join('\n');
    const results = [];
    for await (const r of readCsvText(`${HEADER}\nA,,,,\nB,"open\n${rows}\n`, { maxRowBytes: 200 }))
      results.push(r);
    expect(results).toHaveLength(2);
    expect(results[1]).toEqual({
      index: 1,
      line: 3,
      error:
        'Row could not be read: the row is too large (an unclosed quote?); the rest of the file was not read',
    });
  });

  it('refuses a file that is not CSV, an empty one and an unknown header with one clear error', async () => {
    expect(await formatError('BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n')).toMatchObject({
      reason: 'not-csv',
    });
    expect(await formatError('\u0000\u0001PK\u0003\u0004,\u0007\n')).toMatchObject({ reason: 'not-csv' });
    expect(await formatError('"unclosed header,a\n')).toMatchObject({ reason: 'not-csv' });
    expect(await formatError('')).toMatchObject({ reason: 'empty', message: 'The CSV file is empty' });
    expect(await formatError('\r\n,,\r\n')).toMatchObject({ reason: 'empty' });
    expect(await formatError('Vorname,Nachname,E-Mail-Adresse\nA,B,c@example.com\n')).toMatchObject({
      reason: 'unknown-header',
      message: "The CSV header is none of Google Contacts', Outlook's or this API's field names",
    });
  });

  it('passes a failing source on (a client gone mid-upload is not a CSV error)', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield `${HEADER}\nA,,,,\n`;
      throw new Error('socket hang up');
    }
    await expect(collect(failing())).rejects.toThrow('socket hang up');
  });
});

describe('sniffCsvLayout', () => {
  it('tells the layout from the first chunk, or null', () => {
    expect(sniffCsvLayout(`\uFEFF${HEADER}\r\nAda,`)).toBe('google');
    expect(sniffCsvLayout('Name,Given Name,Family Name,Group Membership\n')).toBe('google-legacy');
    expect(sniffCsvLayout('"First Name","Last Name","E-mail Address"')).toBe('outlook');
    expect(sniffCsvLayout('first_name,email\n')).toBe('own');
    expect(sniffCsvLayout('Last Name\n')).toBe('google');
    expect(sniffCsvLayout('BEGIN:VCARD\r\nVERSION:3.0\r\n')).toBeNull();
    expect(sniffCsvLayout('"broken\n')).toBeNull();
  });
});

describe('separators', () => {
  it('reads a sheet saved with semicolons or tabs (Excel in comma-decimal locales)', async () => {
    const semi = await readText(
      'First Name;Last Name;E-mail Address;Categories\r\nJürgen;Weiß, Jr.;j@example.de;"Familie;Arbeit"\r\n',
    );
    expect(cardOf(semi[0])).toMatchObject({ familyName: 'Weiß, Jr.', groups: ['Familie', 'Arbeit'] });
    const tabs = await readText('first_name\temail\nAda\tada@example.com\n');
    expect(cardOf(tabs[0])).toMatchObject({ givenName: 'Ada', emails: [{ value: 'ada@example.com' }] });
    expect(sniffCsvLayout('First Name;Last Name;E-mail Address\r\n')).toBe('outlook');
  });
});
