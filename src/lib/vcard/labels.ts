/**
 * TYPE parameters and Apple's item-group labels ⇄ the card model's free `type` label.
 * Reading: `TEL;TYPE=CELL` is `mobile`, `TYPE=HOME,FAX` `home fax`, an `X-ABLabel` in the same
 * item group (`_$!<Mobile>!$_` or a custom "Ferienhaus") wins over TYPE. Writing: the labels TYPE
 * can say become TYPE; every other label becomes an item group with an X-ABLabel (what iOS and
 * macOS read, in 3.0 and 4.0 alike).
 */
export type ListKind = 'email' | 'tel' | 'adr' | 'url';

// TYPE values that say nothing a label should carry (defaults, delivery flags, pref handled apart).
const NOISE = new Set(['pref', 'voice', 'internet', 'x400', 'postal', 'parcel', 'dom', 'intl']);

// Apple's built-in labels as iOS writes them, and the model's label for each.
const APPLE: Record<string, string> = {
  mobile: 'mobile',
  home: 'home',
  work: 'work',
  other: 'other',
  main: 'main',
  homefax: 'home fax',
  workfax: 'work fax',
  otherfax: 'other fax',
  pager: 'pager',
  iphone: 'iphone',
  homepage: 'homepage',
  school: 'school',
};
const APPLE_BACK: Record<string, string> = {
  other: '_$!<Other>!$_',
  main: '_$!<Main>!$_',
  'other fax': '_$!<OtherFAX>!$_',
  homepage: '_$!<HomePage>!$_',
  school: '_$!<School>!$_',
};

// Labels TYPE can carry, per list, and the TYPE values for each.
const TYPE_LABELS: Record<ListKind, Record<string, string[]>> = {
  email: { home: ['home'], work: ['work'] },
  tel: {
    home: ['home'],
    work: ['work'],
    mobile: ['cell'],
    fax: ['fax'],
    'home fax': ['home', 'fax'],
    'work fax': ['work', 'fax'],
    pager: ['pager'],
  },
  adr: { home: ['home'], work: ['work'] },
  url: { home: ['home'], work: ['work'] },
};

/** The label of an Apple X-ABLabel value: `_$!<Mobile>!$_` → `mobile`, a custom label as written. */
export function labelFromApple(value: string): string | null {
  const match = /^_\$!<(.*)>!\$_$/.exec(value.trim());
  if (!match) return value.trim() === '' ? null : value.trim();
  const key = match[1]!.toLowerCase();
  return APPLE[key] ?? key;
}

/** The model's label from TYPE values (case-insensitive); null when they carry none. */
export function labelFromTypes(kind: ListKind, types: string[]): string | null {
  const set = new Set(types.map((t) => t.toLowerCase()).filter((t) => !NOISE.has(t)));
  if (kind === 'tel') {
    if (set.has('cell')) return 'mobile';
    if (set.has('fax')) return set.has('home') ? 'home fax' : set.has('work') ? 'work fax' : 'fax';
    if (set.has('pager')) return 'pager';
  }
  for (const label of ['home', 'work', 'other']) if (set.has(label)) return label;
  const [first] = set;
  return first ?? null;
}

/** How a label is written: as TYPE values, or as an Apple X-ABLabel value in an item group. */
export function labelToVCard(
  kind: ListKind,
  label: string | null,
): { types: string[] } | { appleLabel: string } {
  if (label === null || label === '') return { types: [] };
  const types = TYPE_LABELS[kind][label];
  if (types) return { types };
  return { appleLabel: APPLE_BACK[label] ?? label };
}
