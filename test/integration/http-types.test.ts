import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestContext, type TestUser } from '../helpers/app.js';

type Schema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
};
type Parameter = { name: string; in: 'query' | 'path' | 'header'; schema: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type Route = { method: string; path: string; operation: Operation };

let ctx: TestContext;
let admin: TestUser;
let routes: Route[];
let components: Record<string, Schema>;

beforeAll(async () => {
  ctx = await createTestApp();
  admin = await ctx.createUser({ role: 'admin' });
  const document = json(await ctx.app.inject({ url: '/openapi.json' }));
  components = document.components?.schemas ?? {};
  routes = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
    ([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
      })),
  );
});
afterAll(() => ctx?.close());

function resolve(schema: Schema): Schema {
  return schema.$ref ? (components[schema.$ref.split('/').pop() ?? ''] ?? schema) : schema;
}

/** The JSON types a schema accepts (a union's too). */
function types(schema: Schema): string[] {
  const resolved = resolve(schema);
  return [
    ...(resolved.type ? [resolved.type] : []),
    ...(resolved.anyOf ?? []).flatMap((branch) => types(branch)),
  ];
}

/** A value of the wrong JSON type for a schema: never the type it declares. */
function wrongValue(schema: Schema): unknown {
  const accepted = types(schema);
  if (accepted.includes('string')) return accepted.includes('integer') ? true : 42;
  if (accepted.includes('integer') || accepted.includes('number')) return '1';
  if (accepted.includes('boolean')) return 'true';
  return 'text';
}

/** The route's path with every parameter filled in: integers as `1`, text as `x`, or as overridden. */
function fillPath(route: Route, override: Record<string, string> = {}): string {
  const parameters = route.operation.parameters ?? [];
  return route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    if (override[name] !== undefined) return override[name];
    const parameter = parameters.find((item) => item.in === 'path' && item.name === name);
    return parameter && types(parameter.schema).includes('integer') ? '1' : 'x';
  });
}

function call(route: Route, url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return ctx.app.inject({
    method: route.method as 'GET',
    url,
    headers: { ...admin.auth, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}

function locs(response: LightMyRequestResponse): unknown[] {
  const detail = json(response).detail;
  return Array.isArray(detail) ? detail.map((item: { loc: unknown }) => item.loc) : [];
}

function jsonBodySchema(route: Route): Schema | undefined {
  const schema = route.operation.requestBody?.content['application/json']?.schema;
  if (!schema) return undefined;
  const resolved = resolve(schema);
  // The logout body is "an object or nothing": its object branch holds the fields.
  return resolved.properties ? resolved : resolved.anyOf?.map(resolve).find((branch) => branch.properties);
}

describe('types are never coerced, on every route of the OpenAPI document', () => {
  it('the document lists the routes with inputs this walk checks', () => {
    expect(routes.filter((route) => jsonBodySchema(route)).length).toBeGreaterThanOrEqual(12);
    expect(routes.filter((route) => route.operation.parameters?.length).length).toBeGreaterThanOrEqual(12);
  });

  it('a JSON body field of the wrong type is 422 at that field', async () => {
    let checked = 0;
    for (const route of routes) {
      const schema = jsonBodySchema(route);
      for (const [field, fieldSchema] of Object.entries(schema?.properties ?? {})) {
        const response = await call(route, fillPath(route), { [field]: wrongValue(fieldSchema) });
        const where = `${route.method} ${route.path} ${field}`;
        expect(response.statusCode, where).toBe(422);
        expect(locs(response), where).toContainEqual(['body', field]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });

  it('a query or path integer not written as one is 422 at that parameter', async () => {
    let checked = 0;
    for (const route of routes) {
      for (const parameter of route.operation.parameters ?? []) {
        if (!types(parameter.schema).includes('integer')) continue;
        for (const text of ['1e3', '2.0', '+1', ' 1', '0x10', '']) {
          if (parameter.in === 'path' && text === '') continue;
          const encoded = encodeURIComponent(text);
          const url =
            parameter.in === 'path'
              ? fillPath(route, { [parameter.name]: encoded })
              : `${fillPath(route)}?${parameter.name}=${encoded}`;
          const response = await call(route, url);
          const where = `${route.method} ${url}`;
          expect(response.statusCode, where).toBe(422);
          expect(locs(response), where).toContainEqual([
            parameter.in === 'path' ? 'path' : 'query',
            parameter.name,
          ]);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(60);
  });

  it('a repeated query parameter where one text belongs is 422', async () => {
    let checked = 0;
    for (const route of routes.filter((item) => item.method === 'GET')) {
      for (const parameter of route.operation.parameters ?? []) {
        if (parameter.in !== 'query' || !types(parameter.schema).includes('string')) continue;
        const url = `${fillPath(route)}?${parameter.name}=a&${parameter.name}=b`;
        const response = await call(route, url);
        expect(response.statusCode, url).toBe(422);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('the contract examples: numbers, booleans and arrays where text belongs; integers written oddly', async () => {
    for (const first_name of [42, true, ['Ada'], { name: 'Ada' }]) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/contacts',
        headers: admin.auth,
        payload: { first_name },
      });
      expect(response.statusCode, JSON.stringify(first_name)).toBe(422);
      expect(locs(response)).toEqual([['body', 'first_name']]);
    }
    const status = await ctx.app.inject({
      method: 'PUT',
      url: `/api/admin/users/${admin.id}/status`,
      headers: admin.auth,
      payload: { is_active: 'false' },
    });
    expect(status.statusCode).toBe(422);
    for (const query of ['skip=1e3', 'limit=2.0', 'limit=', 'skip=+1', 'skip=%201', 'skip=1%20']) {
      const response = await ctx.app.inject({ url: `/api/contacts?${query}`, headers: admin.auth });
      expect(response.statusCode, query).toBe(422);
      expect(locs(response)[0], query).toEqual(['query', query.split('=')[0]]);
    }
    const fine = await ctx.app.inject({ url: '/api/contacts?skip=0&limit=5', headers: admin.auth });
    expect(fine.statusCode).toBe(200);
    const ok = await ctx.app.inject({
      url: '/api/admin/users?skip=0&limit=2&role=admin',
      headers: admin.auth,
    });
    expect(json(ok)).toMatchObject({ skip: 0, limit: 2 });
    expect(
      (await ctx.app.inject({ url: `/api/contacts/${'1'.repeat(30)}`, headers: admin.auth })).statusCode,
    ).toBe(404);
  });
});

describe('a NUL character is a 422 in every text input, never a 500', () => {
  it('in every text field of every JSON body', async () => {
    let checked = 0;
    for (const route of routes) {
      const schema = jsonBodySchema(route);
      for (const [field, fieldSchema] of Object.entries(schema?.properties ?? {})) {
        if (!types(fieldSchema).includes('string')) continue;
        const response = await call(route, fillPath(route), { [field]: 'a\u0000b' });
        const where = `${route.method} ${route.path} ${field}`;
        expect(response.statusCode, where).toBe(422);
        expect(locs(response), where).toContainEqual(['body', field]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('in every text query and path parameter', async () => {
    let checked = 0;
    for (const route of routes) {
      for (const parameter of route.operation.parameters ?? []) {
        if (parameter.in === 'header' || !types(parameter.schema).includes('string')) continue;
        const url =
          parameter.in === 'path'
            ? fillPath(route, { [parameter.name]: 'a%00b' })
            : `${fillPath(route)}?${parameter.name}=a%00b`;
        const response = await call(route, url);
        expect(response.statusCode, `${route.method} ${url}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, `${route.method} ${url}`).toBeLessThan(500);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('in the login username (JSON and form) and the register full_name', async () => {
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ali\u0000ce', password: 'whatever-password' },
    });
    expect(login.statusCode).toBe(422);
    expect(locs(login)).toEqual([['body', 'username']]);
    const form = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=ali%00ce&password=whatever-password',
    });
    expect(form.statusCode).toBe(422);
    const register = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        username: 'nul_user',
        email: 'nul@example.com',
        password: 'Long-enough-1',
        full_name: 'A\u0000',
      },
    });
    expect(register.statusCode).toBe(422);
    expect(locs(register)).toEqual([['body', 'full_name']]);
    // Nested: every element of an array is checked too (bodies with lists come with v2).
    const nested = await ctx.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: admin.auth,
      payload: { first_name: 'Ada', extra: [{ deep: 'x\u0000' }] },
    });
    expect(nested.statusCode).toBe(422);
    expect(locs(nested)).toEqual([['body', 'extra', 0, 'deep']]);
  });
});
