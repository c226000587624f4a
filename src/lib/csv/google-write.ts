import type { Card, CardAddress } from '../card.js';
import { ADDRESS_PARTS } from './google-read.js';
import { type Entry, keptColumns } from './kept-write.js';
import { formatGroups, formatLabel, MULTI } from './values.js';

/**
 * How many numbered groups of each kind the export writes. The header is sent before the first card, so the
 * counts are fixed; a card with more values puts the rest in the last group, ` ::: `-joined part by part
 * (labels too, when they differ), which is how Google itself writes several values in one group.
 */
export const GROUP_COUNTS = {
  'E-mail': 3,
  Phone: 3,
  Address: 3,
  Relation: 2,
  Website: 3,
  Event: 2,
  IM: 2,
  'Custom Field': 3,
} as const;

type Kind = keyof typeof GROUP_COUNTS;

const PARTS: Record<Kind, string[]> = {
  'E-mail': ['Label', 'Value'],
  Phone: ['Label', 'Value'],
  Address: ['Label', ...ADDRESS_PARTS],
  Relation: ['Label', 'Value'],
  Website: ['Label', 'Value'],
  Event: ['Label', 'Value'],
  IM: ['Label', 'Service', 'Value'],
  'Custom Field': ['Label', 'Value'],
};

const BASE = [
  'First Name',
  'Middle Name',
  'Last Name',
  'Phonetic First Name',
  'Phonetic Middle Name',
  'Phonetic Last Name',
  'Name Prefix',
  'Name Suffix',
  'Nickname',
  'File As',
  'Organization Name',
  'Organization Title',
  'Organization Department',
  'Birthday',
  'Notes',
  'Photo',
  'Labels',
];

/** The header of the export: Google Contacts' current layout, in the order Google writes it. */
export const GOOGLE_HEADER: readonly string[] = [
  ...BASE,
  ...(Object.keys(GROUP_COUNTS) as Kind[]).flatMap((kind) =>
    Array.from({ length: GROUP_COUNTS[kind] }, (_, i) =>
      PARTS[kind].map((part) => `${kind} ${i + 1} - ${part}`),
    ).flat(),
  ),
];

const COLUMN = new Map(GOOGLE_HEADER.map((column, i) => [column, i]));
/** Column positions of each kind's groups: [group][part], so a row is filled without building names. */
const GROUP_POSITIONS = Object.fromEntries(
  (Object.keys(GROUP_COUNTS) as Kind[]).map((kind) => [
    kind,
    Array.from({ length: GROUP_COUNTS[kind] }, (_, i) =>
      PARTS[kind].map((part) => COLUMN.get(`${kind} ${i + 1} - ${part}`)!),
    ),
  ]),
) as Record<Kind, number[][]>;

function putGroups(cells: string[], kind: Kind, entries: Entry[]): void {
  const count = GROUP_COUNTS[kind];
  const parts = PARTS[kind];
  const positions = GROUP_POSITIONS[kind];
  for (let i = 0; i < Math.min(entries.length, count - 1); i += 1) {
    parts.forEach((part, p) => {
      cells[positions[i]![p]!] = entries[i]![part] ?? '';
    });
  }
  const rest = entries.slice(count - 1);
  if (rest.length === 0) return;
  parts.forEach((part, p) => {
    const values = rest.map((entry) => entry[part] ?? '');
    // One label for the whole group when they agree, as Google writes it; else one per value.
    const same = part === 'Label' && values.every((value) => value === values[0]);
    cells[positions[count - 1]![p]!] = same ? values[0]! : values.join(MULTI);
  });
}

/** The name a card shows when it has no display name of its own (the contract's rule). */
function derivedName(card: Card): string {
  const name = [card.givenName, card.familyName].filter(Boolean).join(' ');
  return name || card.organization || card.emails[0]?.value || card.phones[0]?.value || '';
}

function formatted(a: CardAddress): string {
  const place = [a.locality, [a.region, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [a.street, a.extended, a.poBox && `PO Box ${a.poBox}`, place, a.country].filter(Boolean).join('\n');
}

function addressEntry(a: CardAddress): Entry {
  return {
    Label: formatLabel(a.type, a.primary),
    Formatted: formatted(a),
    Street: a.street ?? '',
    City: a.locality ?? '',
    'PO Box': a.poBox ?? '',
    Region: a.region ?? '',
    'Postal Code': a.postalCode ?? '',
    Country: a.country ?? '',
    'Extended Address': a.extended ?? '',
  };
}

/** A card as one row of the export, cells in GOOGLE_HEADER order. */
export function googleRow(card: Card): string[] {
  const kept = keptColumns(card);
  const displayName = card.displayName && card.displayName !== derivedName(card) ? card.displayName : '';
  const named: [string, string][] = [
    ['First Name', card.givenName ?? ''],
    ['Middle Name', card.middleName ?? ''],
    ['Last Name', card.familyName ?? ''],
    ['Phonetic First Name', kept.phonetic.first],
    ['Phonetic Middle Name', kept.phonetic.middle],
    ['Phonetic Last Name', kept.phonetic.last],
    ['Name Prefix', card.namePrefix ?? ''],
    ['Name Suffix', card.nameSuffix ?? ''],
    ['Nickname', card.nickname ?? ''],
    // Google shows and sorts by `File As`: only a display name of the card's own goes there.
    ['File As', displayName],
    ['Organization Name', card.organization ?? ''],
    ['Organization Title', card.jobTitle ?? ''],
    ['Organization Department', card.department ?? ''],
    ['Birthday', card.birthday ?? kept.birthdays.shift() ?? ''],
    ['Notes', card.note ?? ''],
    ['Photo', card.photo?.kind === 'uri' ? card.photo.uri : ''],
    ['Labels', formatGroups(card.groups)],
  ];
  const cells = new Array<string>(GOOGLE_HEADER.length).fill('');
  for (const [column, value] of named) cells[COLUMN.get(column)!] = value;
  const values = (list: Card['emails']) =>
    list.map((v) => ({ Label: formatLabel(v.type, v.primary), Value: v.value }));
  putGroups(cells, 'E-mail', [...values(card.emails), ...kept.emails]);
  putGroups(cells, 'Phone', [...values(card.phones), ...kept.phones]);
  putGroups(cells, 'Address', card.addresses.map(addressEntry));
  putGroups(cells, 'Relation', kept.relations);
  putGroups(
    cells,
    'Website',
    card.urls.map((url) => ({ Label: formatLabel(url.type), Value: url.value })),
  );
  putGroups(cells, 'Event', kept.events);
  putGroups(cells, 'IM', kept.ims);
  // A second, text-only birthday has no column of its own.
  const customs = [...kept.customs, ...kept.birthdays.map((value) => ({ Label: 'BDAY', Value: value }))];
  putGroups(cells, 'Custom Field', customs);
  return cells;
}
