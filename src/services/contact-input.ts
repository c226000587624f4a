import { ValidationError } from '../errors.js';
import { normalizePhone } from '../lib/phones.js';

/** What a client may send for a contact (camelCase): undefined = not sent, null = clear the field. */
export interface ContactInput {
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  birthday?: string | null | undefined;
  additionalInfo?: string | null | undefined;
}

/** The checked, normalised values of the fields that were sent. */
export interface ContactChanges {
  firstName?: string;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  birthday?: string | null;
  additionalInfo?: string | null;
}

/** v2 raised the original's 50 and 2 000 so that imported cards fit (migration 0006 widened the columns). */
export const NAME_MAX = 100;
export const ADDITIONAL_INFO_MAX = 10_000;
export const EARLIEST_BIRTHDAY = '1900-01-01';

type Issue = { loc: (string | number)[]; msg: string; type: string };

/** Length in code points, as PostgreSQL's varchar(n) and JSON Schema's maxLength count it. */
function length(text: string): number {
  return [...text].length;
}

/** True for a real calendar date written 'YYYY-MM-DD' (2023-02-29 and 2023-13-01 are not). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * Checks and normalises the fields that were sent, collecting every problem into one 422 (as FastAPI
 * does). Names are trimmed and a blank last name or additional info becomes null; the phone becomes E.164;
 * `today` ('YYYY-MM-DD') bounds the birthday.
 */
export function checkContactInput(
  input: ContactInput,
  options: { defaultPhoneRegion: string; today: string },
): ContactChanges {
  const issues: Issue[] = [];
  const fail = (field: string, msg: string, type = 'value_error') =>
    issues.push({ loc: ['body', field], msg, type });
  // PostgreSQL text cannot hold NUL, and a driver error would otherwise be a 500.
  const hasNul = (field: string, text: string) => {
    if (!text.includes('\u0000')) return false;
    fail(field, 'Value must not contain NUL characters');
    return true;
  };
  const changes: ContactChanges = {};

  if (input.firstName !== undefined) {
    const name = input.firstName?.trim() ?? '';
    if (input.firstName === null) fail('first_name', 'Input should be a valid string', 'string_type');
    else if (name === '') fail('first_name', 'String should have at least 1 character', 'string_too_short');
    else if (length(name) > NAME_MAX)
      fail('first_name', `String should have at most ${NAME_MAX} characters`, 'string_too_long');
    else if (!hasNul('first_name', name)) changes.firstName = name;
  }

  if (input.lastName !== undefined) {
    const name = input.lastName?.trim() || null;
    if (name !== null && length(name) > NAME_MAX) {
      fail('last_name', `String should have at most ${NAME_MAX} characters`, 'string_too_long');
    } else if (name === null || !hasNul('last_name', name)) changes.lastName = name;
  }

  if (input.email !== undefined) {
    // The route's schema checks the address format; the unique index compares it case-insensitively (citext).
    if (input.email === null || !hasNul('email', input.email)) changes.email = input.email;
  }

  if (input.phone !== undefined) {
    if (input.phone === null) changes.phone = null;
    else {
      const phone = normalizePhone(input.phone, options.defaultPhoneRegion);
      if (phone) changes.phone = phone;
      else fail('phone', 'Value is not a valid phone number');
    }
  }

  if (input.birthday !== undefined) {
    const birthday = input.birthday;
    if (birthday === null) changes.birthday = null;
    else if (!isCalendarDate(birthday))
      fail('birthday', 'Input should be a valid date in the format YYYY-MM-DD');
    else if (birthday < EARLIEST_BIRTHDAY)
      fail('birthday', `Birthday must not be before ${EARLIEST_BIRTHDAY}`);
    else if (birthday > options.today) fail('birthday', 'Birthday must not be in the future');
    else changes.birthday = birthday;
  }

  if (input.additionalInfo !== undefined) {
    // Kept as written (line breaks and indentation may matter in notes); only a blank note becomes null.
    const info = input.additionalInfo?.trim() ? input.additionalInfo : null;
    if (info !== null && length(info) > ADDITIONAL_INFO_MAX) {
      fail(
        'additional_info',
        `String should have at most ${ADDITIONAL_INFO_MAX} characters`,
        'string_too_long',
      );
    } else if (info === null || !hasNul('additional_info', info)) changes.additionalInfo = info;
  }

  if (issues.length > 0) throw new ValidationError(issues);
  return changes;
}
