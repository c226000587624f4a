import { describe, expect, it } from 'vitest';
import {
  birthdayOrderKey,
  nextBirthday,
  todayInZone,
  upcomingMonthDayRanges,
  upcomingOrder,
} from '../../src/lib/birthdays.js';

const DAY_MS = 86_400_000;

/** Every day of `year` as 'YYYY-MM-DD', built by stepping a UTC Date (independent of the code under test). */
function daysOfYear(year: number): string[] {
  const days: string[] = [];
  for (let ms = Date.UTC(year, 0, 1); new Date(ms).getUTCFullYear() === year; ms += DAY_MS) {
    days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
}

// One birthday per month-day of a leap year; 29 February needs a leap birth year.
const BIRTHDAYS = daysOfYear(2000).map((day) => (day.endsWith('-02-29') ? day : `1990${day.slice(4)}`));

function monthDay(date: string): number {
  return Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}

const BIRTHDAY_BY_MONTH_DAY = new Map(BIRTHDAYS.map((birthday) => [monthDay(birthday), birthday]));

/** Reference: walk day by day and note the first day each birthday is celebrated on. */
function bruteForce(
  today: string,
  daysAhead: number,
): Map<string, { nextBirthday: string; daysUntil: number }> {
  const found = new Map<string, { nextBirthday: string; daysUntil: number }>();
  const start = Date.parse(`${today}T00:00:00Z`);
  for (let daysUntil = 0; daysUntil <= daysAhead; daysUntil++) {
    const date = new Date(start + daysUntil * DAY_MS);
    const iso = date.toISOString().slice(0, 10);
    const year = date.getUTCFullYear();
    const isLeap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
    const celebrated = [monthDay(iso)];
    if (!isLeap && celebrated[0] === 228) celebrated.push(229);
    for (const md of celebrated) {
      const birthday = BIRTHDAY_BY_MONTH_DAY.get(md)!;
      if (!found.has(birthday)) found.set(birthday, { nextBirthday: iso, daysUntil });
    }
  }
  return found;
}

/** What the service does: the SQL range filter, then exact filtering with nextBirthday. */
function viaRanges(
  today: string,
  daysAhead: number,
): Map<string, { nextBirthday: string; daysUntil: number }> {
  const ranges = upcomingMonthDayRanges(today, daysAhead);
  const found = new Map<string, { nextBirthday: string; daysUntil: number }>();
  for (const birthday of BIRTHDAYS) {
    const md = monthDay(birthday);
    if (!ranges.some(({ from, to }) => md >= from && md <= to)) continue;
    const next = nextBirthday(birthday, today);
    if (next.daysUntil <= daysAhead) found.set(birthday, next);
  }
  return found;
}

describe('upcoming birthdays agree with a day-by-day walk', () => {
  describe.each([2024, 2025])('every day of %i', (year) => {
    it.each([0, 1, 7, 30, 365, 366])('within %i days', (daysAhead) => {
      const mismatches: string[] = [];
      for (const today of daysOfYear(year)) {
        const expected = bruteForce(today, daysAhead);
        const actual = viaRanges(today, daysAhead);
        expect(actual.size).toBeGreaterThan(0);
        for (const birthday of BIRTHDAYS) {
          const [want, got] = [expected.get(birthday), actual.get(birthday)];
          if (JSON.stringify(want) !== JSON.stringify(got)) {
            mismatches.push(
              `${today} +${daysAhead} ${birthday}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`,
            );
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
});

describe('the window and its order, as the database pages them', () => {
  // The SQL counts and pages the month-day ranges without the exact filter, ordered by birthdayOrderKey
  // then id: the ranges must hold exactly the walk's birthdays, and the key must sort them by days until.
  describe.each([2023, 2024, 2025])('every day of %i', (year) => {
    it.each([0, 7, 58, 364, 366])('within %i days', (daysAhead) => {
      const mismatches: string[] = [];
      for (const today of daysOfYear(year)) {
        const expected = bruteForce(today, daysAhead);
        const order = upcomingOrder(today, daysAhead);
        const inWindow = BIRTHDAYS.filter((birthday) => {
          const md = monthDay(birthday);
          return order.ranges.some(({ from, to }) => md >= from && md <= to);
        });
        if (inWindow.length !== expected.size || inWindow.some((b) => !expected.has(b))) {
          mismatches.push(
            `${today} +${daysAhead}: ${inWindow.length} in the ranges, ${expected.size} expected`,
          );
        }
        const byKey = [...inWindow].sort(
          (a, b) => birthdayOrderKey(monthDay(a), order) - birthdayOrderKey(monthDay(b), order),
        );
        for (let i = 1; i < byKey.length; i++) {
          const [before, after] = [byKey[i - 1]!, byKey[i]!];
          const sameKey =
            birthdayOrderKey(monthDay(before), order) === birthdayOrderKey(monthDay(after), order);
          const [dBefore, dAfter] = [expected.get(before)?.daysUntil, expected.get(after)?.daysUntil];
          if (dBefore === undefined || dAfter === undefined) continue;
          if (sameKey ? dBefore !== dAfter : dBefore >= dAfter) {
            mismatches.push(`${today} +${daysAhead}: ${before} (${dBefore}) before ${after} (${dAfter})`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  });

  it('knows whether this year and next are leap years', () => {
    expect(upcomingOrder('2027-12-30', 7)).toEqual({
      ranges: [
        { from: 1230, to: 1231 },
        { from: 101, to: 106 },
      ],
      todayMonthDay: 1230,
      leapThisYear: false,
      leapNextYear: true,
    });
    // 29 February shares 28 February's day in a common year, and comes after it in a leap year.
    const common = upcomingOrder('2027-02-20', 30);
    expect(birthdayOrderKey(229, common)).toBe(birthdayOrderKey(228, common));
    const leap = upcomingOrder('2028-02-20', 30);
    expect(birthdayOrderKey(229, leap)).toBeGreaterThan(birthdayOrderKey(228, leap));
    // Past today: next year's, after every day left this year.
    expect(birthdayOrderKey(101, common)).toBeGreaterThan(birthdayOrderKey(1231, common));
  });
});

describe('upcomingMonthDayRanges', () => {
  it('is one range inside a year', () => {
    expect(upcomingMonthDayRanges('2025-06-10', 7)).toEqual([{ from: 610, to: 617 }]);
  });

  it('splits in two over New Year', () => {
    expect(upcomingMonthDayRanges('2025-12-30', 7)).toEqual([
      { from: 1230, to: 1231 },
      { from: 101, to: 106 },
    ]);
  });

  it('is the whole year from 365 days on', () => {
    expect(upcomingMonthDayRanges('2025-03-01', 365)).toEqual([{ from: 101, to: 1231 }]);
    expect(upcomingMonthDayRanges('2025-03-01', 1000)).toEqual([{ from: 101, to: 1231 }]);
  });

  it('includes 29 February when the window ends on 28 February of a common year', () => {
    expect(upcomingMonthDayRanges('2025-02-28', 0)).toEqual([{ from: 228, to: 229 }]);
    expect(upcomingMonthDayRanges('2024-02-28', 0)).toEqual([{ from: 228, to: 228 }]);
  });

  it('rejects a negative or fractional window and a malformed date', () => {
    expect(() => upcomingMonthDayRanges('2025-01-01', -1)).toThrow(RangeError);
    expect(() => upcomingMonthDayRanges('2025-01-01', 1.5)).toThrow(RangeError);
    expect(() => upcomingMonthDayRanges('2025-13-01', 1)).toThrow(RangeError);
  });
});

describe('nextBirthday', () => {
  it('wraps over New Year', () => {
    expect(nextBirthday('1990-01-01', '2025-12-30')).toEqual({ nextBirthday: '2026-01-01', daysUntil: 2 });
  });

  it('celebrates 29 February on 28 February in common years', () => {
    expect(nextBirthday('2000-02-29', '2025-01-15')).toEqual({ nextBirthday: '2025-02-28', daysUntil: 44 });
    expect(nextBirthday('2000-02-29', '2024-01-15')).toEqual({ nextBirthday: '2024-02-29', daysUntil: 45 });
    expect(nextBirthday('2000-02-29', '2025-02-28')).toEqual({ nextBirthday: '2025-02-28', daysUntil: 0 });
    // The day after 28 February 2027 it is a leap year's turn.
    expect(nextBirthday('2000-02-29', '2027-03-01')).toEqual({ nextBirthday: '2028-02-29', daysUntil: 365 });
  });

  it('is 0 days away on the day', () => {
    expect(nextBirthday('1990-07-15', '2025-07-15')).toEqual({ nextBirthday: '2025-07-15', daysUntil: 0 });
  });

  it('moves to next year once the day has passed', () => {
    expect(nextBirthday('1990-07-15', '2025-07-16')).toEqual({ nextBirthday: '2026-07-15', daysUntil: 364 });
  });

  it('rejects impossible dates', () => {
    expect(() => nextBirthday('1990-02-30', '2025-01-01')).toThrow(RangeError);
    expect(() => nextBirthday('1990-01-01', '2025-02-29')).toThrow(RangeError);
    expect(() => nextBirthday('1990-1-1', '2025-01-01')).toThrow(RangeError);
  });
});

describe('todayInZone', () => {
  it('is the local calendar date around midnight UTC', () => {
    const justAfter = new Date('2025-01-01T02:00:00Z');
    expect(todayInZone('America/New_York', justAfter)).toBe('2024-12-31');
    expect(todayInZone('Europe/Kyiv', justAfter)).toBe('2025-01-01');
    expect(todayInZone('UTC', justAfter)).toBe('2025-01-01');
    expect(todayInZone('Pacific/Kiritimati', new Date('2025-01-01T23:30:00Z'))).toBe('2025-01-02');
  });

  it('defaults to now', () => {
    expect(todayInZone('UTC')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('rejects an unknown zone', () => {
    expect(() => todayInZone('Mars/Base')).toThrow(RangeError);
    // Also once a valid zone's formatter is kept: a bad name is never answered from another's.
    todayInZone('Europe/Kyiv');
    expect(() => todayInZone('Europe/Kyi')).toThrow(RangeError);
  });

  it('answers the same for every zone and spelling, past the bound of kept formatters', () => {
    const instant = new Date('2025-06-30T23:30:00Z');
    const zones = Intl.supportedValuesOf('timeZone');
    const spellings = [
      ...zones,
      ...zones.map((zone) => zone.toLowerCase()),
      ...zones.map((z) => z.toUpperCase()),
    ];
    expect(spellings.length).toBeGreaterThan(1000);
    const first = spellings.map((zone) => todayInZone(zone, instant));
    const again = spellings.map((zone) => todayInZone(zone, instant));
    expect(again).toEqual(first);
    expect(todayInZone('asia/tokyo', instant)).toBe('2025-07-01');
    expect(todayInZone('AMERICA/NEW_YORK', instant)).toBe('2025-06-30');
  });
});
