import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

function encodingOf(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/**
 * Decodes a byte stream to text chunk by chunk, never holding the whole file. UTF-8 (with or without BOM) and
 * UTF-16 with a BOM (Excel's "Unicode text"); a file that is not valid UTF-8 while everything before the bad
 * byte was ASCII is Windows-1252, which Outlook's export writes on Western Windows installations. Invalid
 * bytes after valid non-ASCII UTF-8 become U+FFFD. String chunks pass through; a leading BOM is dropped.
 */
export async function* decodeText(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let allAscii = true;
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      const text = decoder === null ? chunk.replace(/^\uFEFF/, '') : chunk;
      decoder ??= new TextDecoder();
      yield text;
      continue;
    }
    decoder ??= new TextDecoder(encodingOf(chunk), { fatal: encodingOf(chunk) === 'utf-8' });
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      // Until now every byte was ASCII, so nothing is pending in the UTF-8 decoder and nothing decoded differs.
      decoder = new TextDecoder(allAscii ? 'windows-1252' : 'utf-8');
      yield decoder.decode(chunk, { stream: true });
    }
    allAscii &&= isAscii(chunk);
  }
  let rest: string;
  try {
    rest = decoder?.decode() ?? '';
  } catch {
    rest = '\uFFFD'; // the file ends inside a UTF-8 sequence
  }
  if (rest !== '') yield rest;
}
