/**
 * Cell-level rules shared by every CSV layout: Google's ` ::: ` lists, `* ` primary markers, labels ⇄ card
 * types, dates in the forms Google and Outlook write, and group names.
 */

/** Google's separator between several values in one cell. */
export const MULTI = ' ::: ';

/** Splits a Google multi-value cell. Empty input gives no values; empty positions are kept (they align parts). */
export function splitMulti(cell: string): string[] {
  if (cell.trim() === '') return [];
  // Cells arrive trimmed, so a list ending in an empty value ends in ' :::' without its space.
  return cell.split(/ *::: */).map((part) => part.trim());
}

// Google's own labels, in the spelling its export writes. A card type is the label in lower case, so a label
// typed in any case maps to one type, and a type written back gets Google's spelling (and its translation).
const GOOGLE_LABELS = [
  'Home',
  'Work',
  'Mobile',
  'Other',
  'Main',
  'Home Fax',
  'Work Fax',
  'Other Fax',
  'Pager',
  'Work Mobile',
  'Work Pager',
  'Google Voice',
  'Car',
  'Assistant',
  'Callback',
  'ISDN',
  'Radio',
  'Telex',
  'TTY/TDD',
  'Company Main',
  'Home Page',
  'Fax',
  'iPhone',
  'Blog',
  'Profile',
  'FTP',
  'School',
  'Spouse',
  'Child',
  'Mother',
  'Father',
  'Parent',
  'Brother',
  'Sister',
  'Friend',
  'Relative',
  'Domestic Partner',
  'Manager',
  'Referred By',
  'Partner',
  'Anniversary',
];
// The card model's types where they are not the label in lower case (src/lib/vcard/labels.ts: Apple's words).
const TYPE_OF_LABEL: Record<string, string> = { 'home page': 'homepage', cell: 'mobile' };
const TYPE_BY_LABEL = new Map(GOOGLE_LABELS.map((label) => [label.toLowerCase(), label.toLowerCase()]));
for (const [label, type] of Object.entries(TYPE_OF_LABEL)) TYPE_BY_LABEL.set(label, type);
const LABEL_BY_TYPE = new Map(GOOGLE_LABELS.map((label) => [TYPE_BY_LABEL.get(label.toLowerCase())!, label]));
// vCard's spelling of the same thing, so a card read from a vCard exports with Google's label.
LABEL_BY_TYPE.set('cell', 'Mobile');

/** A label cell (`* Mobile`, `Work`, `Gym`, ``) as a card type and primary flag. */
export function parseLabel(cell: string): { type: string | null; primary: boolean } {
  let text = cell.trim();
  const primary = text.startsWith('*');
  if (primary) text = text.slice(1).trim();
  if (text === '') return { type: null, primary };
  const lower = text.toLowerCase();
  // A known label becomes its lower-case type; the user's own label ('Gym', 'Dacha') stays as written.
  return { type: TYPE_BY_LABEL.get(lower) ?? text, primary };
}

/** A card type (and primary flag) as a Google label cell. */
export function formatLabel(type: string | null, primary = false): string {
  const label = type === null ? '' : (LABEL_BY_TYPE.get(type.toLowerCase()) ?? type);
  return primary ? `* ${label}`.trimEnd() : label;
}

export type DateCell = { ok: true; value: string | null } | { ok: false };

function daysIn(month: number, year: number | null): number {
  if (month === 2)
    return year === null || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function build(year: number | null, month: number, day: number): DateCell {
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return { ok: false };
  const md = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  // Apple and Outlook store a birthday without a year in the year 1604.
  if (year === null || year === 1604) return { ok: true, value: `--${md}` };
  return { ok: true, value: `${String(year).padStart(4, '0')}-${md}` };
}

/**
 * A date cell as `YYYY-MM-DD` or `--MM-DD`: Google writes `1990-05-12` and ` --05-12`, Outlook `5/12/1990`
 * and `0/0/00` for none. Empty or "none" is `{ok: true, value: null}`; anything else unreadable is not ok.
 */
export function parseDateCell(cell: string): DateCell {
  const text = cell.trim();
  if (text === '') return { ok: true, value: null };
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+Z?)?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^--(\d{2})-?(\d{2})$/.exec(text);
  if (m) return build(null, Number(m[1]), Number(m[2]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(text);
  if (m) {
    const [month, day, year] = [Number(m[1]), Number(m[2]), m[3]!];
    if (month === 0 && day === 0) return { ok: true, value: null };
    // A two-digit year names no century; only Outlook's 0/0/00 ("none") is written that way.
    return year.length === 4 ? build(Number(year), month, day) : { ok: false };
  }
  return { ok: false };
}

const DROPPED_GROUPS = new Set(['mycontacts', 'my contacts']);

/**
 * Group names from Google's `Labels` / `Group Membership` cells or Outlook's `Categories` (already split):
 * without Google's system label `* myContacts` (every contact has it), without the `* ` marker of the other
 * system labels (`* starred` is the group `starred`) and the legacy `System Group: ` prefix; no repeats.
 */
export function cleanGroups(values: string[]): string[] {
  const groups: string[] = [];
  for (const value of values) {
    const name = value
      .trim()
      .replace(/^\*\s*/, '')
      .replace(/^System Group:\s*/i, '')
      .trim();
    if (name === '' || DROPPED_GROUPS.has(name.toLowerCase()) || groups.includes(name)) continue;
    groups.push(name);
  }
  return groups;
}

/** Groups as Google's `Labels` cell: `* myContacts` first (as Google writes it), `starred` as `* starred`. */
export function formatGroups(groups: string[]): string {
  const labels = groups.map((group) => (group.toLowerCase() === 'starred' ? '* starred' : group));
  return ['* myContacts', ...labels].join(MULTI);
}
