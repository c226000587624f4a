/** The typed requests the DAV parsers produce: what a client asked for, independent of XML. */
import type { Collation, QName, VCardVersion } from './names.js';

/**
 * What a PROPFIND (or a REPORT's property selection) asks for (RFC 4918 §9.1). `include` lists the
 * extra properties named next to `allprop`.
 */
export type PropSelection =
  | { kind: 'prop'; props: QName[] }
  | { kind: 'allprop'; include: QName[] }
  | { kind: 'propname' };

/** One `CARDDAV:prop` inside `address-data`: a vCard property the client wants (RFC 6352 §10.4.2). */
export interface AddressDataProp {
  /** Upper-cased vCard property name (`EMAIL`). */
  name: string;
  /** `novalue="yes"`: the property without its value. */
  novalue: boolean;
}

/** The `address-data` a REPORT asks for. */
export interface AddressDataRequest {
  /** The version asked for (attribute `version` or a `version` media-type parameter), null when none. */
  version: VCardVersion | null;
  /** `'all'` for the whole card (no `CARDDAV:prop`, or `CARDDAV:allprop`), else the properties named. */
  props: 'all' | AddressDataProp[];
}

/** A `DAV:href` of a request: as the client wrote it, and reduced to a decoded path. */
export interface RequestHref {
  /** The text of the element, trimmed. */
  href: string;
  /**
   * The percent-decoded path (`/dav/addressbooks/alice/contacts/a b.vcf`), resolved against the
   * request path and with dot segments removed; null when it cannot be read as a URL path.
   */
  path: string | null;
}

export interface TextMatch {
  value: string;
  collation: Collation;
  matchType: 'equals' | 'contains' | 'starts-with' | 'ends-with';
  /** `negate-condition="yes"`. */
  negate: boolean;
}

export interface ParamFilter {
  /** Upper-cased parameter name (`TYPE`). */
  name: string;
  isNotDefined: boolean;
  textMatch: TextMatch | null;
}

/**
 * A `prop-filter` (RFC 6352 §10.5.1). With `isNotDefined` the property must be absent; with no
 * text-match and no param-filter it must merely be present.
 */
export interface PropFilter {
  /** Upper-cased vCard property name (`FN`, `EMAIL`). */
  name: string;
  test: 'anyof' | 'allof';
  isNotDefined: boolean;
  textMatches: TextMatch[];
  paramFilters: ParamFilter[];
}

export interface CardFilter {
  test: 'anyof' | 'allof';
  /** Empty: every card matches (KDE, Evolution and Nextcloud send queries without a filter). */
  propFilters: PropFilter[];
}

export interface MultigetReport {
  kind: 'addressbook-multiget';
  props: PropSelection;
  /** Set when `address-data` is among the properties asked for. */
  addressData: AddressDataRequest | null;
  hrefs: RequestHref[];
}

export interface QueryReport {
  kind: 'addressbook-query';
  props: PropSelection;
  addressData: AddressDataRequest | null;
  filter: CardFilter;
  /** `limit/nresults`, null when absent. */
  limit: number | null;
}

export interface SyncCollectionReport {
  kind: 'sync-collection';
  /** The token as sent, trimmed; `''` asks for an initial sync (RFC 6578 §3.2). */
  syncToken: string;
  syncLevel: '1' | 'infinite';
  limit: number | null;
  props: PropSelection;
  addressData: AddressDataRequest | null;
}

/** A REPORT this layer does not know (expand-property, principal-property-search, calendar ones…). */
export interface UnsupportedReport {
  kind: 'unsupported';
  report: QName;
}

export type ReportRequest = MultigetReport | QueryReport | SyncCollectionReport | UnsupportedReport;

/** One instruction of a PROPPATCH, in document order (RFC 4918 §9.2). */
export interface PropPatchOperation {
  action: 'set' | 'remove';
  name: QName;
  /** The property's text (for `displayname`, the name wanted); `''` for `remove`. */
  text: string;
  /** The property's content as XML, for structured values (Apple's `me-card` holds an href). */
  xml: string;
}

export interface PropPatchRequest {
  operations: PropPatchOperation[];
}
