import type { KeptProperty } from '../card.js';

/** Small helpers over jCard property arrays `[name, params, valueType, ...values]`. */

export type Params = Record<string, unknown>;

/** A parameter's values as strings: jCard holds one value as a string and several as an array. */
export function paramValues(params: Params, name: string): string[] {
  const value = params[name];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string' && !value.includes(',')) return value === '' ? [] : [value];
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .filter((v) => v !== '');
}

/** One value, or an array when several (the jCard rule for a multi-valued parameter). */
export function paramValue(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}

/** A copy of params with the given names removed. */
export function without(params: Params, ...names: string[]): Params {
  const copy: Params = {};
  for (const [key, value] of Object.entries(params)) if (!names.includes(key)) copy[key] = value;
  return copy;
}

/** The first value of a property as text (a structured value's first component). */
export function firstText(prop: KeptProperty): string {
  const value = prop[3];
  if (Array.isArray(value))
    return value.length > 0 ? String(Array.isArray(value[0]) ? value[0].join(',') : value[0]) : '';
  return value === undefined || value === null ? '' : String(value);
}

/** The group of a property (Apple's `item1.`), lower-cased as ical.js reads it. */
export function groupOf(prop: KeptProperty): string | null {
  const group = prop[1].group;
  return typeof group === 'string' && group !== '' ? group.toLowerCase() : null;
}

/** A group name (`item<n>`) not used by any of the properties. */
export function freeGroup(props: KeptProperty[], taken: Set<string> = new Set()): string {
  for (const prop of props) {
    const group = groupOf(prop);
    if (group) taken.add(group);
  }
  let n = 1;
  while (taken.has(`item${n}`)) n++;
  taken.add(`item${n}`);
  return `item${n}`;
}
