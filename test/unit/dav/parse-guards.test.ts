/**
 * Hostile and broken bodies: XML bombs, external entities, oversized and markup-flooded bodies,
 * malformed XML and unknown charsets all end as a `DavXmlError` with a status, quickly, and with a
 * message that carries nothing of the parser's internals or of the files an entity pointed at.
 */
import { describe, expect, it } from 'vitest';
import {
  DavXmlError,
  defaultMaxMarkup,
  parsePropfind,
  parseProppatch,
  parseReport,
} from '../../../src/api/dav/xml/parse.js';
import { fixture, LIMITS } from './fixtures.js';

function refusal(run: () => unknown): DavXmlError {
  try {
    run();
  } catch (error) {
    if (error instanceof DavXmlError) return error;
    throw error;
  }
  throw new Error('the body was accepted');
}

/** Runs `run` and returns how long it took, in milliseconds. */
function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('XML bombs and external entities', () => {
  it('refuses a billion-laughs body without expanding it', () => {
    let error: DavXmlError | undefined;
    const elapsed = timed(() => {
      error = refusal(() => parseReport(fixture('billion-laughs.xml'), LIMITS));
    });
    expect(error).toMatchObject({ reason: 'forbidden-dtd', status: 400 });
    expect(elapsed).toBeLessThan(1000);
  });

  it('refuses an external entity and never shows the file it names', () => {
    const error = refusal(() => parseProppatch(fixture('xxe-external-entity.xml'), LIMITS));
    expect(error).toMatchObject({ reason: 'forbidden-dtd', status: 400 });
    expect(error.message).not.toMatch(/passwd|root:|file:/);
  });

  it('refuses a parameter entity pointing at a remote DTD', () => {
    expect(refusal(() => parsePropfind(fixture('xxe-parameter-entity.xml'), LIMITS))).toMatchObject({
      reason: 'forbidden-dtd',
    });
  });

  it('refuses a DOCTYPE whatever its case or place', () => {
    const bodies = [
      '<!doctype x><propfind xmlns="DAV:"/>',
      '<propfind xmlns="DAV:"><!DOCTYPE x></propfind>',
      '<?xml version="1.0"?>\n<!-- hi --><!DOCTYPE propfind SYSTEM "http://127.0.0.1:1/x.dtd"><propfind xmlns="DAV:"/>',
    ];
    for (const body of bodies) {
      expect(refusal(() => parsePropfind(body, LIMITS)).reason).toBe('forbidden-dtd');
    }
  });

  it('an entity reference without a DTD is malformed, not an expansion', () => {
    const body = '<D:propfind xmlns:D="DAV:"><D:prop>&xxe;</D:prop></D:propfind>';
    expect(refusal(() => parsePropfind(body, LIMITS))).toMatchObject({ reason: 'malformed', status: 400 });
  });
});

describe('size limits', () => {
  it('refuses a 10 MB body by its size, before reading it', () => {
    // One huge text node: little markup, so only the byte limit can stop it.
    const token = 'x'.repeat(10_000_000);
    const body = Buffer.from(
      `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token></D:sync-collection>`,
    );
    let error: DavXmlError | undefined;
    const elapsed = timed(() => {
      error = refusal(() => parseReport(body, LIMITS));
    });
    expect(error).toMatchObject({ reason: 'too-large', status: 413 });
    expect(elapsed).toBeLessThan(1000);
    expect(refusal(() => parseReport(body.toString(), LIMITS)).reason).toBe('too-large');
  });

  it('counts the bytes of a string body, not its characters', () => {
    const body = `<D:propfind xmlns:D="DAV:"><!-- ${'é'.repeat(600)} --></D:propfind>`;
    expect(body.length).toBeLessThan(1000);
    expect(refusal(() => parsePropfind(body, { maxBytes: 1000 })).reason).toBe('too-large');
    expect(parsePropfind(body, { maxBytes: 2000 })).toEqual({ kind: 'allprop', include: [] });
  });

  it('refuses a flood of tiny elements under the byte limit, before building a DOM', () => {
    const body = `<D:propfind xmlns:D="DAV:"><D:prop>${'<a/>'.repeat(200_000)}</D:prop></D:propfind>`;
    expect(body.length).toBeLessThan(LIMITS.maxBytes);
    let error: DavXmlError | undefined;
    const elapsed = timed(() => {
      error = refusal(() => parsePropfind(body, LIMITS));
    });
    expect(error).toMatchObject({ reason: 'too-large', status: 413 });
    expect(elapsed).toBeLessThan(1000);
    expect(refusal(() => parsePropfind('<a><b/><c/></a>', { maxBytes: 100, maxMarkup: 3 })).reason).toBe(
      'too-large',
    );
    expect(() =>
      parsePropfind('<D:propfind xmlns:D="DAV:"/>', { maxBytes: 100, maxMarkup: 2 }),
    ).not.toThrow();
  });

  it('refuses a flood of attributes or namespace declarations the same way', () => {
    const declarations = Array.from({ length: 30_000 }, (_, i) => ` xmlns:p${i}="u"`).join('');
    const body = `<D:propfind xmlns:D="DAV:"${declarations}/>`;
    expect(body.length).toBeLessThan(LIMITS.maxBytes);
    let error: DavXmlError | undefined;
    const elapsed = timed(() => {
      error = refusal(() => parsePropfind(body, LIMITS));
    });
    expect(error).toMatchObject({ reason: 'too-large', status: 413 });
    expect(elapsed).toBeLessThan(1000);
  });

  it('allows one tag per 40 bytes of the byte limit, and never fewer than 1 000', () => {
    expect(defaultMaxMarkup(1_048_576)).toBe(26_215);
    expect(defaultMaxMarkup(65_536)).toBe(1_639);
    expect(defaultMaxMarkup(100)).toBe(1_000);
  });

  it('reads a vdirsyncer-sized multiget of 10 000 hrefs within the defaults', () => {
    const hrefs = Array.from(
      { length: 10_000 },
      (_, i) => `<href>/dav/addressbooks/alice/contacts/${i}.vcf</href>`,
    );
    const body = `<C:addressbook-multiget xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><prop><getetag/></prop>${hrefs.join('\n')}</C:addressbook-multiget>`;
    const report = parseReport(body, LIMITS);
    expect(report.kind === 'addressbook-multiget' && report.hrefs.length).toBe(10_000);
  });
});

describe('malformed and misdirected bodies', () => {
  it.each([
    ['an unclosed element', '<D:propfind xmlns:D="DAV:"><D:prop></D:propfind>'],
    ['an unbound prefix', '<D:propfind><D:prop/></D:propfind>'],
    ['two root elements', '<D:propfind xmlns:D="DAV:"/><D:propfind xmlns:D="DAV:"/>'],
    ['content after the root', '<D:propfind xmlns:D="DAV:"/>junk'],
    ['text only', 'PROPFIND me'],
    ['a duplicated attribute', '<D:propfind xmlns:D="DAV:" a="1" a="2"/>'],
    ['JSON', '{"prop": ["getetag"]}'],
  ])('%s is malformed (400)', (_, body) => {
    const error = refusal(() => parsePropfind(body, LIMITS));
    expect(error).toMatchObject({ reason: 'malformed', status: 400 });
    expect(error.message).toBe('The request body is not well-formed XML');
  });

  it('a PROPFIND body in the wrong namespace is invalid', () => {
    const body = '<propfind xmlns="urn:ietf:params:xml:ns:carddav"><prop><getetag/></prop></propfind>';
    expect(refusal(() => parsePropfind(body, LIMITS))).toMatchObject({ reason: 'invalid', status: 400 });
    expect(refusal(() => parsePropfind('<propfind><prop/></propfind>', LIMITS)).reason).toBe('invalid');
  });

  it('a PROPPATCH body must be a propertyupdate that sets or removes something', () => {
    expect(refusal(() => parseProppatch('', LIMITS)).reason).toBe('invalid');
    expect(refusal(() => parseProppatch('<D:propfind xmlns:D="DAV:"/>', LIMITS)).reason).toBe('invalid');
    expect(refusal(() => parseProppatch('<D:propertyupdate xmlns:D="DAV:"/>', LIMITS)).reason).toBe(
      'invalid',
    );
  });

  it('a REPORT needs a body', () => {
    expect(refusal(() => parseReport(undefined, LIMITS))).toMatchObject({ reason: 'invalid', status: 400 });
    expect(refusal(() => parseReport('  \r\n', LIMITS)).reason).toBe('invalid');
  });
});

describe('charsets', () => {
  const propfind =
    '<?xml version="1.0" encoding="ISO-8859-1"?><D:propfind xmlns:D="DAV:"><D:prop><X:café xmlns:X="urn:x"/></D:prop></D:propfind>';

  it('reads UTF-16 with a byte-order mark, and skips a UTF-8 one', () => {
    const body = '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
    expect(parsePropfind(utf16, LIMITS)).toMatchObject({ kind: 'prop', props: [{ name: 'getetag' }] });
    const utf16be = Buffer.from(utf16);
    utf16be.swap16();
    expect(parsePropfind(utf16be, LIMITS)).toMatchObject({ kind: 'prop', props: [{ name: 'getetag' }] });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    expect(parsePropfind(bom, LIMITS)).toMatchObject({ kind: 'prop' });
    expect(parsePropfind(`\uFEFF${body}`, LIMITS)).toMatchObject({ kind: 'prop' });
  });

  it('follows the XML declaration, and the Content-Type charset over it', () => {
    const latin1 = Buffer.from(propfind, 'latin1');
    expect(parsePropfind(latin1, LIMITS)).toMatchObject({ props: [{ ns: 'urn:x', name: 'café' }] });
    const utf8 = Buffer.from(propfind, 'utf8');
    expect(parsePropfind(utf8, { ...LIMITS, charset: 'UTF-8' })).toMatchObject({ props: [{ name: 'café' }] });
  });

  it('an unknown charset is 415, bytes that are not UTF-8 are 400', () => {
    const sjis = Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?><D:propfind xmlns:D="DAV:"/>');
    expect(refusal(() => parsePropfind(sjis, LIMITS))).toMatchObject({
      reason: 'unsupported-charset',
      status: 415,
    });
    expect(refusal(() => parsePropfind(Buffer.from('<a/>'), { ...LIMITS, charset: 'koi8-r' })).status).toBe(
      415,
    );
    const broken = Buffer.concat([
      Buffer.from('<D:propfind xmlns:D="DAV:">'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('</D:propfind>'),
    ]);
    expect(refusal(() => parsePropfind(broken, LIMITS))).toMatchObject({ reason: 'malformed', status: 400 });
  });
});
