import { emptyCard } from '../card.js';
import { addAddress, addEmail, addPhone, addUrl, type Draft, orNull, setBirthday } from './build.js';
import { keepCustom, keepEvent, keepIm, keepPhonetic, keepRelation } from './kept.js';
import { type CsvRow, readGroups } from './row.js';
import { cleanGroups, parseLabel, splitMulti } from './values.js';

/** The parts of Google's `Address N - <part>` columns, in the order of its export (the writer's too). */
export const ADDRESS_PARTS = [
  'Formatted',
  'Street',
  'City',
  'PO Box',
  'Region',
  'Postal Code',
  'Country',
  'Extended Address',
];
const ORGANIZATION_PARTS = ['Name', 'Title', 'Department'];
/** Numbered groups this module maps to fields or properties; any other kind is kept as custom fields. */
const KNOWN_KINDS = new Set([
  'e-mail',
  'phone',
  'address',
  'website',
  'relation',
  'event',
  'im',
  'custom field',
  'organization',
]);

function readNames(row: CsvRow, draft: Draft): void {
  const { card } = draft;
  // Current layout: `First Name`…; legacy: `Given Name`, `Additional Name`, `Family Name` and a `Name`.
  card.givenName = orNull(row.get('First Name') || row.get('Given Name'));
  card.middleName = orNull(row.get('Middle Name') || row.get('Additional Name'));
  card.familyName = orNull(row.get('Last Name') || row.get('Family Name'));
  card.namePrefix = row.text('Name Prefix');
  card.nameSuffix = row.text('Name Suffix');
  card.nickname = row.text('Nickname');
  // `File As` is the name Google shows and sorts by when the user set one: the card's display name (FN).
  card.displayName = orNull(row.get('File As') || row.get('Name'));
  keepPhonetic(card, 'first', row.get('Phonetic First Name') || row.get('Given Name Yomi'));
  keepPhonetic(card, 'middle', row.get('Phonetic Middle Name') || row.get('Additional Name Yomi'));
  keepPhonetic(card, 'last', row.get('Phonetic Last Name') || row.get('Family Name Yomi'));
}

function readOrganization(row: CsvRow, draft: Draft): void {
  const { card } = draft;
  card.organization = row.text('Organization Name');
  card.jobTitle = row.text('Organization Title');
  card.department = row.text('Organization Department');
  // The legacy layout numbers organizations; the first fills the fields, any other is kept as ORG + TITLE.
  for (const entry of readGroups(row, 'Organization', ORGANIZATION_PARTS)) {
    const { Name: name = '', Title: title = '', Department: department = '' } = entry.parts;
    if (card.organization === null && card.jobTitle === null && card.department === null) {
      [card.organization, card.jobTitle, card.department] = [orNull(name), orNull(title), orNull(department)];
      continue;
    }
    if (name !== '' || department !== '') card.kept.push(['org', {}, 'text', [name, department]]);
    if (title !== '') card.kept.push(['title', {}, 'text', title]);
  }
}

function readLists(row: CsvRow, draft: Draft): void {
  for (const { label, parts } of readGroups(row, 'E-mail', ['Value'])) {
    const { type, primary } = parseLabel(label);
    addEmail(draft, parts.Value ?? '', type, primary);
  }
  for (const { label, parts } of readGroups(row, 'Phone', ['Value'])) {
    const { type, primary } = parseLabel(label);
    addPhone(draft, parts.Value ?? '', type, primary);
  }
  for (const { label, parts } of readGroups(row, 'Address', ADDRESS_PARTS)) {
    const { type, primary } = parseLabel(label);
    const part = (name: string) => orNull(parts[name] ?? '');
    const structured = ['Street', 'City', 'PO Box', 'Region', 'Postal Code', 'Country', 'Extended Address'];
    // Google derives `Formatted` from the parts; it is the street only when the user typed nothing else.
    const street = structured.some((name) => part(name) !== null) ? part('Street') : part('Formatted');
    const address = {
      type,
      street,
      locality: part('City'),
      region: part('Region'),
      postalCode: part('Postal Code'),
      country: part('Country'),
      poBox: part('PO Box'),
      extended: part('Extended Address'),
    };
    addAddress(draft, address, primary);
  }
  for (const { label, parts } of readGroups(row, 'Website', ['Value'])) {
    addUrl(draft, parts.Value ?? '', parseLabel(label).type);
  }
}

function readKept(row: CsvRow, draft: Draft): void {
  const { card } = draft;
  for (const { label, parts } of readGroups(row, 'Event', ['Value'])) {
    if (parts.Value) keepEvent(card, label, parts.Value);
  }
  for (const { label, parts } of readGroups(row, 'Relation', ['Value'])) {
    if (parts.Value) keepRelation(card, label, parts.Value);
  }
  for (const { label, parts } of readGroups(row, 'IM', ['Service', 'Value'])) {
    if (parts.Value) keepIm(card, label, parts.Service ?? '', parts.Value);
  }
  for (const { label, parts } of readGroups(row, 'Custom Field', ['Value'])) {
    if (parts.Value) keepCustom(card, label, parts.Value);
  }
  for (const [kind, name] of row.header.kindNames) {
    if (KNOWN_KINDS.has(kind)) continue;
    for (const { label, parts } of readGroups(row, name, ['Value'])) {
      if (parts.Value) keepCustom(card, label === '' ? name : `${name}: ${label}`, parts.Value);
    }
  }
}

/** Maps a row of Google Contacts' export (current or legacy header) to a card. */
export function readGoogleRow(row: CsvRow): Draft {
  const draft: Draft = { card: emptyCard(), warnings: [] };
  const { card } = draft;
  readNames(row, draft);
  readOrganization(row, draft);
  setBirthday(draft, row.get('Birthday'));
  card.note = row.text('Notes');
  const photo = row.get('Photo');
  if (/^https?:\/\/\S+$/i.test(photo)) card.photo = { kind: 'uri', uri: photo };
  else if (photo !== '') keepCustom(card, 'Photo', photo);
  card.groups = cleanGroups(splitMulti(row.get('Labels') || row.get('Group Membership')));
  readLists(row, draft);
  readKept(row, draft);
  for (const [column, value] of row.unused()) keepCustom(card, column, value);
  return draft;
}
