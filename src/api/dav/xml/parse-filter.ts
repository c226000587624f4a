/** The `addressbook-query` filter (RFC 6352 §10.5) and the `limit` element of both reports. */
import type { Element } from '@xmldom/xmldom';
import { attributeOf, childElements, isNamed, textOf } from './document.js';
import { DavXmlError } from './errors.js';
import { CARDDAV, COLLATIONS, type Collation, DAV } from './names.js';
import type { CardFilter, ParamFilter, PropFilter, TextMatch } from './types.js';

const MATCH_TYPES = ['equals', 'contains', 'starts-with', 'ends-with'] as const;

function testOf(el: Element): 'anyof' | 'allof' {
  const test = attributeOf(el, 'test')?.trim() ?? 'anyof';
  if (test !== 'anyof' && test !== 'allof')
    throw new DavXmlError('invalid', 'test must be "anyof" or "allof"');
  return test;
}

function requiredName(el: Element, what: string): string {
  const name = attributeOf(el, 'name')?.trim();
  if (!name) throw new DavXmlError('invalid', `A ${what} needs a name attribute`);
  return name.toUpperCase();
}

function readTextMatch(el: Element): TextMatch {
  const collationRaw = attributeOf(el, 'collation')?.trim() || 'i;unicode-casemap';
  const collation = COLLATIONS.find((known) => known === collationRaw.toLowerCase()) as Collation | undefined;
  if (!collation) throw new DavXmlError('unsupported-collation', 'Unsupported collation in text-match');
  const matchTypeRaw = attributeOf(el, 'match-type')?.trim() || 'contains';
  const matchType = MATCH_TYPES.find((known) => known === matchTypeRaw);
  if (!matchType) {
    throw new DavXmlError('invalid', 'match-type must be equals, contains, starts-with or ends-with');
  }
  // The value is kept as written: whitespace may be part of what the client looks for.
  return {
    value: textOf(el),
    collation,
    matchType,
    negate: attributeOf(el, 'negate-condition')?.trim() === 'yes',
  };
}

function readParamFilter(el: Element): ParamFilter {
  const children = childElements(el);
  const textMatch = children.find((child) => isNamed(child, CARDDAV.textMatch));
  return {
    name: requiredName(el, 'param-filter'),
    isNotDefined: children.some((child) => isNamed(child, CARDDAV.isNotDefined)),
    textMatch: textMatch ? readTextMatch(textMatch) : null,
  };
}

function readPropFilter(el: Element): PropFilter {
  const filter: PropFilter = {
    name: requiredName(el, 'prop-filter'),
    test: testOf(el),
    isNotDefined: false,
    textMatches: [],
    paramFilters: [],
  };
  for (const child of childElements(el)) {
    if (isNamed(child, CARDDAV.isNotDefined)) filter.isNotDefined = true;
    else if (isNamed(child, CARDDAV.textMatch)) filter.textMatches.push(readTextMatch(child));
    else if (isNamed(child, CARDDAV.paramFilter)) filter.paramFilters.push(readParamFilter(child));
  }
  return filter;
}

/** The query's filter; a query without one matches every card (KDE, Evolution and Nextcloud omit it). */
export function readFilter(report: Element): CardFilter {
  const filters = childElements(report).filter((child) => isNamed(child, CARDDAV.filter));
  if (filters.length > 1) throw new DavXmlError('invalid', 'An addressbook-query takes one filter');
  const [filter] = filters;
  if (!filter) return { test: 'anyof', propFilters: [] };
  return {
    test: testOf(filter),
    propFilters: childElements(filter)
      .filter((child) => isNamed(child, CARDDAV.propFilter))
      .map(readPropFilter),
  };
}

/**
 * `limit/nresults` (CARDDAV: in a query, DAV: in sync-collection; either is read in both, since the
 * element means the same), or null when absent.
 */
export function readLimit(report: Element): number | null {
  const limit = childElements(report).find(
    (child) => isNamed(child, CARDDAV.limit) || isNamed(child, DAV.limit),
  );
  if (!limit) return null;
  const nresults = childElements(limit).find(
    (child) => isNamed(child, CARDDAV.nresults) || isNamed(child, DAV.nresults),
  );
  if (!nresults) return null;
  const text = textOf(nresults).trim();
  const value = /^\d{1,9}$/.test(text) ? Number(text) : 0;
  if (value < 1) throw new DavXmlError('invalid', 'nresults must be a positive integer');
  return value;
}
