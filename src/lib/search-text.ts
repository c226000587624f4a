// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/g;
// A query made only of what people type in phone numbers, e.g. '+380 (50) 12'.
const PHONE_FRAGMENT = /^[\d +().-]+$/;

/**
 * Folds text for case-insensitive search: NFKC (full-width and compatibility forms), lower case for any script,
 * final sigma as sigma, no control characters. Control characters go so that the '\n' framing of
 * search_text can never be forged by a field's content.
 */
export function foldCase(text: string): string {
  // toLowerCase turns a word-final 'Σ' into 'ς', so 'ΣΟΣ' would not be a prefix of 'σοσα'; Unicode case folding
  // maps 'ς' to 'σ' for the same reason.
  return text.normalize('NFKC').toLowerCase().replace(/ς/g, 'σ').replace(CONTROL, '');
}

/**
 * Builds a contact's search_text: folded fields, one per line, framed by newlines so SQL can tell an exact
 * ('\n' + q + '\n') or prefix ('\n' + q) match from a mere substring one.
 */
export function buildSearchText(fields: {
  firstName: string;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}): string {
  const { firstName, lastName, email, phone } = fields;
  const lines = [
    firstName,
    lastName,
    lastName ? `${firstName} ${lastName}` : null,
    email,
    // Both forms, so '380…' and '+380…' are prefix matches.
    phone?.replace(/^\+/, ''),
    phone,
  ];
  const folded = lines.filter((line): line is string => !!line).map(foldCase);
  return `\n${folded.join('\n')}\n`;
}

/** Escapes LIKE's wildcards and the escape character itself, so user input only ever matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/**
 * The terms to search for: the folded query with whitespace collapsed, and for something that looks like a
 * phone fragment also its bare digits, since search_text holds phone numbers without separators.
 */
export function searchTerms(query: string): string[] {
  const text = foldCase(query.replace(/\s+/g, ' '))
    .split(' ')
    .filter((word) => word !== '')
    .join(' ');
  if (text === '') return [];
  const digits = text.replace(/\D/g, '');
  if (PHONE_FRAGMENT.test(text) && digits.length >= 3 && digits !== text) return [text, digits];
  return [text];
}
