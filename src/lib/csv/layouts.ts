import { readGoogleRow } from './google-read.js';
import { readOutlookRow } from './outlook-read.js';
import { OWN_COLUMNS, readOwnRow } from './own-read.js';
import type { CsvHeader } from './row.js';

/** The CSV layouts the importer reads. */
export type CsvLayout = 'google' | 'google-legacy' | 'outlook' | 'own';

const OUTLOOK_MARKERS = [
  'E-mail Address',
  'Mobile Phone',
  'Business Phone',
  'Home Phone',
  'Company',
  'Job Title',
  'Business Street',
  'Home Street',
  'Categories',
  'Web Page',
];

/**
 * Which layout a header is, from columns only that layout has: Google's legacy `Given Name` / `Group
 * Membership` / `… 1 - Type`; Google's current `Labels` / `File As` / `… 1 - Label`; Outlook's
 * `E-mail Address`, `Mobile Phone`, `Company`…; this API's `first_name`, `email`…. Null for anything else.
 */
export function detectLayout(header: CsvHeader): CsvLayout | null {
  const names = header.names;
  if (
    header.has('Given Name') ||
    header.has('Group Membership') ||
    names.some((n) => / \d+ - Type$/i.test(n))
  ) {
    return 'google-legacy';
  }
  const google = ['Labels', 'File As', 'Phonetic First Name', 'Organization Name'].some((n) => header.has(n));
  if (google || names.some((n) => / \d+ - (Label|Value)$/i.test(n))) return 'google';
  if (OUTLOOK_MARKERS.some((n) => header.has(n))) return 'outlook';
  if (OWN_COLUMNS.some((n) => header.has(n))) return 'own';
  // Only names: Google's and Outlook's `First Name` / `Last Name` mean the same.
  if (header.has('First Name') || header.has('Last Name')) return 'google';
  return null;
}

/** The row mapper of a layout. */
export const ROW_READERS = {
  google: readGoogleRow,
  'google-legacy': readGoogleRow,
  outlook: readOutlookRow,
  own: readOwnRow,
} as const;
