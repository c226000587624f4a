/**
 * The multistatus writer (RFC 4918 §13, RFC 6578 §3). It writes strings, never a DOM: a response is
 * serialized on its own, so a sync of 100 000 cards streams in chunks with memory for one chunk.
 */
import { encodeHref, escapeXml, statusLine } from './escape.js';
import { DAV, NS_CALENDARSERVER, NS_CARDDAV, NS_DAV, type QName } from './names.js';

/** A node of a property value: text (escaped on output) or an element. */
export type XmlNode = string | XmlElement;

export interface XmlElement {
  readonly name: QName;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly children?: readonly XmlNode[];
}

/** Builds an element. */
export function el(
  name: QName,
  children: readonly XmlNode[] = [],
  attrs?: Record<string, string>,
): XmlElement {
  return attrs ? { name, children, attrs } : { name, children };
}

/** A property and its value (no children: an empty element, as in a `propname` answer). */
export interface DavProp {
  readonly name: QName;
  readonly value?: readonly XmlNode[];
}

/** One `propstat`: properties sharing a status, with an optional `DAV:error` condition. */
export interface PropStat {
  readonly status: number;
  readonly props: readonly (DavProp | QName)[];
  readonly error?: XmlNode;
}

/**
 * One `response`. `href` is a decoded path, percent-encoded here. A response has `propstats`, or a
 * `status` alone (a sync-collection deletion: 404; a truncation: 507 on the collection).
 */
export interface DavResponse {
  readonly href: string;
  readonly propstats?: readonly PropStat[];
  readonly status?: number;
  readonly error?: XmlNode;
}

// The prefixes declared once on the root; any other namespace is declared where it is used.
const PREFIXES: ReadonlyMap<string, string> = new Map([
  [NS_DAV, 'd'],
  [NS_CARDDAV, 'card'],
  [NS_CALENDARSERVER, 'cs'],
]);
const ROOT_NAMESPACES = [...PREFIXES].map(([ns, prefix]) => ` xmlns:${prefix}="${escapeXml(ns)}"`).join('');

/** The tag name of a QName, and the declaration it needs when its namespace is not a root one. */
function tagOf(name: QName): { tag: string; declaration: string } {
  const prefix = PREFIXES.get(name.ns);
  if (prefix) return { tag: `${prefix}:${name.name}`, declaration: '' };
  // The root declares no default namespace, so an unprefixed name is in no namespace already.
  if (name.ns === '') return { tag: name.name, declaration: '' };
  return { tag: `x:${name.name}`, declaration: ` xmlns:x="${escapeXml(name.ns)}"` };
}

function writeNode(node: XmlNode, out: string[]): void {
  if (typeof node === 'string') {
    out.push(escapeXml(node));
    return;
  }
  const { tag, declaration } = tagOf(node.name);
  let attrs = declaration;
  if (node.attrs)
    for (const [key, value] of Object.entries(node.attrs)) attrs += ` ${key}="${escapeXml(value)}"`;
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push(`<${tag}${attrs}/>`);
    return;
  }
  out.push(`<${tag}${attrs}>`);
  for (const child of children) writeNode(child, out);
  out.push(`</${tag}>`);
}

/** Serializes one node in the root's namespace context (prefixes `d`, `card`, `cs`). */
export function xmlOf(node: XmlNode): string {
  const out: string[] = [];
  writeNode(node, out);
  return out.join('');
}

/** A `DAV:href` element for a decoded path. */
export function hrefElement(path: string): XmlElement {
  return el(DAV.href, [encodeHref(path)]);
}

function propElement(prop: DavProp | QName): XmlElement {
  return typeof prop.name === 'string'
    ? el(prop as QName)
    : el((prop as DavProp).name, (prop as DavProp).value ?? []);
}

/** Serializes one `response` element (valid inside the multistatus root written here). */
export function responseXml(response: DavResponse): string {
  const children: XmlNode[] = [hrefElement(response.href)];
  if (response.status !== undefined) {
    children.push(el(DAV.status, [statusLine(response.status)]));
  } else {
    // A changed member in sync-collection must carry a propstat (RFC 6578 §3.5.1), even with no
    // property asked for: an empty `prop` with 200 then.
    const propstats = response.propstats?.length ? response.propstats : [{ status: 200, props: [] }];
    for (const propstat of propstats) {
      const parts: XmlNode[] = [
        el(DAV.prop, propstat.props.map(propElement)),
        el(DAV.status, [statusLine(propstat.status)]),
      ];
      if (propstat.error !== undefined) parts.push(el(DAV.error, [propstat.error]));
      children.push(el(DAV.propstat, parts));
    }
  }
  if (response.error !== undefined) children.push(el(DAV.error, [response.error]));
  return xmlOf(el(DAV.response, children));
}

/**
 * The usual PROPFIND/REPORT response: properties found (200) and not found (404), in two propstats,
 * leaving out an empty one.
 */
export function propResponse(
  href: string,
  found: readonly DavProp[],
  missing: readonly QName[] = [],
): DavResponse {
  const propstats: PropStat[] = [];
  if (found.length > 0 || missing.length === 0) propstats.push({ status: 200, props: found });
  if (missing.length > 0) propstats.push({ status: 404, props: missing });
  return { href, propstats };
}

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/** The start of a multistatus document: XML declaration and the root's opening tag. */
export function multistatusOpen(): string {
  return `${DECLARATION}<d:multistatus${ROOT_NAMESPACES}>`;
}

/** The end of a multistatus document, with the sync-collection's new token when there is one. */
export function multistatusClose(syncToken?: string): string {
  const token = syncToken === undefined ? '' : xmlOf(el(DAV.syncToken, [syncToken]));
  return `${token}</d:multistatus>\n`;
}

/** A whole multistatus document, for answers small enough to build at once (PROPFIND, PROPPATCH). */
export function multistatus(responses: Iterable<DavResponse>, syncToken?: string): string {
  let body = multistatusOpen();
  for (const response of responses) body += responseXml(response);
  return body + multistatusClose(syncToken);
}

export interface StreamOptions {
  /**
   * The token written after the last response: a function is called only once every response has
   * been written, so a truncated sync can name exactly what it sent.
   */
  syncToken?: string | (() => string | Promise<string>);
  /** Responses are gathered into chunks of about this many characters (64 KiB by default). */
  chunkSize?: number;
}

/**
 * Streams a multistatus document: yields string chunks as responses arrive, for `Readable.from`. The
 * memory held is one chunk, whatever the number of responses.
 */
export async function* streamMultistatus(
  responses: Iterable<DavResponse> | AsyncIterable<DavResponse>,
  options: StreamOptions = {},
): AsyncGenerator<string> {
  const chunkSize = options.chunkSize ?? 65_536;
  let chunk = multistatusOpen();
  for await (const response of responses) {
    chunk += responseXml(response);
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = '';
    }
  }
  const token = typeof options.syncToken === 'function' ? await options.syncToken() : options.syncToken;
  yield chunk + multistatusClose(token);
}

/** A `DAV:error` document (RFC 4918 §16) for a failed precondition, e.g. `valid-sync-token`. */
export function errorDocument(condition: XmlNode | QName): string {
  const node = typeof condition !== 'string' && 'ns' in condition ? el(condition) : condition;
  return `${DECLARATION}<d:error${ROOT_NAMESPACES}>${xmlOf(node)}</d:error>\n`;
}
