/**
 * The CSV side of import and export: Google Contacts' current and legacy layouts, Outlook's, and this API's
 * own field names in; Google's current layout out. Pure (no database, no HTTP), streaming both ways.
 */

export { GOOGLE_HEADER } from './google-write.js';
export { type CsvLayout, detectLayout } from './layouts.js';
export {
  CsvFormatError,
  type CsvFormatReason,
  type CsvReadOptions,
  readCsvCards,
  readCsvText,
  sniffCsvLayout,
} from './read.js';
export { type CsvWriteOptions, writeGoogleCsv, writeGoogleCsvText } from './write.js';
