import { type CardValue, emptyCard } from '../card.js';
import { addEmail, addPhone, addUrl, type Draft, setBirthday } from './build.js';
import { keepCustom } from './kept.js';
import type { CsvRow } from './row.js';
import { cleanGroups, splitMulti } from './values.js';

/** This API's own field names: a header with any of them (and none of Google's or Outlook's) is ours. */
export const OWN_COLUMNS = [
  'uid',
  'first_name',
  'last_name',
  'display_name',
  'middle_name',
  'name_prefix',
  'name_suffix',
  'nickname',
  'organization',
  'department',
  'job_title',
  'email',
  'emails',
  'phone',
  'phones',
  'urls',
  'groups',
  'birthday',
  'additional_info',
  'note',
  'photo_url',
];

/** Puts the v1 single value first and primary: it is the entry the v1 field showed. */
function markPrimary(list: CardValue[], single: string): void {
  const at = list.findIndex((entry) => entry.value.toLowerCase() === single.toLowerCase());
  if (at < 0) return;
  const [entry] = list.splice(at, 1);
  list.unshift({ ...entry!, primary: true });
}

/**
 * Maps a row whose header uses this API's field names (v1: `first_name`, `email`…; v2: `display_name`,
 * `emails`, `groups`…, lists joined by ` ::: `). The v1 `email` / `phone` is the primary entry.
 */
export function readOwnRow(row: CsvRow): Draft {
  const draft: Draft = { card: emptyCard(), warnings: [] };
  const { card } = draft;
  card.uid = row.text('uid');
  card.givenName = row.text('first_name');
  card.familyName = row.text('last_name');
  // A hand-made sheet's `Name` / `Full Name` is the display name too.
  card.displayName = row.text('display_name') ?? row.text('name') ?? row.text('full name');
  card.middleName = row.text('middle_name');
  card.namePrefix = row.text('name_prefix');
  card.nameSuffix = row.text('name_suffix');
  card.nickname = row.text('nickname');
  card.organization = row.text('organization');
  card.department = row.text('department');
  card.jobTitle = row.text('job_title');
  card.note = row.text('additional_info') ?? row.text('note');
  const email = row.get('email');
  const emails = splitMulti(row.get('emails'));
  if (email !== '' && !emails.some((value) => value.toLowerCase() === email.toLowerCase()))
    emails.unshift(email);
  for (const value of emails) addEmail(draft, value, null, false);
  markPrimary(card.emails, email);
  const phone = row.get('phone');
  const phones = splitMulti(row.get('phones'));
  if (phone !== '' && !phones.includes(phone)) phones.unshift(phone);
  for (const value of phones) addPhone(draft, value, null, false);
  markPrimary(card.phones, phone);
  for (const value of splitMulti(row.get('urls'))) addUrl(draft, value, null);
  card.groups = cleanGroups(splitMulti(row.get('groups')));
  setBirthday(draft, row.get('birthday'));
  const photo = row.get('photo_url');
  if (photo !== '') card.photo = { kind: 'uri', uri: photo };
  for (const [column, value] of row.unused()) keepCustom(card, column, value);
  return draft;
}
