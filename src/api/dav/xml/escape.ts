/** Escaping for the multistatus writer: XML text and attributes, hrefs, status lines. */
import { STATUS_CODES } from 'node:http';

// Characters XML 1.0 cannot carry at all, not even as a character reference: C0 controls other than
// tab, LF and CR, U+FFFE/U+FFFF and unpaired surrogates. They become U+FFFD, visibly, rather than
// vanish or break the client's parser.
const FORBIDDEN =
  '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
// One character class, cheap to scan: any surrogate sends the text down the exact path.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the controls XML forbids is the point.
const NEEDS_ESCAPE = /[&<>"'\r\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ESCAPES = new RegExp(`[&<>"'\\r]|${FORBIDDEN}`, 'g');

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be turned into LF by every XML parser; the reference keeps a vCard's CRLF intact.
  '\r': '&#13;',
};

/** Escapes text content (and attribute values): `& < > " '`, CR, and characters XML cannot hold. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPES, (ch) => ENTITIES[ch] ?? '\uFFFD');
}

const PLAIN_PATH = /^[A-Za-z0-9._~@/-]*$/;

/**
 * Percent-encodes a decoded path for a `DAV:href`, segment by segment. Everything but the unreserved
 * characters (RFC 3986) and `@` is encoded: exactly the form vdirsyncer normalizes hrefs to (Python's
 * `quote(path, "/@")`), so it never sees one of our hrefs as different from itself.
 */
export function encodeHref(path: string): string {
  if (PLAIN_PATH.test(path)) return path;
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%40/g, '@'),
    )
    .join('/');
}

/**
 * The status line of a `DAV:status`, with the exact reason phrase (`HTTP/1.1 200 OK`): Thunderbird
 * compares the whole text.
 */
export function statusLine(status: number): string {
  let line = STATUS_LINES.get(status);
  if (line === undefined) {
    const reason = STATUS_CODES[status];
    if (!reason) throw new RangeError(`No reason phrase for HTTP status ${status}`);
    line = `HTTP/1.1 ${status} ${reason}`;
    STATUS_LINES.set(status, line);
  }
  return line;
}

const STATUS_LINES = new Map<number, string>();
