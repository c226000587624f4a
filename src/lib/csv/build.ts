import type { Card, CardAddress } from '../card.js';
import { keepInvalid } from './kept.js';
import { parseDateCell } from './values.js';

/** A card being read from one row, with the warnings about what it could not put in a field. */
export interface Draft {
  card: Card;
  warnings: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_PHONE = 64;

/**
 * Adds an email; one that is not an address is kept as an EMAIL property and reported, never dropped.
 * At most one entry is primary: a second `*` label does not take the mark from the first.
 */
export function addEmail(draft: Draft, value: string, type: string | null, primary: boolean): void {
  if (value === '') return;
  if (!EMAIL.test(value)) {
    keepInvalid(draft.card, 'email', type === null ? {} : { type }, value);
    draft.warnings.push(`E-mail "${value}" is not an address; kept as a property`);
    return;
  }
  const first = primary && !draft.card.emails.some((email) => email.primary);
  draft.card.emails.push({ value, type, primary: first });
}

/** Adds a phone as written (the service normalises it); one without a digit is kept and reported. */
export function addPhone(draft: Draft, value: string, type: string | null, primary: boolean): void {
  if (value === '') return;
  if (!/\d/.test(value) || value.length > MAX_PHONE) {
    keepInvalid(draft.card, 'tel', type === null ? {} : { type }, value);
    draft.warnings.push(`Phone "${value.slice(0, MAX_PHONE)}" is not a phone number; kept as a property`);
    return;
  }
  const first = primary && !draft.card.phones.some((phone) => phone.primary);
  draft.card.phones.push({ value, type, primary: first });
}

/** Adds a web address. */
export function addUrl(draft: Draft, value: string, type: string | null): void {
  if (value !== '') draft.card.urls.push({ value, type });
}

/** Adds an address unless every part is empty. */
export function addAddress(draft: Draft, address: Omit<CardAddress, 'primary'>, primary: boolean): void {
  const { type: _type, ...parts } = address;
  if (Object.values(parts).every((part) => part === null)) return;
  const first = primary && !draft.card.addresses.some((a) => a.primary);
  draft.card.addresses.push({ ...address, primary: first });
}

/** Sets the birthday; a value that is no date is kept as a text BDAY and reported. */
export function setBirthday(draft: Draft, cell: string): void {
  const date = parseDateCell(cell);
  if (!date.ok) {
    keepInvalid(draft.card, 'bday', {}, cell);
    draft.warnings.push(`Birthday "${cell}" is not a date; kept as a property`);
  } else if (draft.card.birthday === null) {
    draft.card.birthday = date.value;
  }
}

/** The empty string as null, for single-valued fields. */
export function orNull(value: string): string | null {
  return value === '' ? null : value;
}

/** Whether a card has a name (any name part, display name, nickname or organization). */
export function hasName(card: Card): boolean {
  return [
    card.displayName,
    card.givenName,
    card.familyName,
    card.middleName,
    card.nickname,
    card.organization,
  ].some((part) => part !== null && part.trim() !== '');
}
