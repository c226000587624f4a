/** vCard dates as the card model holds them: `YYYY-MM-DD`, or `--MM-DD` without a year. */

const FULL = /^(\d{4})-?(\d{2})-?(\d{2})(?:T(.*))?$/;
const YEARLESS = /^--(\d{2})-?(\d{2})(?:T(.*))?$/;
const MIDNIGHT = /^00:?00(?::?00)?(?:\.0+)?(?:Z|[+-]00(?::?00)?)?$/;

/** A BDAY value normalised: the date, and whether a time of day other than midnight was dropped. */
export interface NormalisedDate {
  date: string;
  timeDropped: boolean;
}

/**
 * Normalises the date forms programs write: `19850412`, `1985-04-12`, either with a time,
 * `--0412`, `--04-12`, and Apple's `1604-04-12` with `X-APPLE-OMIT-YEAR=1604`. Null when the value
 * is none of them (free text such as "circa 1800").
 */
export function normaliseDate(value: string, omitYear: string | null): NormalisedDate | null {
  const text = value.trim();
  const full = FULL.exec(text);
  if (full) {
    const [, year, month, day, time] = full;
    const date = omitYear !== null && omitYear === year ? `--${month}-${day}` : `${year}-${month}-${day}`;
    return { date, timeDropped: time !== undefined && !MIDNIGHT.test(time) };
  }
  const yearless = YEARLESS.exec(text);
  if (yearless) {
    const [, month, day, time] = yearless;
    return { date: `--${month}-${day}`, timeDropped: time !== undefined && !MIDNIGHT.test(time) };
  }
  return null;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for a real calendar date in the model's form (29 February needs a leap year, or no year). */
export function isCardDate(value: string): boolean {
  const match = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) return false;
  if (match[1] === '-' || month !== 2 || day !== 29) return true;
  const year = Number(match[1]);
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
