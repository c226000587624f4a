/** REPORT bodies: addressbook-multiget, addressbook-query and sync-collection. */
import type { Element } from '@xmldom/xmldom';
import { childElements, isNamed, nameOf, textOf } from './document.js';
import { DavXmlError } from './errors.js';
import { CARDDAV, DAV } from './names.js';
import { readFilter, readLimit } from './parse-filter.js';
import { addressDataIn, selectionIn } from './parse-props.js';
import type { PropSelection, ReportRequest, RequestHref, SyncCollectionReport } from './types.js';

// Only the path of a resolved href matters; the origin is a placeholder that never leaves here.
const PLACEHOLDER_ORIGIN = 'http://dav.invalid';

/**
 * An href reduced to a decoded path. Absolute URLs keep only their path (the server cannot know its
 * public origin behind a proxy); relative ones are resolved against the request path. Dot segments,
 * encoded or not, are resolved by the URL parser first, so `..%2F` can never climb out afterwards:
 * a segment that decodes to something holding `/` or NUL has no resource and gives null.
 */
export function hrefToPath(href: string, basePath: string | URL = '/'): string | null {
  let url: URL;
  try {
    url = new URL(href, basePath instanceof URL ? basePath : new URL(basePath, PLACEHOLDER_ORIGIN));
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const segments: string[] = [];
  for (const segment of url.pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (decoded.includes('/') || decoded.includes('\0')) return null;
    segments.push(decoded);
  }
  return segments.join('/');
}

function hrefsIn(report: Element, basePath = '/'): RequestHref[] {
  // The request path is resolved once; one the URL parser rejects resolves hrefs from the root.
  const base = new URL(URL.canParse(basePath, PLACEHOLDER_ORIGIN) ? basePath : '/', PLACEHOLDER_ORIGIN);
  return childElements(report)
    .filter((child) => isNamed(child, DAV.href))
    .map((el) => {
      const href = textOf(el).trim();
      return { href, path: href === '' ? null : hrefToPath(href, base) };
    });
}

const ALLPROP: PropSelection = { kind: 'allprop', include: [] };

function readSyncCollection(root: Element): SyncCollectionReport {
  const token = childElements(root).find((child) => isNamed(child, DAV.syncToken));
  const levelEl = childElements(root).find((child) => isNamed(child, DAV.syncLevel));
  const level = levelEl ? textOf(levelEl).trim().toLowerCase() : '1';
  // RFC 6578 says "infinite"; sabre/dav reads "infinity", so both are understood.
  if (level !== '1' && level !== 'infinite' && level !== 'infinity') {
    throw new DavXmlError('invalid', 'sync-level must be 1 or infinite');
  }
  return {
    kind: 'sync-collection',
    // RFC 6578 requires the element; tsdav leaves it out on a first sync, which means the same as empty.
    syncToken: token ? textOf(token).trim() : '',
    syncLevel: level === '1' ? '1' : 'infinite',
    limit: readLimit(root),
    props: selectionIn(root) ?? { kind: 'prop', props: [] },
    addressData: addressDataIn(root),
  };
}

/** Reads a REPORT body into the report asked for; a report this layer does not know is `unsupported`. */
export function readReport(root: Element | null, basePath: string | undefined): ReportRequest {
  if (root === null) throw new DavXmlError('invalid', 'A REPORT needs a body');
  if (isNamed(root, CARDDAV.addressbookMultiget)) {
    return {
      kind: 'addressbook-multiget',
      props: selectionIn(root) ?? ALLPROP,
      addressData: addressDataIn(root),
      hrefs: hrefsIn(root, basePath),
    };
  }
  if (isNamed(root, CARDDAV.addressbookQuery)) {
    return {
      kind: 'addressbook-query',
      props: selectionIn(root) ?? ALLPROP,
      addressData: addressDataIn(root),
      filter: readFilter(root),
      limit: readLimit(root),
    };
  }
  if (isNamed(root, DAV.syncCollection)) return readSyncCollection(root);
  return { kind: 'unsupported', report: nameOf(root) };
}
