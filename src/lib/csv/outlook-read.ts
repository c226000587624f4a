import { emptyCard } from '../card.js';
import { addAddress, addEmail, addPhone, addUrl, type Draft, orNull, setBirthday } from './build.js';
import { keepCustom, keepEvent, keepPhonetic, keepRelation } from './kept.js';
import type { CsvRow } from './row.js';
import { cleanGroups, MULTI } from './values.js';

/** Outlook's phone columns → card type (Google's label, lower case). `Primary Phone` is the primary entry. */
const PHONES: [string, string][] = [
  ['Primary Phone', 'main'],
  ['Mobile Phone', 'mobile'],
  ['Home Phone', 'home'],
  ['Home Phone 2', 'home'],
  ['Business Phone', 'work'],
  ['Business Phone 2', 'work'],
  ['Company Main Phone', 'company main'],
  ['Other Phone', 'other'],
  ["Assistant's Phone", 'assistant'],
  ['Car Phone', 'car'],
  ['Callback', 'callback'],
  ['Pager', 'pager'],
  ['Home Fax', 'home fax'],
  ['Business Fax', 'work fax'],
  ['Other Fax', 'other fax'],
  ['ISDN', 'isdn'],
  ['Radio Phone', 'radio'],
  ['Telex', 'telex'],
  ['TTY/TDD Phone', 'tty/tdd'],
];
/** Outlook's columns naming people → RELATED types. */
const RELATIONS: [string, string][] = [
  ['Spouse', 'Spouse'],
  ['Children', 'Child'],
  ["Manager's Name", 'Manager'],
  ["Assistant's Name", 'Assistant'],
  ['Referred By', 'Referred By'],
];
// Values Outlook writes on every contact: they say nothing, so they are not kept.
const DEFAULTS: Record<string, string> = {
  gender: 'unspecified',
  priority: 'normal',
  sensitivity: 'normal',
  private: 'false',
  'e-mail type': 'smtp',
  'e-mail 2 type': 'smtp',
  'e-mail 3 type': 'smtp',
};

function readAddress(row: CsvRow, draft: Draft, prefix: 'Business' | 'Home' | 'Other'): void {
  const lines = [row.get(`${prefix} Street`), row.get(`${prefix} Street 2`), row.get(`${prefix} Street 3`)];
  const parts = {
    locality: row.text(`${prefix} City`),
    region: row.text(`${prefix} State`),
    postalCode: row.text(`${prefix} Postal Code`),
    // Outlook writes `Country/Region`; Google's "Outlook CSV" export writes `Country`.
    country: orNull(row.get(`${prefix} Country/Region`) || row.get(`${prefix} Country`)),
    poBox: row.text(`${prefix} Address PO Box`),
  };
  // `<prefix> Address` is the formatted address: the street only when no part was given.
  const formatted = row.get(`${prefix} Address`);
  let street = orNull(lines.filter((line) => line !== '').join('\n'));
  if (street === null && Object.values(parts).every((part) => part === null)) street = orNull(formatted);
  const type = prefix === 'Business' ? 'work' : prefix.toLowerCase();
  addAddress(draft, { type, street, extended: null, ...parts }, false);
}

/** Maps a row of Outlook's contacts export (English headers) to a card. */
export function readOutlookRow(row: CsvRow): Draft {
  const draft: Draft = { card: emptyCard(), warnings: [] };
  const { card } = draft;
  card.givenName = row.text('First Name');
  card.middleName = row.text('Middle Name');
  card.familyName = row.text('Last Name');
  card.namePrefix = row.text('Title');
  card.nameSuffix = row.text('Suffix');
  card.nickname = row.text('Nickname');
  card.organization = row.text('Company');
  card.department = row.text('Department');
  card.jobTitle = row.text('Job Title');
  card.note = row.text('Notes');
  keepPhonetic(card, 'first', row.get('Given Yomi') || row.get('Given Name Yomi'));
  keepPhonetic(card, 'last', row.get('Surname Yomi') || row.get('Family Name Yomi'));
  // Derived from the name and the address: nothing to keep.
  row.skip('Initials', 'E-mail Display Name', 'E-mail 2 Display Name', 'E-mail 3 Display Name');
  for (const column of ['E-mail Address', 'E-mail 2 Address', 'E-mail 3 Address']) {
    addEmail(draft, row.get(column), null, false);
  }
  for (const [column, type] of PHONES) addPhone(draft, row.get(column), type, column === 'Primary Phone');
  for (const prefix of ['Home', 'Business', 'Other'] as const) readAddress(row, draft, prefix);
  addUrl(draft, row.get('Web Page'), null);
  addUrl(draft, row.get('Personal Web Page'), 'home');
  setBirthday(draft, row.get('Birthday'));
  const anniversary = row.get('Anniversary');
  if (anniversary !== '' && !/^0\/0\/0+$/.test(anniversary)) keepEvent(card, 'Anniversary', anniversary);
  for (const [column, type] of RELATIONS) {
    const value = row.get(column);
    if (value !== '') keepRelation(card, type, value);
  }
  // Outlook separates categories with `;`; Google's "Outlook CSV" export does too.
  const categories = row.get('Categories');
  card.groups = cleanGroups(categories.split(categories.includes(MULTI) ? MULTI : ';'));
  for (const [column, value] of row.unused()) {
    if (DEFAULTS[column.toLowerCase()] !== value.toLowerCase()) keepCustom(card, column, value);
  }
  return draft;
}
