import { describe, expect, it } from 'vitest';
import { buildSearchText, escapeLike, foldCase, searchTerms } from '../../src/lib/search-text.js';

describe('foldCase', () => {
  it.each([
    ['ОЛЕНА', 'олена'],
    ['Їжак', 'їжак'],
    ['Ґанок Є', 'ґанок є'],
    ['ΑΘΗΝΑ', 'αθηνα'],
    // A word-final capital sigma folds to σ, not ς, so prefixes of longer words still match.
    ['ΟΔΟΣ', 'οδοσ'],
    ['οδος', 'οδοσ'],
    ['MÜLLER', 'müller'],
    // NFKC: full-width letters and digits become plain ones.
    ['ＡＢＣ１２３', 'abc123'],
    // Decomposed 'é' (e + combining acute) becomes the composed one.
    ['Cafe\u0301', 'café'],
  ])('%s → %s', (input, expected) => {
    expect(foldCase(input)).toBe(expected);
  });

  it('strips control characters, so a field cannot forge the newline framing', () => {
    expect(foldCase('a\nb\r\tc\u0000d\u007fe\u001f')).toBe('abcde');
  });
});

describe('buildSearchText', () => {
  it('lists every field, the full name and both phone forms between newlines', () => {
    expect(
      buildSearchText({
        firstName: 'Олена',
        lastName: 'Коваль',
        email: 'Olena@Example.COM',
        phone: '+380501234567',
      }),
    ).toBe('\nолена\nковаль\nолена коваль\nolena@example.com\n380501234567\n+380501234567\n');
  });

  it('leaves out missing fields and the full name without a last name', () => {
    expect(buildSearchText({ firstName: 'Anna', lastName: null, email: null, phone: null })).toBe('\nanna\n');
    expect(buildSearchText({ firstName: 'Anna', lastName: '', email: 'a@b.c', phone: null })).toBe(
      '\nanna\na@b.c\n',
    );
  });

  it('keeps newlines inside fields from adding lines', () => {
    expect(buildSearchText({ firstName: 'An\nna', lastName: null, email: null, phone: null })).toBe(
      '\nanna\n',
    );
  });
});

describe('escapeLike', () => {
  it.each([
    ['50%_off\\', '50\\%\\_off\\\\'],
    ['plain', 'plain'],
    ['%%', '\\%\\%'],
    ['a_b', 'a\\_b'],
    ['\\%', '\\\\\\%'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(escapeLike(input)).toBe(expected);
  });
});

describe('searchTerms', () => {
  it.each([
    ['+380 50', ['+380 50', '38050']],
    ['(050) 123-45', ['(050) 123-45', '05012345']],
    ['  ОЛЕНА   Коваль ', ['олена коваль']],
    ['Anna\tSmith\n', ['anna smith']],
    // Already digits only: no second term.
    ['380501', ['380501']],
    // Fewer than three digits is not a phone fragment.
    ['+1 2', ['+1 2']],
    ['50%', ['50%']],
    ['agent 007', ['agent 007']],
    ['ＡＢＣ', ['abc']],
    ['', []],
    ['   ', []],
    ['\u0000\u0001', []],
  ])('%j → %j', (query, expected) => {
    expect(searchTerms(query)).toEqual(expected);
  });
});
