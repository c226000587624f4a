import { DOMParser, type Element } from '@xmldom/xmldom';
import { DavXmlError } from './errors.js';
import type { QName } from './names.js';

/** Limits and context for reading one request body. */
export interface ParseOptions {
  /** The largest body accepted, in bytes (413 above). */
  maxBytes: number;
  /**
   * The most markup items accepted: tags (each `<`: start, end, empty-element tags, comments) and
   * attributes (each `=`, namespace declarations included). The DOM parser spends 25–50 µs on each;
   * the default, one per 40 bytes of `maxBytes` (at least 1 000), admits every real client's body,
   * whose items come with hrefs, and refuses floods of tiny elements or attributes before parsing.
   */
  maxMarkup?: number;
  /** The `charset` parameter of the request's Content-Type; wins over the XML declaration (RFC 7303). */
  charset?: string;
  /** The request path, against which relative hrefs are resolved (default `/`). */
  basePath?: string;
}

/** The default markup limit for a byte limit. */
export function defaultMaxMarkup(maxBytes: number): number {
  return Math.max(1_000, Math.ceil(maxBytes / 40));
}

// TextDecoder labels for the charsets a DAV client may declare; anything else is 415.
const CHARSETS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
};

function decoderLabel(charset: string): string {
  const label = CHARSETS[charset.trim().toLowerCase()];
  if (!label) throw new DavXmlError('unsupported-charset', 'Unsupported charset in the XML body');
  return label;
}

/** The charset the bytes announce: a byte-order mark, else the header, else the XML declaration. */
function charsetOf(bytes: Uint8Array, headerCharset: string | undefined): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (headerCharset) return decoderLabel(headerCharset);
  const prolog = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(prolog)?.[1];
  return declared ? decoderLabel(declared) : 'utf-8';
}

function decode(body: string | Uint8Array, options: ParseOptions): string {
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > options.maxBytes) throw new DavXmlError('too-large', 'Request body too large');
  if (typeof body === 'string') return body.replace(/^\uFEFF/, '');
  const label = charsetOf(body, options.charset);
  try {
    // ignoreBOM: false (the default) drops a leading byte-order mark.
    return new TextDecoder(label, { fatal: true }).decode(body);
  } catch {
    throw new DavXmlError('malformed', `The XML body is not valid ${label}`);
  }
}

/** Refuses what must never reach the parser: DTDs (entity bombs, external entities) and markup floods. */
function guard(text: string, options: ParseOptions): void {
  // A DOCTYPE or ENTITY declaration has no use in a DAV body; refusing it anywhere (even inside a
  // comment or CDATA section) is simpler than proving where it sits, and costs no real client.
  if (/<!(?:DOCTYPE|ENTITY)/i.test(text)) {
    throw new DavXmlError('forbidden-dtd', 'DTDs and entity declarations are not allowed in DAV bodies');
  }
  const maxMarkup = options.maxMarkup ?? defaultMaxMarkup(options.maxBytes);
  let markup = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code !== 0x3c && code !== 0x3d) continue; // '<' or '='
    markup += 1;
    if (markup > maxMarkup)
      throw new DavXmlError('too-large', 'Request body has too many XML elements or attributes');
  }
}

/**
 * Reads a request body into its root element, or `null` for an empty (or blank) body. Every way the
 * body can be unacceptable is a `DavXmlError`; nothing the XML parser throws escapes.
 */
export function parseXmlBody(
  body: string | Uint8Array | null | undefined,
  options: ParseOptions,
): Element | null {
  if (body === null || body === undefined) return null;
  const text = decode(body, options);
  if (text.trim() === '') return null;
  guard(text, options);
  let root: Element | null = null;
  try {
    const doc = new DOMParser({
      locator: false,
      // Warnings are recoverable oddities (an unquoted attribute); errors and fatal errors are not.
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
    if (doc.doctype === null) root = doc.documentElement;
  } catch {
    throw new DavXmlError('malformed', 'The request body is not well-formed XML');
  }
  if (!root) throw new DavXmlError('malformed', 'The request body is not well-formed XML');
  return root;
}

/** The element's namespaced name (`ns` is `''` when the element has no namespace). */
export function nameOf(el: Element): QName {
  return { ns: el.namespaceURI ?? '', name: el.localName ?? el.nodeName };
}

/** Whether the element is the given namespaced name. */
export function isNamed(el: Element, name: QName): boolean {
  return (el.namespaceURI ?? '') === name.ns && (el.localName ?? el.nodeName) === name.name;
}

/** The element children, in document order (text, comments and processing instructions skipped). */
export function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) out.push(node as Element);
  }
  return out;
}

/** The text of an element (CDATA included). */
export function textOf(el: Element): string {
  return el.textContent ?? '';
}

/**
 * An unqualified attribute, matched case-insensitively: XML attribute names are case-sensitive, but
 * vdirsyncer writes `Content-Type="text/vcard"` on `address-data`, and being strict helps no one.
 */
export function attributeOf(el: Element, name: string): string | undefined {
  const exact = el.getAttribute(name);
  if (exact !== null) return exact;
  const wanted = name.toLowerCase();
  for (let i = 0; i < el.attributes.length; i++) {
    const attr = el.attributes.item(i);
    if (attr && !attr.namespaceURI && (attr.localName ?? attr.name).toLowerCase() === wanted)
      return attr.value;
  }
  return undefined;
}
