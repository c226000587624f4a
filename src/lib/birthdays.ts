const DAY_MS = 86_400_000;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Parses 'YYYY-MM-DD', rejecting impossible dates such as 2025-02-29 instead of letting Date roll them over. */
function parseDate(text: string): CalendarDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) {
    const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    if (formatUtc(toUtc(date.year, date.month, date.day)) === text) return date;
  }
  throw new RangeError(`Not a calendar date: "${text}"`);
}

/** Midnight UTC of a calendar date; setUTCFullYear avoids Date.UTC's mapping of years 0-99 to 1900-1999. */
function toUtc(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The day a birthday is celebrated in a given year: 29 February moves to 28 February in common years. */
function anniversary(year: number, month: number, day: number): number {
  return month === 2 && day === 29 && !isLeapYear(year) ? toUtc(year, 2, 28) : toUtc(year, month, day);
}

/** Today's calendar date ('YYYY-MM-DD') in an IANA time zone, so "today" means the user's today, not UTC's. */
export function todayInZone(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    calendar: 'gregory',
    numberingSystem: 'latn',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/**
 * The next anniversary of `birthday` on or after `today` (both 'YYYY-MM-DD') and how many days away it is.
 * Pure calendar arithmetic on UTC midnights, so daylight-saving shifts never make a day 23 or 25 hours.
 */
export function nextBirthday(birthday: string, today: string): { nextBirthday: string; daysUntil: number } {
  const { month, day } = parseDate(birthday);
  const now = parseDate(today);
  const start = toUtc(now.year, now.month, now.day);
  let next = anniversary(now.year, month, day);
  if (next < start) next = anniversary(now.year + 1, month, day);
  return { nextBirthday: formatUtc(next), daysUntil: Math.round((next - start) / DAY_MS) };
}

/**
 * The `month * 100 + day` ranges whose anniversaries can fall within [today, today + daysAhead].
 * A superset meant for an indexed SQL filter; the caller keeps rows whose nextBirthday is within daysAhead.
 */
export function upcomingMonthDayRanges(today: string, daysAhead: number): { from: number; to: number }[] {
  if (!Number.isInteger(daysAhead) || daysAhead < 0)
    throw new RangeError('daysAhead must be a non-negative integer');
  // Any 366 consecutive days contain every month-day.
  if (daysAhead >= 365) return [{ from: 101, to: 1231 }];

  const start = parseDate(today);
  const endDate = new Date(toUtc(start.year, start.month, start.day) + daysAhead * DAY_MS);
  const end = { year: endDate.getUTCFullYear(), month: endDate.getUTCMonth() + 1, day: endDate.getUTCDate() };
  const from = start.month * 100 + start.day;
  let to = end.month * 100 + end.day;
  // 29 February birthdays are celebrated on 28 February of common years. Any other common-year 28 February
  // in the window lies strictly inside a range that already covers 229, so only the window's last day matters.
  if (to === 228 && !isLeapYear(end.year)) to = 229;

  if (end.year === start.year) return [{ from, to }];
  return [
    { from, to: 1231 },
    { from: 101, to },
  ];
}
