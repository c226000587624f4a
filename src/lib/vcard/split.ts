/** One BEGIN:VCARD…END:VCARD block of a file; `error` when the block never ends. */
export interface CardBlock {
  /** 0-based position of the card in the file. */
  index: number;
  /** 1-based line where BEGIN:VCARD stands, counted by line breaks. */
  line: number;
  text: string;
  error?: string;
}

const BEGIN = /^\s*begin\s*:\s*vcard\s*$/i;
const END = /^\s*end\s*:\s*vcard\s*$/i;
// A nested card is legitimate only right after an empty AGENT property (vCard 2.1's AGENT).
const AGENT_OPENER = /^\s*(?:[\w-]+\.)?agent(?:;[^:]*)?:\s*$/i;

/** Splits a file into its lines: CRLF, LF and a lone CR (old Mac files) each end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/**
 * Splits a file (a UTF-8 BOM and any line ends allowed) into the text of each card. Text outside
 * the blocks is ignored; an AGENT card nested in its parent stays inside it. A card whose END is
 * missing is returned with an error, and the next BEGIN starts a new card, so it fails alone.
 */
export function splitCards(file: string): CardBlock[] {
  const lines = splitLines(file.charCodeAt(0) === 0xfeff ? file.slice(1) : file);
  const blocks: CardBlock[] = [];
  let start = -1;
  let depth = 0;
  const close = (endLine: number, error?: string): void => {
    const text = lines.slice(start, endLine + 1).join('\r\n');
    blocks.push({ index: blocks.length, line: start + 1, text, ...(error ? { error } : {}) });
    start = -1;
    depth = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (BEGIN.test(line)) {
      if (depth === 0) {
        start = i;
        depth = 1;
      } else if (AGENT_OPENER.test(previousContentLine(lines, i, start))) {
        depth++;
      } else {
        close(lastContentLine(lines, i - 1, start), 'card has no END:VCARD');
        start = i;
        depth = 1;
      }
    } else if (depth > 0 && END.test(line)) {
      depth--;
      if (depth === 0) close(i);
    }
  }
  if (depth > 0) close(lastContentLine(lines, lines.length - 1, start), 'card has no END:VCARD');
  return blocks;
}

function previousContentLine(lines: string[], i: number, floor: number): string {
  for (let j = i - 1; j > floor; j--) if (lines[j]!.trim() !== '') return lines[j]!;
  return '';
}

function lastContentLine(lines: string[], i: number, floor: number): number {
  let j = i;
  while (j > floor && lines[j]!.trim() === '') j--;
  return j;
}
