import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CsvError, parse } from 'csv-parse';
import { decodeText } from './decode.js';

/** A record (the header or a row) as its cells, or the CSV syntax error that ends the file's readable part. */
export type CsvRecord = { cells: string[] } | { syntaxError: string };

const SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_MAX_RECORD_SIZE: 'the row is too large (an unclosed quote?)',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is not followed by a separator',
};

/**
 * The separator of a file from its first line: a comma, or the semicolon or tab that a spreadsheet saves
 * with in locales whose decimal mark is a comma (Excel in Germany or France), whichever the header has most of.
 */
export function guessDelimiter(head: string): string {
  const line = head.split('\n', 1)[0]!;
  const count = (char: string) => line.split(char).length - 1;
  return [',', ';', '\t'].reduce((best, char) => (count(char) > count(best) ? char : best));
}

/** The text chunks of a source, with the first line (or 64 KiB) read ahead to guess the delimiter. */
async function lookAhead(source: AsyncIterable<Uint8Array | string>) {
  const text = decodeText(source);
  const head: string[] = [];
  let length = 0;
  for (;;) {
    const next = await text.next();
    if (next.done) break;
    head.push(next.value);
    length += next.value.length;
    if (next.value.includes('\n') || length > 65_536) break;
  }
  async function* chunks(): AsyncGenerator<string> {
    yield* head;
    yield* text;
  }
  return { delimiter: guessDelimiter(head.join('')), chunks: chunks() };
}

/**
 * The records of a CSV stream (bytes or text chunks), parsed by csv-parse as the consumer pulls them, so memory
 * holds a chunk and a few rows, never the file. `at.line` is the 1-based line (counted by LF) where the record
 * being yielded starts, and after it where the next one starts. A syntax error is yielded in its place and
 * ends the records: after a broken quote nothing that follows can be trusted.
 */
export async function* csvRecords(
  source: AsyncIterable<Uint8Array | string>,
  maxRowBytes: number,
  at: { line: number },
): AsyncGenerator<CsvRecord> {
  const state: { failure: { at: number; code: string } | null } = { failure: null };
  const { delimiter, chunks } = await lookAhead(source);
  const parser = parse({
    delimiter,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    record_delimiter: ['\r\n', '\n'],
    max_record_size: maxRowBytes,
    // A thrown error would discard the rows parsed before it; skipping notes where it happened instead.
    skip_records_with_error: true,
    on_skip: (error) => {
      const csvError = error as CsvError & { records: number };
      state.failure ??= { at: csvError.records, code: csvError.code };
    },
  });
  // A source that fails (a client gone mid-upload) destroys the parser with its error, thrown below.
  pipeline(Readable.from(chunks), parser).catch(() => undefined);
  let count = 0;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      if (state.failure !== null && count >= state.failure.at) break;
      yield { cells: record };
      count += 1;
      // LFs inside quoted fields, then the row's own line end (raw holds an LF end, but only the CR of a CRLF).
      at.line += raw.split('\n').length - 1 - (raw.endsWith('\n') ? 1 : 0) + 1;
    }
  } finally {
    parser.destroy();
  }
  if (state.failure !== null) {
    const why = SYNTAX[state.failure.code] ?? 'the row is not valid CSV';
    yield { syntaxError: `Row could not be read: ${why}; the rest of the file was not read` };
  }
}
