/**
 * XML names of the WebDAV (RFC 4918), CardDAV (RFC 6352) and sync (RFC 6578) vocabulary. A name is
 * always its namespace plus its local name: `DAV:prop` and `CARDDAV:prop` are different elements
 * (the second sits inside `address-data`), so nothing here ever compares local names alone.
 */

export const NS_DAV = 'DAV:';
export const NS_CARDDAV = 'urn:ietf:params:xml:ns:carddav';
/** Apple's CalendarServer namespace: `getctag` lives there, and iOS/macOS need it. */
export const NS_CALENDARSERVER = 'http://calendarserver.org/ns/';

/** A namespaced XML name. `ns` is `''` for an element in no namespace. */
export interface QName {
  readonly ns: string;
  readonly name: string;
}

/** Builds a QName. */
export function qname(ns: string, name: string): QName {
  return { ns, name };
}

/** The Clark notation `{ns}name`: one string per QName, for maps, sets and messages. */
export function clark(name: QName): string {
  return `{${name.ns}}${name.name}`;
}

/** Whether two QNames are the same name (namespace and local name). */
export function sameName(a: QName, b: QName): boolean {
  return a.ns === b.ns && a.name === b.name;
}

const dav = (name: string) => qname(NS_DAV, name);
const card = (name: string) => qname(NS_CARDDAV, name);

/** The elements and properties the CardDAV adapter reads or writes. */
export const DAV = {
  multistatus: dav('multistatus'),
  response: dav('response'),
  href: dav('href'),
  propstat: dav('propstat'),
  prop: dav('prop'),
  status: dav('status'),
  error: dav('error'),
  responsedescription: dav('responsedescription'),
  propfind: dav('propfind'),
  allprop: dav('allprop'),
  propname: dav('propname'),
  include: dav('include'),
  propertyupdate: dav('propertyupdate'),
  set: dav('set'),
  remove: dav('remove'),
  syncCollection: dav('sync-collection'),
  syncToken: dav('sync-token'),
  syncLevel: dav('sync-level'),
  limit: dav('limit'),
  nresults: dav('nresults'),
  // properties
  resourcetype: dav('resourcetype'),
  collection: dav('collection'),
  principal: dav('principal'),
  displayname: dav('displayname'),
  getetag: dav('getetag'),
  getcontenttype: dav('getcontenttype'),
  getcontentlength: dav('getcontentlength'),
  getlastmodified: dav('getlastmodified'),
  currentUserPrincipal: dav('current-user-principal'),
  principalURL: dav('principal-URL'),
  owner: dav('owner'),
  supportedReportSet: dav('supported-report-set'),
  supportedReport: dav('supported-report'),
  report: dav('report'),
  currentUserPrivilegeSet: dav('current-user-privilege-set'),
  privilege: dav('privilege'),
  // error conditions (RFC 4918 §16, RFC 6578 §3.8, RFC 3253 §3.6)
  validSyncToken: dav('valid-sync-token'),
  propfindFiniteDepth: dav('propfind-finite-depth'),
  numberOfMatchesWithinLimits: dav('number-of-matches-within-limits'),
  cannotModifyProtectedProperty: dav('cannot-modify-protected-property'),
  supportedReportCondition: dav('supported-report'),
} as const;

export const CARDDAV = {
  addressbook: card('addressbook'),
  addressbookHomeSet: card('addressbook-home-set'),
  addressbookDescription: card('addressbook-description'),
  addressbookMultiget: card('addressbook-multiget'),
  addressbookQuery: card('addressbook-query'),
  addressData: card('address-data'),
  addressDataType: card('address-data-type'),
  supportedAddressData: card('supported-address-data'),
  supportedCollationSet: card('supported-collation-set'),
  supportedCollation: card('supported-collation'),
  maxResourceSize: card('max-resource-size'),
  allprop: card('allprop'),
  prop: card('prop'),
  filter: card('filter'),
  propFilter: card('prop-filter'),
  paramFilter: card('param-filter'),
  textMatch: card('text-match'),
  isNotDefined: card('is-not-defined'),
  limit: card('limit'),
  nresults: card('nresults'),
  // error conditions (RFC 6352 §6.3.2.1, §8.6)
  noUidConflict: card('no-uid-conflict'),
  validAddressData: card('valid-address-data'),
  supportedAddressDataCondition: card('supported-address-data'),
  supportedFilter: card('supported-filter'),
} as const;

export const CS = {
  getctag: qname(NS_CALENDARSERVER, 'getctag'),
} as const;

/** vCard versions served (RFC 6352 `supported-address-data`): 3.0 is the default, Apple reads no other. */
export const VCARD_VERSIONS = ['3.0', '4.0'] as const;
export type VCardVersion = (typeof VCARD_VERSIONS)[number];

/** Collations a `text-match` may name: the two RFC 6352 requires, and the exact `i;octet`. */
export const COLLATIONS = ['i;unicode-casemap', 'i;ascii-casemap', 'i;octet'] as const;
export type Collation = (typeof COLLATIONS)[number];
