import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

// Separators people actually type; letters (vanity numbers, "ext") and other symbols are refused up front.
const ALLOWED = /^\+?[\d .()-]+$/;

/**
 * Normalises a phone number to E.164 ('+380501234567'), or returns undefined when it is not a possible number.
 * A number without a country code is read as one from `defaultRegion` (ISO 3166 alpha-2, e.g. 'UA').
 */
export function normalizePhone(input: string, defaultRegion: string): string | undefined {
  const text = input.trim();
  if (!ALLOWED.test(text)) return undefined;
  // libphonenumber only knows upper-case region codes and returns undefined for 'ua'.
  const phone = parsePhoneNumberFromString(text, defaultRegion.toUpperCase() as CountryCode);
  // Parsing alone accepts almost anything ('12' becomes '+38012'); isPossible checks the length for the country.
  return phone?.isPossible() ? phone.number : undefined;
}
