/** The rules of each request shape: defaults, leniencies, namespaces, hrefs, refusals with a status. */
import { describe, expect, it } from 'vitest';
import { CARDDAV, DAV, NS_CARDDAV, NS_DAV, qname } from '../../../src/api/dav/xml/names.js';
import {
  DavXmlError,
  hrefToPath,
  parsePropfind,
  parseProppatch,
  parseReport,
} from '../../../src/api/dav/xml/parse.js';
import { LIMITS } from './fixtures.js';

const D = 'xmlns:D="DAV:"';
const C = 'xmlns:C="urn:ietf:params:xml:ns:carddav"';

function refusal(run: () => unknown): DavXmlError {
  try {
    run();
  } catch (error) {
    if (error instanceof DavXmlError) return error;
    throw error;
  }
  throw new Error('the body was accepted');
}

const multiget = (addressData: string, hrefs = '<D:href>/a.vcf</D:href>') =>
  `<C:addressbook-multiget ${D} ${C}><D:prop><D:getetag/>${addressData}</D:prop>${hrefs}</C:addressbook-multiget>`;
const query = (filter: string) =>
  `<C:addressbook-query ${D} ${C}><D:prop><D:getetag/></D:prop>${filter}</C:addressbook-query>`;
const sync = (inner: string) =>
  `<D:sync-collection ${D}>${inner}<D:prop><D:getetag/></D:prop></D:sync-collection>`;

describe('PROPFIND', () => {
  it('an empty, blank or childless body is allprop (RFC 4918 §9.1)', () => {
    const allprop = { kind: 'allprop', include: [] };
    expect(parsePropfind(null, LIMITS)).toEqual(allprop);
    expect(parsePropfind('', LIMITS)).toEqual(allprop);
    expect(parsePropfind(Buffer.alloc(0), LIMITS)).toEqual(allprop);
    expect(parsePropfind(' \n', LIMITS)).toEqual(allprop);
    expect(parsePropfind(`<D:propfind ${D}/>`, LIMITS)).toEqual(allprop);
  });

  it('propname, and allprop with include', () => {
    expect(parsePropfind(`<D:propfind ${D}><D:propname/></D:propfind>`, LIMITS)).toEqual({
      kind: 'propname',
    });
    const body = `<D:propfind ${D} ${C}><D:allprop/><D:include><C:addressbook-home-set/><D:sync-token/></D:include></D:propfind>`;
    expect(parsePropfind(body, LIMITS)).toEqual({
      kind: 'allprop',
      include: [CARDDAV.addressbookHomeSet, DAV.syncToken],
    });
  });

  it('names a property once, and keeps DAV: and CARDDAV: names with one local name apart', () => {
    const body = `<D:propfind ${D} ${C}><D:prop><D:getetag/><C:prop/><D:getetag/><prop xmlns=""/></D:prop></D:propfind>`;
    expect(parsePropfind(body, LIMITS)).toEqual({
      kind: 'prop',
      props: [DAV.getetag, qname(NS_CARDDAV, 'prop'), qname('', 'prop')],
    });
    // A CARDDAV:prop where DAV:prop belongs is no property list: the request falls back to allprop.
    const misplaced = `<D:propfind ${D} ${C}><C:prop><D:getetag/></C:prop></D:propfind>`;
    expect(parsePropfind(misplaced, LIMITS)).toEqual({ kind: 'allprop', include: [] });
  });
});

describe('REPORT dispatch', () => {
  it('a report in the wrong namespace, or one not served, is unsupported with its name', () => {
    const wrongNs = `<D:addressbook-multiget ${D}><D:prop><D:getetag/></D:prop></D:addressbook-multiget>`;
    expect(parseReport(wrongNs, LIMITS)).toEqual({
      kind: 'unsupported',
      report: qname(NS_DAV, 'addressbook-multiget'),
    });
    const expand = `<D:expand-property ${D}><D:property name="current-user-principal"/></D:expand-property>`;
    expect(parseReport(expand, LIMITS)).toEqual({
      kind: 'unsupported',
      report: qname(NS_DAV, 'expand-property'),
    });
    const calendar = '<C:calendar-multiget xmlns:C="urn:ietf:params:xml:ns:caldav"/>';
    expect(parseReport(calendar, LIMITS)).toMatchObject({
      kind: 'unsupported',
      report: { name: 'calendar-multiget' },
    });
  });

  it('a multiget without prop is allprop, without address-data asks for no card', () => {
    const body = `<C:addressbook-multiget ${D} ${C}><D:href>/a.vcf</D:href></C:addressbook-multiget>`;
    expect(parseReport(body, LIMITS)).toEqual({
      kind: 'addressbook-multiget',
      props: { kind: 'allprop', include: [] },
      addressData: null,
      hrefs: [{ href: '/a.vcf', path: '/a.vcf' }],
    });
  });
});

describe('address-data', () => {
  const addressDataOf = (element: string) => {
    const report = parseReport(multiget(element), LIMITS);
    return report.kind === 'addressbook-multiget' ? report.addressData : undefined;
  };

  it('reads the version from the attribute or from the media type', () => {
    expect(addressDataOf('<C:address-data version="3.0"/>')).toEqual({ version: '3.0', props: 'all' });
    expect(addressDataOf('<C:address-data content-type="text/vcard; version=4.0"/>')).toEqual({
      version: '4.0',
      props: 'all',
    });
    expect(
      addressDataOf('<C:address-data content-type="TEXT/VCARD; charset=utf-8" version=" 4.0 "/>'),
    ).toEqual({
      version: '4.0',
      props: 'all',
    });
    expect(addressDataOf('<C:address-data content-type="text/x-vcard" version=""/>')).toEqual({
      version: null,
      props: 'all',
    });
    // vdirsyncer capitalises the attribute name.
    expect(addressDataOf('<C:address-data Content-Type="text/vcard; version=4.0"/>')).toEqual({
      version: '4.0',
      props: 'all',
    });
    expect(addressDataOf('<C:address-data><C:allprop/></C:address-data>')).toEqual({
      version: null,
      props: 'all',
    });
    expect(addressDataOf('<C:address-data><C:prop/><C:prop name=" "/></C:address-data>')).toEqual({
      version: null,
      props: 'all',
    });
  });

  it('refuses a type or version not served: 403 with CARDDAV:supported-address-data', () => {
    for (const element of [
      '<C:address-data content-type="application/vcard+json"/>',
      '<C:address-data Content-Type="application/vcard+json"/>',
      '<C:address-data version="2.1"/>',
      '<C:address-data content-type="text/vcard; version=5.0"/>',
    ]) {
      expect(refusal(() => parseReport(multiget(element), LIMITS))).toMatchObject({
        reason: 'unsupported-address-data',
        status: 403,
        precondition: CARDDAV.supportedAddressDataCondition,
      });
    }
  });
});

describe('hrefs', () => {
  const base = '/dav/addressbooks/alice/contacts/';

  it.each([
    ['/dav/addressbooks/alice/contacts/a.vcf', '/dav/addressbooks/alice/contacts/a.vcf'],
    ['a.vcf', '/dav/addressbooks/alice/contacts/a.vcf'],
    ['./a%20b.vcf', '/dav/addressbooks/alice/contacts/a b.vcf'],
    [
      'https://dav.example.com:8443/dav/addressbooks/alice/contacts/x.vcf?y=1#z',
      '/dav/addressbooks/alice/contacts/x.vcf',
    ],
    ['../../bob/contacts/x.vcf', '/dav/addressbooks/bob/contacts/x.vcf'],
    [
      '/dav/addressbooks/alice/contacts/%2e%2e/%2E%2E/bob/contacts/x.vcf',
      '/dav/addressbooks/bob/contacts/x.vcf',
    ],
    [
      '/dav/addressbooks/alice/contacts/abc@example.com.vcf',
      '/dav/addressbooks/alice/contacts/abc@example.com.vcf',
    ],
    ['/dav/addressbooks/alice/contacts/%E2%9C%93.vcf', '/dav/addressbooks/alice/contacts/✓.vcf'],
  ])('%s is %s', (href, path) => {
    expect(hrefToPath(href, base)).toBe(path);
  });

  it.each([
    ['an encoded slash', '/dav/addressbooks/alice/contacts/..%2F..%2Fbob%2Fx.vcf'],
    ['an encoded NUL', '/dav/addressbooks/alice/contacts/a%00.vcf'],
    ['a broken escape', '/dav/addressbooks/alice/contacts/%zz.vcf'],
    ['invalid UTF-8', '/dav/addressbooks/alice/contacts/%C3%28.vcf'],
    ['another scheme', 'mailto:alice@example.com'],
    ['an unparseable URL', 'http://[::1'],
  ])('%s has no path', (_, href) => {
    expect(hrefToPath(href, base)).toBeNull();
  });

  it('multiget keeps the href as sent next to its path; an empty href has none', () => {
    const hrefs = '<D:href> a.vcf </D:href><D:href></D:href><D:href>%zz</D:href>';
    const report = parseReport(multiget('', hrefs), { ...LIMITS, basePath: base });
    expect(report.kind === 'addressbook-multiget' && report.hrefs).toEqual([
      { href: 'a.vcf', path: `${base}a.vcf` },
      { href: '', path: null },
      { href: '%zz', path: null },
    ]);
    const noBase = parseReport(multiget('', hrefs), { ...LIMITS, basePath: 'http://[' });
    expect(noBase.kind === 'addressbook-multiget' && noBase.hrefs[0]?.path).toBe('/a.vcf');
  });
});

describe('addressbook-query filters', () => {
  it('defaults: anyof, i;unicode-casemap, contains, no negation', () => {
    const report = parseReport(
      query('<C:filter><C:prop-filter name="fn"><C:text-match>Ada</C:text-match></C:prop-filter></C:filter>'),
      LIMITS,
    );
    expect(report.kind === 'addressbook-query' && report.filter).toEqual({
      test: 'anyof',
      propFilters: [
        {
          name: 'FN',
          test: 'anyof',
          isNotDefined: false,
          textMatches: [
            { value: 'Ada', collation: 'i;unicode-casemap', matchType: 'contains', negate: false },
          ],
          paramFilters: [],
        },
      ],
    });
  });

  it('refuses an unknown collation with CARDDAV:supported-collation', () => {
    const body = query(
      '<C:filter><C:prop-filter name="FN"><C:text-match collation="i;basic">x</C:text-match></C:prop-filter></C:filter>',
    );
    expect(refusal(() => parseReport(body, LIMITS))).toMatchObject({
      reason: 'unsupported-collation',
      status: 403,
      precondition: CARDDAV.supportedCollation,
    });
  });

  it.each([
    ['a bad filter test', '<C:filter test="oneof"/>'],
    ['a bad prop-filter test', '<C:filter><C:prop-filter name="FN" test="some"/></C:filter>'],
    ['a prop-filter without name', '<C:filter><C:prop-filter/></C:filter>'],
    [
      'a param-filter without name',
      '<C:filter><C:prop-filter name="TEL"><C:param-filter/></C:prop-filter></C:filter>',
    ],
    [
      'a bad match-type',
      '<C:filter><C:prop-filter name="FN"><C:text-match match-type="regex">x</C:text-match></C:prop-filter></C:filter>',
    ],
    ['two filters', '<C:filter/><C:filter/>'],
    ['a limit of zero', '<C:filter/><C:limit><C:nresults>0</C:nresults></C:limit>'],
    ['a limit in words', '<C:filter/><C:limit><C:nresults>ten</C:nresults></C:limit>'],
    ['a negative limit', '<C:filter/><C:limit><C:nresults>-5</C:nresults></C:limit>'],
  ])('refuses %s (400)', (_, filter) => {
    expect(refusal(() => parseReport(query(filter), LIMITS))).toMatchObject({
      reason: 'invalid',
      status: 400,
    });
  });

  it('reads the limit in either namespace, and ignores a limit without nresults', () => {
    const carddav = parseReport(query('<C:limit><C:nresults> 25 </C:nresults></C:limit>'), LIMITS);
    expect(carddav.kind === 'addressbook-query' && carddav.limit).toBe(25);
    const dav = parseReport(query('<D:limit><D:nresults>7</D:nresults></D:limit>'), LIMITS);
    expect(dav.kind === 'addressbook-query' && dav.limit).toBe(7);
    const empty = parseReport(query('<C:limit/>'), LIMITS);
    expect(empty.kind === 'addressbook-query' && empty.limit).toBeNull();
  });
});

describe('sync-collection', () => {
  it('reads infinite (and sabre/dav’s infinity) as one level: an address book has no sub-collections', () => {
    for (const level of ['infinite', 'infinity', 'Infinite']) {
      const report = parseReport(sync(`<D:sync-token/><D:sync-level>${level}</D:sync-level>`), LIMITS);
      expect(report.kind === 'sync-collection' && report.syncLevel).toBe('infinite');
    }
    expect(refusal(() => parseReport(sync('<D:sync-level>2</D:sync-level>'), LIMITS))).toMatchObject({
      reason: 'invalid',
      status: 400,
    });
  });

  it('trims the token, defaults the level to 1, and reads a CARDDAV limit too', () => {
    const report = parseReport(
      sync(
        '<D:sync-token>\n  tok \n</D:sync-token><C:limit xmlns:C="urn:ietf:params:xml:ns:carddav"><C:nresults>3</C:nresults></C:limit>',
      ),
      LIMITS,
    );
    expect(report).toMatchObject({ kind: 'sync-collection', syncToken: 'tok', syncLevel: '1', limit: 3 });
  });

  it('without prop, asks for no property', () => {
    const body = `<D:sync-collection ${D}><D:sync-token/><D:sync-level>1</D:sync-level></D:sync-collection>`;
    expect(parseReport(body, LIMITS)).toMatchObject({
      props: { kind: 'prop', props: [] },
      addressData: null,
    });
  });
});

describe('PROPPATCH', () => {
  it('keeps set and remove in document order; a removal has no value', () => {
    const body = `<D:propertyupdate ${D}><D:set><D:prop><D:displayname>A</D:displayname></D:prop></D:set><D:remove><D:prop><D:displayname/><x:color xmlns:x="urn:x">red</x:color></D:prop></D:remove><D:set><D:prop><D:displayname><![CDATA[B <b>]]></D:displayname></D:prop></D:set></D:propertyupdate>`;
    expect(parseProppatch(body, LIMITS).operations).toEqual([
      { action: 'set', name: DAV.displayname, text: 'A', xml: 'A' },
      { action: 'remove', name: DAV.displayname, text: '', xml: '' },
      { action: 'remove', name: qname('urn:x', 'color'), text: '', xml: '' },
      { action: 'set', name: DAV.displayname, text: 'B <b>', xml: '<![CDATA[B <b>]]>' },
    ]);
  });
});
