import type { KeptProperty } from '../card.js';
import { type Context, type Rule, TO_V3, TO_V4 } from './convert-rules.js';
import { parseCard } from './parse.js';
import { type Params, paramValue, paramValues, without } from './props.js';
import { serializeCard } from './serialize.js';

export type Version = '3.0' | '4.0';

const hasPref = (type: unknown): boolean =>
  typeof type === 'string'
    ? /pref/i.test(type)
    : Array.isArray(type) && type.some((t) => /pref/i.test(String(t)));

/** 3.0's TYPE=pref is 4.0's PREF=1; 2.1/3.0's ENCODING and CHARSET do not exist in 4.0. */
function paramsTo4(params: Params): Params {
  if (params.encoding === undefined && params.charset === undefined && !hasPref(params.type)) return params;
  const types = paramValues(params, 'type');
  const pref = types.some((t) => t.toLowerCase() === 'pref');
  const next = without(params, 'type', 'encoding', 'charset');
  const rest = types.filter((t) => t.toLowerCase() !== 'pref');
  const ordered: Params = {};
  if (rest.length > 0) ordered.type = paramValue(rest);
  if (pref && next.pref === undefined) ordered.pref = '1';
  return { ...ordered, ...next };
}

/** PREF=1 becomes TYPE=pref; other PREF ranks stay (3.0 readers ignore them, a 4.0 reader gets them back). */
function paramsTo3(params: Params): Params {
  if (String(params.pref ?? '') !== '1') return params;
  const types = paramValues(params, 'type');
  const next = without(params, 'type', 'pref');
  return { type: paramValue([...types, 'pref']), ...next };
}

/**
 * Converts jCard properties between vCard 3.0 and 4.0 by the rule table (`convert-rules.ts`) and
 * the parameter rules above. VERSION and PRODID are left out: the writer adds its own.
 */
export function convertProperties(properties: KeptProperty[], to: Version): KeptProperty[] {
  const rules: Record<string, Rule> = to === '4.0' ? TO_V4 : TO_V3;
  const context: Context = { all: properties, out: [] };
  for (const property of properties) {
    const name = property[0].toLowerCase();
    if (name === 'version' || name === 'prodid') continue;
    const input: KeptProperty = [
      name,
      to === '4.0' ? paramsTo4(property[1]) : property[1],
      property[2],
      ...property.slice(3),
    ];
    const rule = rules[name];
    for (const output of rule ? rule(input, context) : [input]) {
      context.out.push(
        to === '3.0' ? [output[0], paramsTo3(output[1]), output[2], ...output.slice(3)] : output,
      );
    }
  }
  return context.out;
}

const DATE_OR_TIME = new Set(['bday', 'anniversary', 'deathdate']);

/**
 * 4.0 properties in the one form the card model keeps: a BDAY, ANNIVERSARY or DEATHDATE written
 * with VALUE=date or date-time is a date-and-or-time (the same value, the default type).
 */
export function normaliseV4(properties: KeptProperty[]): KeptProperty[] {
  return properties.map((p) =>
    DATE_OR_TIME.has(p[0]) && (p[2] === 'date' || p[2] === 'date-time')
      ? [p[0], p[1], 'date-and-or-time', ...p.slice(3)]
      : p,
  );
}

/**
 * A stored card's text in the other version (or the same one, normalised): parsed with the
 * pre-pass, converted property by property, written with our PRODID. Throws when the card cannot be
 * parsed, since a stored card was parsed once already.
 */
export function convertVCard(text: string, to: Version, prodId?: string): string {
  const parsed = parseCard(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const properties = parsed.version === to ? parsed.properties : convertProperties(parsed.properties, to);
  return serializeCard(
    properties.filter((p) => p[0] !== 'version' && p[0] !== 'prodid'),
    to,
    prodId,
  );
}
