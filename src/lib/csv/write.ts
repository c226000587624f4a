import { stringify } from 'csv-stringify/sync';
import type { Card } from '../card.js';
import { GOOGLE_HEADER, googleRow } from './google-write.js';

export interface CsvWriteOptions {
  /** Rows per yielded chunk (default 100): fewer, larger writes without holding the book. */
  batch?: number;
}

// With its own record delimiter set, csv-stringify stops quoting fields that hold a bare LF or CR, which
// every reader would take for the end of the row (a note, a multi-line street): ask for it back.
const FORMAT = { record_delimiter: 'windows', quote_record_delimiter: true } as const;

/**
 * Writes cards as Google Contacts' CSV layout (which Google and Outlook import), streamed: the header first,
 * at once, then rows in batches as the cards arrive. UTF-8 with a BOM (Excel and Outlook read the file as
 * ANSI without one; Google ignores it) and CRLF line ends (RFC 4180).
 */
export async function* writeGoogleCsv(
  cards: AsyncIterable<Card> | Iterable<Card>,
  options: CsvWriteOptions = {},
): AsyncGenerator<string> {
  const batch = options.batch ?? 100;
  yield `\uFEFF${stringify([GOOGLE_HEADER as string[]], FORMAT)}`;
  let rows: string[][] = [];
  for await (const card of cards) {
    rows.push(googleRow(card));
    if (rows.length >= batch) {
      yield stringify(rows, FORMAT);
      rows = [];
    }
  }
  if (rows.length > 0) yield stringify(rows, FORMAT);
}

/** The whole export as one string (tests, small books). */
export async function writeGoogleCsvText(cards: AsyncIterable<Card> | Iterable<Card>): Promise<string> {
  let text = '';
  for await (const chunk of writeGoogleCsv(cards)) text += chunk;
  return text;
}
