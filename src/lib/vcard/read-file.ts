import type { KeptProperty, ReadCard } from '../card.js';
import { convertProperties, normaliseV4 } from './convert.js';
import { parseCard } from './parse.js';
import { cardFromProperties, finish } from './read.js';
import { splitCards } from './split.js';

/**
 * Reads one card's text (vCard 2.1, 3.0 or 4.0) into the card model. Never throws: a card that
 * cannot be parsed, or holds no name, email or phone, comes back with an error.
 */
export function readCard(text: string, index = 0, line = 1): ReadCard {
  const parsed = parseCard(text);
  if (!parsed.ok) return { index, line, error: parsed.error };
  const properties =
    parsed.version === '4.0' ? normaliseV4(parsed.properties) : convertProperties(parsed.properties, '4.0');
  return finish(cardFromProperties(properties), index, line, parsed.warnings);
}

/** Reads every card of a file; each fails alone. */
export function readCards(file: string): ReadCard[] {
  return splitCards(file).map((block) =>
    block.error
      ? { index: block.index, line: block.line, error: block.error }
      : readCard(block.text, block.index, block.line),
  );
}

const isJCard = (value: unknown): value is ['vcard', KeptProperty[], unknown[]] =>
  Array.isArray(value) && value[0] === 'vcard' && Array.isArray(value[1]);
const isProperty = (value: unknown): value is KeptProperty =>
  Array.isArray(value) &&
  value.length >= 3 &&
  typeof value[0] === 'string' &&
  typeof value[1] === 'object' &&
  value[1] !== null &&
  !Array.isArray(value[1]) &&
  typeof value[2] === 'string';

/**
 * Reads jCard (RFC 7095): one card `["vcard", [...]]` or an array of them. `line` is 1 for every
 * card (JSON has no line to point at); a malformed entry fails alone.
 */
export function readJCard(json: unknown): ReadCard[] {
  const cards = isJCard(json) ? [json] : Array.isArray(json) ? json : [json];
  return cards.map((entry, index): ReadCard => {
    if (!isJCard(entry) || !entry[1].every(isProperty))
      return { index, line: 1, error: 'not a jCard: expected ["vcard", [properties]]' };
    const properties = entry[1].map(
      (p): KeptProperty => [p[0].toLowerCase(), { ...p[1] }, p[2].toLowerCase(), ...p.slice(3)],
    );
    return finish(cardFromProperties(normaliseV4(properties)), index, 1, []);
  });
}
