/** text-match semantics: the three collations and the four match types, with negation. */
import { describe, expect, it } from 'vitest';
import type { Collation } from '../../../src/api/dav/xml/names.js';
import { foldForCollation, matchesText } from '../../../src/api/dav/xml/text-match.js';
import type { TextMatch } from '../../../src/api/dav/xml/types.js';

const match = (value: string, extra: Partial<TextMatch> = {}): TextMatch => ({
  value,
  collation: 'i;unicode-casemap',
  matchType: 'contains',
  negate: false,
  ...extra,
});

describe('collations', () => {
  it.each<[Collation, string, string, boolean]>([
    ['i;octet', 'Ada', 'Ada', true],
    ['i;octet', 'Ada', 'ada', false],
    ['i;ascii-casemap', 'ADA lovelace', 'ada LOVELACE', true],
    ['i;ascii-casemap', 'ÉLODIE', 'élodie', false],
    ['i;unicode-casemap', 'ÉLODIE', 'élodie', true],
    ['i;unicode-casemap', 'Straße', 'STRASSE', true],
    ['i;unicode-casemap', 'ΟΔΥΣΣΕΥΣ', 'οδυσσευς', true],
    ['i;unicode-casemap', 'Ελένη', 'ελενη', false],
    ['i;unicode-casemap', '\u212A', 'k', true],
    ['i;unicode-casemap', 'ﬁle', 'FILE', true],
    ['i;unicode-casemap', 'e\u0301', 'É', true],
  ])('%s: "%s" and "%s" fold equal: %s', (collation, a, b, equal) => {
    expect(foldForCollation(a, collation) === foldForCollation(b, collation)).toBe(equal);
  });
});

describe('match types', () => {
  it.each<[TextMatch['matchType'], string, boolean]>([
    ['equals', 'ada lovelace', true],
    ['equals', 'ada', false],
    ['contains', 'LOVE', true],
    ['contains', 'hopper', false],
    ['starts-with', 'Ada', true],
    ['starts-with', 'Lovelace', false],
    ['ends-with', 'LACE', true],
    ['ends-with', 'Ada', false],
  ])('%s "%s": %s', (matchType, value, expected) => {
    expect(matchesText('Ada Lovelace', match(value, { matchType }))).toBe(expected);
    expect(matchesText('Ada Lovelace', match(value, { matchType, negate: true }))).toBe(!expected);
  });

  it('an empty value is contained in everything', () => {
    expect(matchesText('x', match(''))).toBe(true);
    expect(matchesText('', match('', { matchType: 'equals' }))).toBe(true);
  });
});
