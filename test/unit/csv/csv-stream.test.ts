import { describe, expect, it } from 'vitest';
import { readCsvCards } from '../../../src/lib/csv/index.js';

const ROWS = 50_000;
const NOTE = 'x'.repeat(500);
const HEADER =
  'First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Notes\r\n';

/** A generated Google export of ~30 MB, produced in 64 KiB chunks; `pulled` counts the bytes read so far. */
function generated(stats: { pulled: number }): AsyncGenerator<Uint8Array> {
  return (async function* () {
    let buffer = HEADER;
    for (let i = 0; i < ROWS; i += 1) {
      buffer += `Given${i},Family${i},* myContacts ::: Group${i % 7},* Home,p${i}@example.com,Mobile,+1 555 ${String(i).padStart(7, '0')},"${NOTE}\r\n${i}"\r\n`;
      if (buffer.length >= 65_536 || i === ROWS - 1) {
        const chunk = Buffer.from(buffer, 'utf8');
        stats.pulled += chunk.length;
        buffer = '';
        yield chunk;
      }
    }
  })();
}

describe('reading a large CSV', () => {
  it('streams 50 000 rows: it reads ahead of the rows by a few chunks only, memory stays bounded', async () => {
    const stats = { pulled: 0 };
    const rowBytes = Buffer.byteLength(HEADER) / 2 + 620; // a generous over-estimate of one row's size
    let count = 0;
    let maxLead = 0;
    let lastLine = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    let maxHeapGrowth = 0;
    for await (const result of readCsvCards(generated(stats))) {
      if (!('card' in result)) throw new Error(JSON.stringify(result));
      count += 1;
      lastLine = result.line;
      maxLead = Math.max(maxLead, stats.pulled - count * rowBytes);
      if (count % 1000 === 0)
        maxHeapGrowth = Math.max(maxHeapGrowth, process.memoryUsage().heapUsed - heapBefore);
    }
    expect(count).toBe(ROWS);
    // Each row spans two lines (its note holds a line break), after the one-line header.
    expect(lastLine).toBe(2 + (ROWS - 1) * 2);
    expect(stats.pulled).toBeGreaterThan(30_000_000);
    // The parser may buffer a few chunks and rows ahead of the consumer, never the file.
    expect(maxLead).toBeLessThan(2 * 1024 * 1024);
    // Generous: the file alone is 30 MB as bytes and ~60 MB as JS strings.
    expect(maxHeapGrowth).toBeLessThan(48 * 1024 * 1024);
  }, 120_000);
});
