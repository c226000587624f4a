/**
 * Request bodies in the shapes real clients send them (fixtures copied from what iOS/macOS, DAVx5,
 * Thunderbird, CardBook, Evolution, vdirsyncer, tsdav and Nextcloud put on the wire), read into
 * typed requests. Each client spells namespaces its own way: prefixes, default namespaces,
 * declarations on every element; the result must not depend on it.
 */
import { describe, expect, it } from 'vitest';
import {
  CARDDAV,
  CS,
  DAV,
  NS_CALENDARSERVER,
  NS_CARDDAV,
  NS_DAV,
  qname,
} from '../../../src/api/dav/xml/names.js';
import { parsePropfind, parseProppatch, parseReport } from '../../../src/api/dav/xml/parse.js';
import { fixture, LIMITS } from './fixtures.js';

const BOOK = '/dav/addressbooks/alice/contacts/';
const options = { ...LIMITS, basePath: BOOK };

describe('PROPFIND bodies of real clients', () => {
  it('macOS/iOS principal discovery: a prefix per namespace, declared on each element', () => {
    expect(parsePropfind(fixture('ios-propfind-principal.xml'), options)).toEqual({
      kind: 'prop',
      props: [
        CARDDAV.addressbookHomeSet,
        qname(NS_CARDDAV, 'directory-gateway'),
        DAV.displayname,
        qname(NS_CALENDARSERVER, 'email-address-set'),
        qname(NS_DAV, 'principal-collection-set'),
        DAV.principalURL,
        qname(NS_DAV, 'resource-id'),
        DAV.supportedReportSet,
      ],
    });
  });

  it('iOS address-book home: sixteen properties in five namespaces', () => {
    const request = parsePropfind(fixture('ios-propfind-home.xml'), options);
    expect(request.kind).toBe('prop');
    if (request.kind !== 'prop') return;
    expect(request.props).toHaveLength(16);
    expect(request.props).toContainEqual(qname('http://me.com/_namespace/', 'bulk-requests'));
    expect(request.props).toContainEqual(qname(NS_CALENDARSERVER, 'me-card'));
    expect(request.props).toContainEqual(CARDDAV.maxResourceSize);
    expect(request.props).toContainEqual(DAV.syncToken);
  });

  it('DAVx5: default namespace DAV:, generated n0 prefix for getctag', () => {
    expect(parsePropfind(fixture('davx5-propfind-capabilities.xml'), options)).toEqual({
      kind: 'prop',
      props: [CARDDAV.supportedAddressData, CS.getctag, DAV.syncToken],
    });
    expect(parsePropfind(fixture('davx5-propfind-members.xml'), options)).toEqual({
      kind: 'prop',
      props: [DAV.resourcetype, DAV.getetag],
    });
  });

  it('Thunderbird: default namespace DAV: next to d, card and cs prefixes; no XML declaration', () => {
    expect(parsePropfind(fixture('thunderbird-propfind-list.xml'), options)).toEqual({
      kind: 'prop',
      props: [DAV.resourcetype, DAV.getetag, CS.getctag],
    });
    expect(parsePropfind(fixture('thunderbird-propfind-sync-token.xml'), options)).toEqual({
      kind: 'prop',
      props: [DAV.displayname, CS.getctag, DAV.syncToken],
    });
  });

  it('CardBook, Evolution, vdirsyncer and tsdav', () => {
    expect(parsePropfind(fixture('cardbook-propfind.xml'), options)).toEqual({
      kind: 'prop',
      props: [DAV.getcontenttype, DAV.getetag],
    });
    expect(parsePropfind(fixture('evolution-propfind-capabilities.xml'), options)).toEqual({
      kind: 'prop',
      props: [CS.getctag, CARDDAV.supportedAddressData, DAV.supportedReportSet],
    });
    expect(parsePropfind(fixture('vdirsyncer-propfind-list.xml'), options)).toEqual({
      kind: 'prop',
      props: [DAV.resourcetype, DAV.getcontenttype, DAV.getetag],
    });
    expect(parsePropfind(fixture('vdirsyncer-propfind-displayname.xml'), options)).toEqual({
      kind: 'prop',
      props: [DAV.displayname],
    });
    expect(parsePropfind(fixture('tsdav-propfind-addressbooks.xml'), options)).toEqual({
      kind: 'prop',
      props: [DAV.displayname, CS.getctag, DAV.resourcetype, DAV.syncToken],
    });
  });
});

describe('REPORT bodies of real clients', () => {
  it('iOS multiget: DAV: declared on each prop and href element', () => {
    expect(parseReport(fixture('ios-multiget.xml'), options)).toEqual({
      kind: 'addressbook-multiget',
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData] },
      addressData: { version: null, props: 'all' },
      hrefs: [
        {
          href: `${BOOK}E7213AAA-7206-4B97-926A-CDFECBD91C26-ABSPlugin.vcf`,
          path: `${BOOK}E7213AAA-7206-4B97-926A-CDFECBD91C26-ABSPlugin.vcf`,
        },
        {
          href: `${BOOK}0C1B1E6E-5C5B-4E0A-9D2C-2F0C6B1B7A11-ABSPlugin.vcf`,
          path: `${BOOK}0C1B1E6E-5C5B-4E0A-9D2C-2F0C6B1B7A11-ABSPlugin.vcf`,
        },
      ],
    });
  });

  it('iOS sync-collection with a token it made up itself', () => {
    expect(parseReport(fixture('ios-sync-collection.xml'), options)).toEqual({
      kind: 'sync-collection',
      syncToken: 'b905a5fd-ce23-4190-9be3-236969d071a8',
      syncLevel: '1',
      limit: null,
      props: { kind: 'prop', props: [DAV.getetag] },
      addressData: null,
    });
  });

  it('DAVx5 multiget asking for vCard 4.0, with percent-encoded hrefs decoded', () => {
    expect(parseReport(fixture('davx5-multiget-v4.xml'), options)).toEqual({
      kind: 'addressbook-multiget',
      props: { kind: 'prop', props: [DAV.getcontenttype, DAV.getetag, CARDDAV.addressData] },
      addressData: { version: '4.0', props: 'all' },
      hrefs: [
        {
          href: `${BOOK}3f1c2b9e-8a1d-4f7e-b0c2-5d6e7f8a9b0c.vcf`,
          path: `${BOOK}3f1c2b9e-8a1d-4f7e-b0c2-5d6e7f8a9b0c.vcf`,
        },
        { href: `${BOOK}Ren%C3%A9%20Magritte.vcf`, path: `${BOOK}René Magritte.vcf` },
      ],
    });
  });

  it('DAVx5 sync-collection with a limit, and its addressbook-query with an empty filter', () => {
    expect(parseReport(fixture('davx5-sync-collection-limit.xml'), options)).toEqual({
      kind: 'sync-collection',
      syncToken: 'http://contacts-api.invalid/ns/sync/1.42.k5b2',
      syncLevel: '1',
      limit: 100,
      props: { kind: 'prop', props: [DAV.getcontenttype, DAV.getetag] },
      addressData: null,
    });
    expect(parseReport(fixture('davx5-addressbook-query.xml'), options)).toEqual({
      kind: 'addressbook-query',
      props: { kind: 'prop', props: [DAV.getetag] },
      addressData: null,
      filter: { test: 'anyof', propFilters: [] },
      limit: null,
    });
  });

  it('Thunderbird multiget and sync-collection (escaped token text)', () => {
    expect(parseReport(fixture('thunderbird-multiget.xml'), options)).toMatchObject({
      kind: 'addressbook-multiget',
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData] },
      addressData: { version: null, props: 'all' },
      hrefs: [
        { path: `${BOOK}4b1f0d52-0c7e-4a8e-9c1d-7f6a5b4c3d2e.vcf` },
        { href: `${BOOK}Tom%20%26%20Jerry.vcf`, path: `${BOOK}Tom & Jerry.vcf` },
      ],
    });
    expect(parseReport(fixture('thunderbird-sync-collection.xml'), options)).toEqual({
      kind: 'sync-collection',
      syncToken: 'http://contacts-api.invalid/ns/sync/1.7.Qx&z',
      syncLevel: '1',
      limit: null,
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData] },
      addressData: { version: null, props: 'all' },
    });
  });

  it('CardBook multiget: single-quoted content-type, one href a full URL', () => {
    expect(parseReport(fixture('cardbook-multiget.xml'), options)).toMatchObject({
      kind: 'addressbook-multiget',
      addressData: { version: null, props: 'all' },
      hrefs: [
        { path: `${BOOK}a-b-c-d.vcf` },
        { href: `https://contacts.example.com${BOOK}e-f-g-h.vcf`, path: `${BOOK}e-f-g-h.vcf` },
      ],
    });
  });

  it('Evolution: CardDAV as the default namespace, so CARDDAV:prop sits inside DAV:prop', () => {
    expect(parseReport(fixture('evolution-multiget.xml'), options)).toMatchObject({
      kind: 'addressbook-multiget',
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData] },
      hrefs: [{ path: `${BOOK}pas-id-5F3A2B1C00000001.vcf` }],
    });
    expect(parseReport(fixture('evolution-query-existing.xml'), options)).toEqual({
      kind: 'addressbook-query',
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData] },
      addressData: {
        version: null,
        props: [
          { name: 'VERSION', novalue: false },
          { name: 'UID', novalue: false },
        ],
      },
      filter: { test: 'anyof', propFilters: [] },
      limit: null,
    });
    expect(parseReport(fixture('evolution-sync-collection-initial.xml'), options)).toMatchObject({
      kind: 'sync-collection',
      syncToken: '',
    });
  });

  it('vdirsyncer multiget with its capitalised Content-Type attribute', () => {
    expect(parseReport(fixture('vdirsyncer-multiget-v4.xml'), options)).toMatchObject({
      kind: 'addressbook-multiget',
      addressData: { version: '4.0', props: 'all' },
      hrefs: [{ path: `${BOOK}abc@example.com.vcf` }, { path: `${BOOK}9b2f.vcf` }],
    });
  });

  it('tsdav: query with a bare FN prop-filter, sync-collection with no token and sync-level first', () => {
    expect(parseReport(fixture('tsdav-addressbook-query.xml'), options)).toEqual({
      kind: 'addressbook-query',
      props: { kind: 'prop', props: [DAV.getetag] },
      addressData: null,
      filter: {
        test: 'anyof',
        propFilters: [{ name: 'FN', test: 'anyof', isNotDefined: false, textMatches: [], paramFilters: [] }],
      },
      limit: null,
    });
    expect(parseReport(fixture('tsdav-sync-collection.xml'), options)).toEqual({
      kind: 'sync-collection',
      syncToken: '',
      syncLevel: '1',
      limit: null,
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData, DAV.displayname] },
      addressData: { version: null, props: 'all' },
    });
  });

  it('Nextcloud Contacts: stray text and a comment inside the query, no filter', () => {
    expect(parseReport(fixture('nextcloud-contacts-query.xml'), options)).toEqual({
      kind: 'addressbook-query',
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData] },
      addressData: { version: null, props: 'all' },
      filter: { test: 'anyof', propFilters: [] },
      limit: null,
    });
  });

  it('the RFC 6352 query: allof, collations, match types, negation, param-filters, limit', () => {
    expect(parseReport(fixture('rfc6352-query-filters.xml'), options)).toEqual({
      kind: 'addressbook-query',
      props: { kind: 'prop', props: [DAV.getetag, CARDDAV.addressData] },
      addressData: {
        version: null,
        props: [
          { name: 'VERSION', novalue: false },
          { name: 'UID', novalue: false },
          { name: 'NICKNAME', novalue: false },
          { name: 'EMAIL', novalue: false },
          { name: 'FN', novalue: false },
          { name: 'PHOTO', novalue: true },
        ],
      },
      filter: {
        test: 'allof',
        propFilters: [
          {
            name: 'FN',
            test: 'anyof',
            isNotDefined: false,
            textMatches: [
              { value: 'daboo', collation: 'i;unicode-casemap', matchType: 'contains', negate: false },
            ],
            paramFilters: [],
          },
          {
            name: 'EMAIL',
            test: 'allof',
            isNotDefined: false,
            textMatches: [
              { value: '@example.com', collation: 'i;ascii-casemap', matchType: 'ends-with', negate: false },
              { value: 'noreply', collation: 'i;unicode-casemap', matchType: 'starts-with', negate: true },
            ],
            paramFilters: [
              {
                name: 'TYPE',
                isNotDefined: false,
                textMatch: {
                  value: 'work',
                  collation: 'i;unicode-casemap',
                  matchType: 'equals',
                  negate: false,
                },
              },
            ],
          },
          { name: 'TEL', test: 'anyof', isNotDefined: true, textMatches: [], paramFilters: [] },
          {
            name: 'N',
            test: 'anyof',
            isNotDefined: false,
            textMatches: [],
            paramFilters: [{ name: 'X-PHONETIC', isNotDefined: true, textMatch: null }],
          },
        ],
      },
      limit: 10,
    });
  });
});

describe('PROPPATCH bodies of real clients', () => {
  it('vdirsyncer sets the display name (an escaped ampersand in it)', () => {
    expect(parseProppatch(fixture('vdirsyncer-proppatch-displayname.xml'), options)).toEqual({
      operations: [
        { action: 'set', name: DAV.displayname, text: 'Work & Friends', xml: 'Work &amp; Friends' },
      ],
    });
  });

  it('macOS sets its me-card: a structured value, kept as XML', () => {
    const { operations } = parseProppatch(fixture('ios-proppatch-me-card.xml'), options);
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ action: 'set', name: qname(NS_CALENDARSERVER, 'me-card') });
    expect(operations[0]?.text).toBe(`${BOOK}E7213AAA-7206-4B97-926A-CDFECBD91C26-ABSPlugin.vcf`);
    expect(operations[0]?.xml).toMatch(
      /^<A:href xmlns:A="DAV:">\/dav\/addressbooks\/alice\/contacts\/E7213AAA/,
    );
  });
});
