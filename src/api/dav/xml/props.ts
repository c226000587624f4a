/** Values of the properties and error conditions the CardDAV adapter writes. */
import {
  CARDDAV,
  COLLATIONS,
  CS,
  DAV,
  NS_DAV,
  type QName,
  qname,
  VCARD_VERSIONS,
  type VCardVersion,
} from './names.js';
import { type DavProp, type DavResponse, el, hrefElement, type XmlElement, type XmlNode } from './write.js';

/** A property with a text value (escaped when written), e.g. `displayname`. */
export function textProp(name: QName, text: string): DavProp {
  return { name, value: [text] };
}

/** A property holding hrefs: `current-user-principal`, `addressbook-home-set`, `principal-URL`, `owner`. */
export function hrefProp(name: QName, ...paths: string[]): DavProp {
  return { name, value: paths.map(hrefElement) };
}

const RESOURCE_TYPES = {
  collection: DAV.collection,
  principal: DAV.principal,
  addressbook: CARDDAV.addressbook,
};

/** `resourcetype`: an address book is `collection` + `addressbook`; a card has none. */
export function resourceType(...types: (keyof typeof RESOURCE_TYPES)[]): DavProp {
  return { name: DAV.resourcetype, value: types.map((type) => el(RESOURCE_TYPES[type])) };
}

/** `supported-report-set` (RFC 3253 §3.1.5): DAVx5 uses sync-collection only when listed here. */
export function supportedReportSet(reports: readonly QName[]): DavProp {
  return {
    name: DAV.supportedReportSet,
    value: reports.map((report) => el(DAV.supportedReport, [el(DAV.report, [el(report)])])),
  };
}

/** `supported-address-data`: DAVx5 writes vCard 4.0 only when 4.0 is offered here. */
export function supportedAddressData(versions: readonly VCardVersion[] = VCARD_VERSIONS): DavProp {
  return {
    name: CARDDAV.supportedAddressData,
    value: versions.map((version) =>
      el(CARDDAV.addressDataType, [], { 'content-type': 'text/vcard', version }),
    ),
  };
}

/** `supported-collation-set` (RFC 6352 §8.3.1). */
export function supportedCollationSet(): DavProp {
  return {
    name: CARDDAV.supportedCollationSet,
    value: COLLATIONS.map((c) => el(CARDDAV.supportedCollation, [c])),
  };
}

/** `current-user-privilege-set` (RFC 3744 §5.4) from DAV: privilege names (`read`, `write`, `bind`…). */
export function currentUserPrivilegeSet(privileges: readonly string[]): DavProp {
  return {
    name: DAV.currentUserPrivilegeSet,
    value: privileges.map((privilege) => el(DAV.privilege, [el(qname(NS_DAV, privilege))])),
  };
}

/** `address-data`: the card's text, escaped (CR kept as `&#13;`, so CRLF survives the XML parser). */
export function addressData(card: string): DavProp {
  return textProp(CARDDAV.addressData, card);
}

/** `getetag`: the strong ETag, quotes included. */
export function getetag(etag: string): DavProp {
  return textProp(DAV.getetag, etag);
}

/** `getcontenttype` of a card: vdirsyncer skips a member whose type lacks "vcard". */
export function getcontenttype(contentType: string): DavProp {
  return textProp(DAV.getcontenttype, contentType);
}

/** CalendarServer's `getctag`: Apple clients read no card without it. */
export function getctag(ctag: string): DavProp {
  return textProp(CS.getctag, ctag);
}

/** `DAV:sync-token` as a property of the address book (RFC 6578 §4). */
export function syncTokenProp(token: string): DavProp {
  return textProp(DAV.syncToken, token);
}

/** CARDDAV `max-resource-size`, in bytes. */
export function maxResourceSize(bytes: number): DavProp {
  return textProp(CARDDAV.maxResourceSize, String(bytes));
}

/** Error conditions for `DAV:error` bodies and elements (RFC 4918 §16, RFC 6352, RFC 6578). */
export const conditions = {
  /** A PUT whose UID is already another card's: names that card (RFC 6352 §6.3.2.1). */
  noUidConflict: (path: string): XmlElement => el(CARDDAV.noUidConflict, [hrefElement(path)]),
  validSyncToken: el(DAV.validSyncToken),
  validAddressData: el(CARDDAV.validAddressData),
  maxResourceSize: el(CARDDAV.maxResourceSize),
  propfindFiniteDepth: el(DAV.propfindFiniteDepth),
  supportedReport: el(DAV.supportedReportCondition),
  supportedAddressData: el(CARDDAV.supportedAddressDataCondition),
  supportedCollation: el(CARDDAV.supportedCollation),
  supportedFilter: el(CARDDAV.supportedFilter),
  numberOfMatchesWithinLimits: el(DAV.numberOfMatchesWithinLimits),
  cannotModifyProtectedProperty: el(DAV.cannotModifyProtectedProperty),
} satisfies Record<string, XmlNode | ((path: string) => XmlNode)>;

/** A sync-collection member that is gone: its href with a 404 status and no propstat (RFC 6578 §3.5.2). */
export function removedResponse(path: string): DavResponse {
  return { href: path, status: 404 };
}

/**
 * The response that marks a truncated result (RFC 6578 §3.6, RFC 6352 §8.6.1): the collection's
 * href with `507 Insufficient Storage`; DAVx5 then asks again from the token sent with it.
 */
export function truncatedResponse(collectionPath: string): DavResponse {
  return { href: collectionPath, status: 507, error: conditions.numberOfMatchesWithinLimits };
}
