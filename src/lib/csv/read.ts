import { parse } from 'csv-parse/sync';
import type { ReadCard } from '../card.js';
import { type Draft, hasName } from './build.js';
import { type CsvLayout, detectLayout, ROW_READERS } from './layouts.js';
import { csvRecords, guessDelimiter } from './records.js';
import { CsvHeader, CsvRow } from './row.js';

/** Why a file could not be read at all: the importer answers 415 for `not-csv`, 422 for the others. */
export type CsvFormatReason = 'empty' | 'not-csv' | 'unknown-header';

/** The file is not a contacts CSV (nothing of it can be read). */
export class CsvFormatError extends Error {
  constructor(
    readonly reason: CsvFormatReason,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

export interface CsvReadOptions {
  /** Largest row, in bytes; a bigger one (usually an unclosed quote) stops the read. Default 1 MiB. */
  maxRowBytes?: number;
  /** Told the layout once the header is read. */
  onLayout?: (layout: CsvLayout) => void;
}

/**
 * Reads contacts from a CSV stream (bytes or text chunks): the layout is detected from the header (Google
 * Contacts' current or legacy export, Outlook's, or this API's field names), then each data row becomes a
 * card, or an error for that row alone. Blank rows are skipped and not counted. Throws CsvFormatError when
 * the file has no recognisable header.
 */
export async function* readCsvCards(
  source: AsyncIterable<Uint8Array | string>,
  options: CsvReadOptions = {},
): AsyncGenerator<ReadCard> {
  let header: CsvHeader | null = null;
  let read: (typeof ROW_READERS)[CsvLayout] = ROW_READERS.own;
  let index = 0;
  const at = { line: 1 };
  for await (const record of csvRecords(source, options.maxRowBytes ?? 1024 * 1024, at)) {
    if ('syntaxError' in record) {
      if (header === null) throw new CsvFormatError('not-csv', 'The file is not CSV');
      yield { index, line: at.line, error: record.syntaxError };
      return;
    }
    if (header === null) {
      if (record.cells.every((cell) => cell.trim() === '')) continue;
      header = new CsvHeader(record.cells);
      const layout = detectLayout(header);
      if (layout === null) throw unknownHeader(record.cells);
      read = ROW_READERS[layout];
      options.onLayout?.(layout);
      continue;
    }
    const row = new CsvRow(header, record.cells);
    if (row.isBlank()) continue;
    yield toReadCard(read(row), index, at.line);
    index += 1;
  }
  if (header === null) throw new CsvFormatError('empty', 'The CSV file is empty');
}

/** A mapped row as the importer's result: an error when it names and reaches no one. */
function toReadCard(draft: Draft, index: number, line: number): ReadCard {
  const { card, warnings } = draft;
  if (hasName(card)) return { index, line, card, warnings };
  if (card.emails.length === 0 && card.phones.length === 0) {
    return { index, line, error: 'Row has neither a name, an email nor a phone' };
  }
  return { index, line, card, warnings: ['Row has no name', ...warnings] };
}

function unknownHeader(cells: string[]): CsvFormatError {
  // One column, or control characters: not a CSV of anything (a vCard, a binary file).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL or other control byte marks a binary file.
  if (cells.length < 2 || cells.some((cell) => /[\u0000-\u0008\u000e-\u001f\uFFFD]/.test(cell))) {
    return new CsvFormatError('not-csv', 'The file is not CSV');
  }
  return new CsvFormatError(
    'unknown-header',
    "The CSV header is none of Google Contacts', Outlook's or this API's field names",
  );
}

/** Reads contacts from CSV text held in memory (tests, small bodies). */
export function readCsvText(text: string, options: CsvReadOptions = {}): AsyncGenerator<ReadCard> {
  return readCsvCards(
    (async function* () {
      yield text;
    })(),
    options,
  );
}

/**
 * The layout of a CSV file from its beginning (the first chunk of an upload), or null when its first line is
 * not a header this module reads: for the importer to judge a body's format by content before streaming it.
 */
export function sniffCsvLayout(head: string): CsvLayout | null {
  const firstLine = head
    .replace(/^\uFEFF/, '')
    .split('\n', 1)[0]!
    .replace(/\r$/, '');
  try {
    const delimiter = guessDelimiter(firstLine);
    const [cells] = parse(firstLine, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
    }) as string[][];
    return cells ? detectLayout(new CsvHeader(cells)) : null;
  } catch {
    return null;
  }
}
