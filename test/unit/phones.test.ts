import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../src/lib/phones.js';

describe('normalizePhone', () => {
  it.each([
    ['+380 50 123 4567', 'UA', '+380501234567'],
    ['(050) 123-45-67', 'UA', '+380501234567'],
    ['050 123 4567', 'UA', '+380501234567'],
    ['  +380-50-123-4567  ', 'UA', '+380501234567'],
    ['+1 (415) 555-2671', 'US', '+14155552671'],
    ['415.555.2671', 'US', '+14155552671'],
    // An explicit country code wins over the default region.
    ['+1 (415) 555-2671', 'UA', '+14155552671'],
    // libphonenumber understands the region's international prefix by itself.
    ['00 380 50 123 4567', 'UA', '+380501234567'],
    ['011 380 50 123 4567', 'US', '+380501234567'],
    // Region codes are case-insensitive here, unlike in libphonenumber.
    ['050 123 4567', 'ua', '+380501234567'],
  ])('%s in %s is %s', (input, region, expected) => {
    expect(normalizePhone(input, region)).toBe(expected);
  });

  it.each([
    ['12', 'too short, though libphonenumber parses it'],
    ['abc', 'letters'],
    ['+38050123456789012', 'too long'],
    ['+380 50 123 456', 'one digit short'],
    ['050 ABC 4567', 'letters mixed in'],
    ['1-800-FLOWERS', 'a vanity number'],
    ['+380501234567 ext 5', 'an extension'],
    ['050/123/4567', 'a slash'],
    ['++380501234567', 'a doubled plus'],
    ['050 123 4567 +', 'a plus that does not lead'],
    ['', 'empty'],
    ['   ', 'blank'],
  ])('rejects %j (%s)', (input) => {
    expect(normalizePhone(input, 'UA')).toBeUndefined();
  });

  it('rejects a national number when the default region is unknown', () => {
    expect(normalizePhone('050 123 4567', 'XX')).toBeUndefined();
  });
});
