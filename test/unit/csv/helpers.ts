import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Card, ReadCard } from '../../../src/lib/card.js';
import { type CsvLayout, readCsvCards, readCsvText } from '../../../src/lib/csv/index.js';

/** Path of a CSV fixture. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/csv/${name}`, import.meta.url));
}

/** Reads a fixture file as a byte stream, as the importer will. */
export async function readFixture(name: string): Promise<{ layout: CsvLayout | null; results: ReadCard[] }> {
  let layout: CsvLayout | null = null;
  const results: ReadCard[] = [];
  for await (const result of readCsvCards(createReadStream(fixture(name)), {
    onLayout: (l) => (layout = l),
  })) {
    results.push(result);
  }
  return { layout, results };
}

/** Reads CSV text. */
export async function readText(text: string): Promise<ReadCard[]> {
  const results: ReadCard[] = [];
  for await (const result of readCsvText(text)) results.push(result);
  return results;
}

/** The card of a successful result (fails the test on an error result). */
export function cardOf(result: ReadCard | undefined): Card {
  if (!result || !('card' in result)) throw new Error(`expected a card, got ${JSON.stringify(result)}`);
  return result.card;
}
