/**
 * Request bodies of the CardDAV adapter, read into typed requests. Each function takes the raw body
 * (bytes as received, or a string) with its limits, and either returns the request or throws a
 * `DavXmlError` whose `status` and `precondition` the adapter answers with.
 */
import { type ParseOptions, parseXmlBody } from './document.js';
import { readPropertyUpdate, readPropfind } from './parse-props.js';
import { readReport } from './parse-report.js';
import type { PropPatchRequest, PropSelection, ReportRequest } from './types.js';

export { defaultMaxMarkup, type ParseOptions } from './document.js';
export { DavXmlError, type DavXmlErrorReason } from './errors.js';
export { hrefToPath } from './parse-report.js';
export type * from './types.js';

type Body = string | Uint8Array | null | undefined;

/** A PROPFIND body: `prop`, `allprop` (with `include`) or `propname`; an empty body is allprop. */
export function parsePropfind(body: Body, options: ParseOptions): PropSelection {
  return readPropfind(parseXmlBody(body, options));
}

/** A REPORT body: addressbook-multiget, addressbook-query, sync-collection, or `unsupported`. */
export function parseReport(body: Body, options: ParseOptions): ReportRequest {
  return readReport(parseXmlBody(body, options), options.basePath);
}

/** A PROPPATCH body: its set and remove instructions, in order, each with its raw value. */
export function parseProppatch(body: Body, options: ParseOptions): PropPatchRequest {
  return { operations: readPropertyUpdate(parseXmlBody(body, options)) };
}
