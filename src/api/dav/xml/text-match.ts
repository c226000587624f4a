/**
 * What a parsed `text-match` means (RFC 6352 §10.5.4, collations of RFC 4790 and RFC 5051), for the
 * adapter that filters cards by FN, N, EMAIL or TEL values.
 */
import type { Collation } from './names.js';
import type { TextMatch } from './types.js';

/** A string folded for a collation, so that equal-under-the-collation strings compare equal. */
export function foldForCollation(text: string, collation: Collation): string {
  switch (collation) {
    case 'i;octet':
      return text;
    case 'i;ascii-casemap':
      // Only a–z fold; every other character compares as itself (RFC 4790 §9.2).
      return text.replace(/[a-z]+/g, (run) => run.toUpperCase());
    case 'i;unicode-casemap':
      // RFC 5051: case-map, then compatibility decomposition. Lower-casing after NFKD folds what
      // JavaScript can (Latin, Greek, Cyrillic…), with "ſ"/"K" (Kelvin) and friends through NFKD.
      return text.normalize('NFKD').toUpperCase().toLowerCase().normalize('NFKD');
  }
}

/** Whether one value of a card property satisfies a `text-match`, negation included. */
export function matchesText(value: string, match: TextMatch): boolean {
  const haystack = foldForCollation(value, match.collation);
  const needle = foldForCollation(match.value, match.collation);
  let hit: boolean;
  switch (match.matchType) {
    case 'equals':
      hit = haystack === needle;
      break;
    case 'contains':
      hit = haystack.includes(needle);
      break;
    case 'starts-with':
      hit = haystack.startsWith(needle);
      break;
    case 'ends-with':
      hit = haystack.endsWith(needle);
      break;
  }
  return match.negate ? !hit : hit;
}
