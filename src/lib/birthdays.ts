const DAY_MS = 86_400_000;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * Parses 'YYYY-MM-DD', rejecting impossible dates such as 2025-02-29 instead of letting Date roll them
 * over. Plain arithmetic, no Date objects: it runs once per contact in an upcoming-birthdays answer.
 */
function parseDate(text: string): CalendarDate {
  if (text.length === 10 && /^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const year = Number(text.slice(0, 4));
    const month = Number(text.slice(5, 7));
    const day = Number(text.slice(8, 10));
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return { year, month, day };
  }
  throw new RangeError(`Not a calendar date: "${text}"`);
}

/** Midnight UTC of a calendar date; setUTCFullYear avoids Date.UTC's mapping of years 0-99 to 1900-1999. */
function toUtc(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** The day of `month` a birthday is celebrated in `year`: 29 February moves to 28 February in common years. */
function celebratedDay(year: number, month: number, day: number): number {
  return month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
}

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one, and
 * "today" is needed by every contact write and every birthdays request. Bounded: the spellings of
 * valid zones are finite, but clients choose them (an unknown zone throws and is never kept).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 1000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Today's calendar date ('YYYY-MM-DD') in an IANA time zone, so "today" means the user's today, not UTC's. */
export function todayInZone(timeZone: string, now: Date = new Date()): string {
  const parts = formatterFor(timeZone).formatToParts(now);
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
  let year = now.year;
  let celebrated = celebratedDay(year, month, day);
  if (month < now.month || (month === now.month && celebrated < now.day)) {
    year += 1;
    celebrated = celebratedDay(year, month, day);
  }
  const daysUntil = Math.round(
    (toUtc(year, month, celebrated) - toUtc(now.year, now.month, now.day)) / DAY_MS,
  );
  return { nextBirthday: formatDate(year, month, celebrated), daysUntil };
}

/**
 * The `month * 100 + day` ranges whose anniversaries can fall within [today, today + daysAhead].
 * Exact: a month-day is in a range exactly when its next anniversary is at most daysAhead days away
 * (unit-tested against a day-by-day walk), so the database can count and page the window.
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

/**
 * How to order a window of upcoming birthdays by month-day alone, soonest first, so the database can
 * sort and page it: month-days from `todayMonthDay` on are celebrated this year, earlier ones next
 * year; 29 February counts as 28 February in a common year (`leapThisYear` / `leapNextYear`).
 */
export interface BirthdayOrder {
  /** The window as month-day ranges (upcomingMonthDayRanges). */
  ranges: { from: number; to: number }[];
  todayMonthDay: number;
  leapThisYear: boolean;
  leapNextYear: boolean;
}

/** The window [today, today + daysAhead] and its ordering rule (see BirthdayOrder). */
export function upcomingOrder(today: string, daysAhead: number): BirthdayOrder {
  const { year, month, day } = parseDate(today);
  return {
    ranges: upcomingMonthDayRanges(today, daysAhead),
    todayMonthDay: month * 100 + day,
    leapThisYear: isLeapYear(year),
    leapNextYear: isLeapYear(year + 1),
  };
}

/**
 * The sort key of a month-day in a window: ascending keys are ascending days until the anniversary
 * (equal keys, the same day: ties go by id). The SQL of the birthdays page computes exactly this.
 */
export function birthdayOrderKey(monthDay: number, order: BirthdayOrder): number {
  const nextYear = monthDay < order.todayMonthDay;
  const leap = nextYear ? order.leapNextYear : order.leapThisYear;
  const celebrated = monthDay === 229 && !leap ? 228 : monthDay;
  return (nextYear ? 10_000 : 0) + celebrated;
}
