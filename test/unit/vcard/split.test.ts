import { describe, expect, it } from 'vitest';
import { splitCards } from '../../../src/lib/vcard/split.js';

describe('splitCards', () => {
  it('finds each card with its index and 1-based start line, ignoring a BOM and junk between cards', () => {
    const file =
      '\uFEFFjunk line\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n\r\nmore junk\nBEGIN:VCARD\nFN:B\nEND:VCARD\n';
    const blocks = splitCards(file);
    expect(blocks.map((b) => [b.index, b.line, b.error])).toEqual([
      [0, 2, undefined],
      [1, 7, undefined],
    ]);
    expect(blocks[0]!.text).toBe('BEGIN:VCARD\r\nFN:A\r\nEND:VCARD');
    expect(blocks[1]!.text).toBe('BEGIN:VCARD\r\nFN:B\r\nEND:VCARD');
  });

  it('accepts lone CR line ends and any case', () => {
    const blocks = splitCards('begin:vcard\rFN:A\rend:vcard\rBEGIN:VCARD\rFN:B\rEND:VCARD');
    expect(blocks.map((b) => b.line)).toEqual([1, 4]);
  });

  it('keeps a nested vCard 2.1 AGENT inside its parent', () => {
    const file =
      'BEGIN:VCARD\nVERSION:2.1\nFN:Boss\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\nFN:Assistant\nEND:VCARD\nEND:VCARD\nBEGIN:VCARD\nFN:Next\nEND:VCARD';
    const blocks = splitCards(file);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.text).toContain('FN:Assistant');
    expect(blocks[0]!.error).toBeUndefined();
    expect(blocks[1]!.line).toBe(10);
  });

  it('fails an unterminated card alone: the next BEGIN starts a new card', () => {
    const file = 'BEGIN:VCARD\nFN:Broken\n\nBEGIN:VCARD\nFN:Good\nEND:VCARD\nBEGIN:VCARD\nFN:Tail';
    const blocks = splitCards(file);
    expect(blocks.map((b) => [b.index, b.line, b.error ?? null])).toEqual([
      [0, 1, 'card has no END:VCARD'],
      [1, 4, null],
      [2, 7, 'card has no END:VCARD'],
    ]);
    expect(blocks[0]!.text).toBe('BEGIN:VCARD\r\nFN:Broken');
  });

  it('finds nothing in a file without cards', () => {
    expect(splitCards('')).toEqual([]);
    expect(splitCards('name,email\nA,a@example.com')).toEqual([]);
  });
});
