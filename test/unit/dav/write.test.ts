/**
 * The multistatus writer, read back with a strict XML parser: structure, namespaces, the exact
 * status lines clients compare, escaping, hrefs, streaming and the error documents.
 */
import { describe, expect, it } from 'vitest';
import { encodeHref, escapeXml, statusLine } from '../../../src/api/dav/xml/escape.js';
import {
  CARDDAV,
  CS,
  clark,
  DAV,
  NS_CALENDARSERVER,
  NS_CARDDAV,
  NS_DAV,
  qname,
  sameName,
} from '../../../src/api/dav/xml/names.js';
import { hrefToPath, parsePropfind } from '../../../src/api/dav/xml/parse.js';
import {
  addressData,
  conditions,
  currentUserPrivilegeSet,
  getcontenttype,
  getctag,
  getetag,
  hrefProp,
  maxResourceSize,
  removedResponse,
  resourceType,
  supportedAddressData,
  supportedCollationSet,
  supportedReportSet,
  syncTokenProp,
  textProp,
  truncatedResponse,
} from '../../../src/api/dav/xml/props.js';
import { SYNC_TOKEN_PREFIX, syncTokenUri, tokenFromSyncUri } from '../../../src/api/dav/xml/sync-token.js';
import {
  type DavResponse,
  errorDocument,
  multistatus,
  propResponse,
  responseXml,
  streamMultistatus,
} from '../../../src/api/dav/xml/write.js';
import { childNames, children, fixture, LIMITS, parseBack } from './fixtures.js';

const BOOK = '/dav/addressbooks/alice/contacts/';
const d = (name: string) => `{DAV:}${name}`;

describe('multistatus', () => {
  it('declares DAV:, CardDAV and CalendarServer once on the root, and nests response/propstat/prop/status', () => {
    const xml = multistatus([
      propResponse(
        BOOK,
        [resourceType('collection', 'addressbook'), textProp(DAV.displayname, 'Contacts'), getctag('42')],
        [qname(NS_DAV, 'quota-used-bytes')],
      ),
    ]);
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?>\n<d:multistatus xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http:\/\/calendarserver\.org\/ns\/">/,
    );
    const root = parseBack(xml);
    expect(`{${root.namespaceURI}}${root.localName}`).toBe(d('multistatus'));
    const [response] = children(root);
    expect(childNames(response!)).toEqual([d('href'), d('propstat'), d('propstat')]);
    const [href, found, missing] = children(response!);
    expect(href?.textContent).toBe(BOOK);
    expect(childNames(found!)).toEqual([d('prop'), d('status')]);
    const [foundProp, foundStatus] = children(found!);
    expect(childNames(foundProp!)).toEqual([
      d('resourcetype'),
      d('displayname'),
      `{${NS_CALENDARSERVER}}getctag`,
    ]);
    expect(childNames(children(foundProp!)[0]!)).toEqual([d('collection'), `{${NS_CARDDAV}}addressbook`]);
    expect(foundStatus?.textContent).toBe('HTTP/1.1 200 OK');
    expect(childNames(children(missing!)[0]!)).toEqual([d('quota-used-bytes')]);
    expect(children(missing!)[1]?.textContent).toBe('HTTP/1.1 404 Not Found');
  });

  it('writes properties of any namespace back under the name they were asked by', () => {
    const asked = parsePropfind(fixture('ios-propfind-home.xml'), LIMITS);
    if (asked.kind !== 'prop') throw new Error('expected a prop request');
    const root = parseBack(multistatus([propResponse(BOOK, [], asked.props)]));
    const prop = children(children(children(root)[0]!)[1]!)[0]!;
    expect(children(prop).map((el) => ({ ns: el.namespaceURI ?? '', name: el.localName }))).toEqual(
      asked.props,
    );
    const none = parseBack(multistatus([propResponse(BOOK, [{ name: qname('', 'plain') }])]));
    expect(children(children(children(children(none)[0]!)[1]!)[0]!)[0]?.namespaceURI).toBeNull();
  });

  it('a response with nothing found or missing still carries a 200 propstat; a bare status has none', () => {
    const root = parseBack(multistatus([propResponse(`${BOOK}a.vcf`, []), removedResponse(`${BOOK}b.vcf`)]));
    const [changed, removed] = children(root);
    expect(childNames(changed!)).toEqual([d('href'), d('propstat')]);
    const bare = parseBack(multistatus([{ href: `${BOOK}c.vcf` }, { href: `${BOOK}d.vcf`, propstats: [] }]));
    for (const response of children(bare)) {
      const propstat = children(response)[1]!;
      expect(childNames(propstat)).toEqual([d('prop'), d('status')]);
      expect(children(propstat)[1]?.textContent).toBe('HTTP/1.1 200 OK');
    }
    expect(childNames(removed!)).toEqual([d('href'), d('status')]);
    expect(children(removed!)[1]?.textContent).toBe('HTTP/1.1 404 Not Found');
  });

  it('ends a sync-collection with the 507 truncation response and the token, in that order', () => {
    const xml = multistatus(
      [propResponse(`${BOOK}a.vcf`, [getetag('"7"')]), truncatedResponse(BOOK)],
      'tok&1',
    );
    const root = parseBack(xml);
    expect(childNames(root)).toEqual([d('response'), d('response'), d('sync-token')]);
    const truncated = children(root)[1]!;
    expect(childNames(truncated)).toEqual([d('href'), d('status'), d('error')]);
    expect(children(truncated)[1]?.textContent).toBe('HTTP/1.1 507 Insufficient Storage');
    expect(childNames(children(truncated)[2]!)).toEqual([d('number-of-matches-within-limits')]);
    expect(children(root)[2]?.textContent).toBe('tok&1');
  });

  it('puts a propstat error after its status (a refused PROPPATCH)', () => {
    const response: DavResponse = {
      href: BOOK,
      propstats: [{ status: 403, props: [DAV.displayname], error: conditions.cannotModifyProtectedProperty }],
    };
    const propstat = children(parseBack(multistatus([response])).firstChild as never)[1]!;
    expect(childNames(propstat)).toEqual([d('prop'), d('status'), d('error')]);
    expect(children(propstat)[1]?.textContent).toBe('HTTP/1.1 403 Forbidden');
  });
});

describe('property values', () => {
  it('writes the discovery and address-book properties clients read', () => {
    const props = [
      hrefProp(DAV.currentUserPrincipal, '/dav/principals/alice/'),
      hrefProp(CARDDAV.addressbookHomeSet, '/dav/addressbooks/alice/'),
      resourceType('principal'),
      supportedReportSet([CARDDAV.addressbookMultiget, CARDDAV.addressbookQuery, DAV.syncCollection]),
      supportedAddressData(),
      supportedCollationSet(),
      currentUserPrivilegeSet(['read', 'write', 'bind', 'unbind']),
      maxResourceSize(10_485_760),
      syncTokenProp('http://contacts-api.invalid/ns/sync/1.5.x'),
      getcontenttype('text/vcard; charset=utf-8'),
    ];
    const prop = children(
      children(children(parseBack(multistatus([propResponse(BOOK, props)])))[0]!)[1]!,
    )[0]!;
    const [principal, home, type, reports, data, collations, privileges, size, token, contentType] =
      children(prop);
    expect(childNames(principal!)).toEqual([d('href')]);
    expect(principal?.textContent).toBe('/dav/principals/alice/');
    expect(home?.textContent).toBe('/dav/addressbooks/alice/');
    expect(childNames(type!)).toEqual([d('principal')]);
    expect(childNames(reports!)).toEqual([
      d('supported-report'),
      d('supported-report'),
      d('supported-report'),
    ]);
    const reportNames = children(reports!).map((sr) => childNames(children(sr)[0]!)[0]);
    expect(reportNames).toEqual([
      `{${NS_CARDDAV}}addressbook-multiget`,
      `{${NS_CARDDAV}}addressbook-query`,
      d('sync-collection'),
    ]);
    expect(
      children(data!).map((el) => [
        el.localName,
        el.getAttribute('content-type'),
        el.getAttribute('version'),
      ]),
    ).toEqual([
      ['address-data-type', 'text/vcard', '3.0'],
      ['address-data-type', 'text/vcard', '4.0'],
    ]);
    expect(children(collations!).map((el) => el.textContent)).toEqual([
      'i;unicode-casemap',
      'i;ascii-casemap',
      'i;octet',
    ]);
    expect(children(privileges!).map((p) => childNames(p))).toEqual([
      [d('read')],
      [d('write')],
      [d('bind')],
      [d('unbind')],
    ]);
    expect(`{${size?.namespaceURI}}${size?.localName}=${size?.textContent}`).toBe(
      `{${NS_CARDDAV}}max-resource-size=10485760`,
    );
    expect(token?.textContent).toBe('http://contacts-api.invalid/ns/sync/1.5.x');
    expect(contentType?.textContent).toBe('text/vcard; charset=utf-8');
  });

  it('keeps a card byte for byte through the XML parser: CRLF, escapes, non-ASCII', () => {
    const card =
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tom & Jerry <"cats"> \'n\' ]]> Ünïcødé 😀\r\nNOTE:a\\nb\r\nEND:VCARD\r\n';
    const xml = responseXml(propResponse(`${BOOK}t.vcf`, [getetag('"12"'), addressData(card)]));
    expect(xml).toContain('&#13;');
    const response = parseBack(`<r xmlns:d="DAV:" xmlns:card="${NS_CARDDAV}">${xml}</r>`).firstChild as never;
    const prop = children(children(response)[1]!)[0]!;
    expect(children(prop)[0]?.textContent).toBe('"12"');
    expect(children(prop)[1]?.textContent).toBe(card);
  });

  it('replaces characters XML 1.0 cannot carry, and the document still parses', () => {
    const text = `a\u0000b\u0001c\u000bd\u001fe\uFFFEf\uD800g\uDC00h\u{1F600}i\tj\nk`;
    const escaped = escapeXml(text);
    expect(escaped).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh\u{1F600}i\tj\nk');
    const root = parseBack(multistatus([propResponse(BOOK, [textProp(DAV.displayname, text)])]));
    expect(root.getElementsByTagNameNS('DAV:', 'displayname')[0]?.textContent).toBe(escaped);
    expect(escapeXml('plain text')).toBe('plain text');
    expect(escapeXml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&apos;');
  });
});

describe('hrefs', () => {
  it.each([
    ['/dav/addressbooks/alice/contacts/', '/dav/addressbooks/alice/contacts/'],
    ['/dav/a b/René.vcf', '/dav/a%20b/Ren%C3%A9.vcf'],
    ['/dav/x/Tom & Jerry?#.vcf', '/dav/x/Tom%20%26%20Jerry%3F%23.vcf'],
    ['/dav/x/abc@example.com.vcf', '/dav/x/abc@example.com.vcf'],
    ["/dav/x/!*'()~-_.vcf", '/dav/x/%21%2A%27%28%29~-_.vcf'],
    ['/dav/x/100%.vcf', '/dav/x/100%25.vcf'],
    ['/dav/x/a:b;c=d+e,f.vcf', '/dav/x/a%3Ab%3Bc%3Dd%2Be%2Cf.vcf'],
  ])('%s is written %s, and read back the same', (path, encoded) => {
    expect(encodeHref(path)).toBe(encoded);
    expect(hrefToPath(encodeHref(path))).toBe(path);
    const root = parseBack(multistatus([removedResponse(path)]));
    expect(root.getElementsByTagNameNS('DAV:', 'href')[0]?.textContent).toBe(encoded);
  });
});

describe('status lines', () => {
  it('have the exact reason phrases', () => {
    expect(statusLine(200)).toBe('HTTP/1.1 200 OK');
    expect(statusLine(404)).toBe('HTTP/1.1 404 Not Found');
    expect(statusLine(403)).toBe('HTTP/1.1 403 Forbidden');
    expect(statusLine(424)).toBe('HTTP/1.1 424 Failed Dependency');
    expect(statusLine(507)).toBe('HTTP/1.1 507 Insufficient Storage');
    expect(() => statusLine(299)).toThrow(RangeError);
  });
});

describe('streaming', () => {
  function* cards(count: number): Generator<DavResponse> {
    for (let i = 0; i < count; i++) {
      yield propResponse(`${BOOK}${i}.vcf`, [getetag(`"${i}"`), getcontenttype('text/vcard; charset=utf-8')]);
    }
  }

  it('writes 100 000 responses in bounded chunks, with the token computed after the last one', async () => {
    let written = 0;
    let tokenAskedAfter = -1;
    const counted = (function* () {
      for (const response of cards(100_000)) {
        written += 1;
        yield response;
      }
    })();
    const syncToken = () => {
      tokenAskedAfter = written;
      return 'final';
    };
    let chunks = 0;
    let largest = 0;
    let responses = 0;
    let last = '';
    for await (const chunk of streamMultistatus(counted, { syncToken, chunkSize: 16_384 })) {
      chunks += 1;
      largest = Math.max(largest, chunk.length);
      responses += chunk.split('<d:response>').length - 1;
      last = chunk;
    }
    expect(responses).toBe(100_000);
    expect(tokenAskedAfter).toBe(100_000);
    expect(chunks).toBeGreaterThan(500);
    expect(largest).toBeLessThan(16_384 + 1_000);
    expect(last.endsWith('<d:sync-token>final</d:sync-token></d:multistatus>\n')).toBe(true);
  });

  it('streams from an async source into the same document multistatus() builds', async () => {
    async function* source() {
      yield* cards(3);
    }
    let streamed = '';
    for await (const chunk of streamMultistatus(source(), { syncToken: async () => 't' })) streamed += chunk;
    expect(streamed).toBe(multistatus(cards(3), 't'));
    let plain = '';
    for await (const chunk of streamMultistatus([])) plain += chunk;
    expect(childNames(parseBack(plain))).toEqual([]);
  });
});

describe('error documents', () => {
  it.each([
    ['valid-sync-token', conditions.validSyncToken, d('valid-sync-token')],
    ['valid-address-data', conditions.validAddressData, `{${NS_CARDDAV}}valid-address-data`],
    ['max-resource-size', conditions.maxResourceSize, `{${NS_CARDDAV}}max-resource-size`],
    ['propfind-finite-depth', conditions.propfindFiniteDepth, d('propfind-finite-depth')],
    ['supported-report', conditions.supportedReport, d('supported-report')],
    ['supported-collation', CARDDAV.supportedCollation, `{${NS_CARDDAV}}supported-collation`],
  ])('%s', (_, condition, expected) => {
    const root = parseBack(errorDocument(condition));
    expect(`{${root.namespaceURI}}${root.localName}`).toBe(d('error'));
    expect(childNames(root)).toEqual([expected]);
  });

  it('no-uid-conflict names the card that holds the UID', () => {
    const root = parseBack(errorDocument(conditions.noUidConflict(`${BOOK}other card.vcf`)));
    const conflict = children(root)[0]!;
    expect(`{${conflict.namespaceURI}}${conflict.localName}`).toBe(`{${NS_CARDDAV}}no-uid-conflict`);
    expect(childNames(conflict)).toEqual([d('href')]);
    expect(conflict.textContent).toBe(`${BOOK}other%20card.vcf`);
  });

  it('getctag is in the CalendarServer namespace; names compare by namespace and local name', () => {
    expect(clark(CS.getctag)).toBe('{http://calendarserver.org/ns/}getctag');
    expect(sameName(DAV.prop, qname(NS_DAV, 'prop'))).toBe(true);
    expect(sameName(DAV.prop, CARDDAV.prop)).toBe(false);
  });
});

describe('sync token URIs', () => {
  it('wrap the service token in a URI (Evolution drops a token with neither ":" nor "/")', () => {
    const uri = syncTokenUri('12.345.aB-_/+=');
    expect(uri.startsWith(SYNC_TOKEN_PREFIX)).toBe(true);
    expect(uri.slice(SYNC_TOKEN_PREFIX.length)).not.toMatch(/[/+=]/);
    expect(tokenFromSyncUri(uri)).toBe('12.345.aB-_/+=');
  });

  it.each([
    ['a token macOS made up', 'b905a5fd-ce23-4190-9be3-236969d071a8'],
    ["another server's", 'http://sabre.io/ns/sync/2285'],
    ['an empty one', SYNC_TOKEN_PREFIX],
    ['a broken escape', `${SYNC_TOKEN_PREFIX}%zz`],
  ])('%s is not ours', (_, uri) => {
    expect(tokenFromSyncUri(uri)).toBeNull();
  });
});
