import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ValidationError } from '../../errors.js';

type Issue = { loc: (string | number)[]; msg: string; type: string };
type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
};

/** An integer as a person writes one: no exponent, no fraction, no sign but minus, no blanks. */
const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;
const MAX_DEPTH = 32;

/** Every JSON type a schema accepts (through `anyOf`/`oneOf` too); empty when it says nothing. */
function acceptedTypes(schema: JsonSchema | undefined): Set<string> {
  const types = new Set<string>();
  if (!schema) return types;
  for (const type of Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []) {
    types.add(type);
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    for (const type of acceptedTypes(branch)) types.add(type);
  }
  return types;
}

/**
 * The typed value of one query or path text, or the text itself when it is not written exactly as its
 * type: Ajv (which never coerces here) then reports it as the wrong type, a 422. `?skip=1e3`,
 * `?limit=2.0`, `?limit=`, `?skip=+1` and `? 1` all stay text.
 */
function typedText(text: string, types: Set<string>): unknown {
  if (types.has('string')) return text;
  if (types.has('integer') && INTEGER_TEXT.test(text)) return Number(text);
  if (types.has('number') && NUMBER_TEXT.test(text)) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** Query strings and path parameters arrive as text: type each property its schema declares. */
function typeTextPart(values: unknown, schema: unknown): void {
  const properties = (schema as JsonSchema | undefined)?.properties;
  if (!properties || !values || typeof values !== 'object') return;
  const record = values as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    if (typeof value === 'string' && Object.hasOwn(properties, name)) {
      record[name] = typedText(value, acceptedTypes(properties[name]));
    }
  }
}

/** Where each text holding U+0000 sits, in FastAPI's `loc` form. */
function nulIssues(value: unknown, loc: (string | number)[], issues: Issue[], depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      issues.push({ loc, msg: 'Value must not contain NUL characters', type: 'value_error' });
    }
    return;
  }
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      nulIssues(item, [...loc, index], issues, depth + 1);
    });
    return;
  }
  for (const [key, item] of Object.entries(value)) nulIssues(item, [...loc, key], issues, depth + 1);
}

/** 422 for any NUL character in the body, query or path: PostgreSQL text cannot hold one. */
function assertNoNul(request: FastifyRequest): void {
  const issues: Issue[] = [];
  nulIssues(request.params, ['path'], issues);
  nulIssues(request.query, ['query'], issues);
  nulIssues(request.body, ['body'], issues);
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * The input rules every route shares, applied once before schema validation: Ajv runs without type
 * coercion (see app.ts), so JSON values must already have their declared type; query strings and path
 * parameters, which are text by nature, are typed here only when written exactly as an integer,
 * number or boolean; and no text anywhere may hold a NUL character.
 */
export const inputRules = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    if (schema?.querystring) typeTextPart(request.query, schema.querystring);
    if (schema?.params) typeTextPart(request.params, schema.params);
    assertNoNul(request);
  });
});
