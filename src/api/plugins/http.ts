import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { ErrorResponse } from '../common/schemas.js';

export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Helmet's default CSP minus `upgrade-insecure-requests`: over plain HTTP on any host but localhost (a
 * VM, a LAN address, a container) that directive makes the browser fetch every asset and send every
 * form request over https, where nothing answers, so /docs stays blank and the reset form does nothing.
 * TLS belongs to the proxy in front of a public deployment (with HSTS there); every other directive stays.
 */
const CSP_DIRECTIVES = {
  'script-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'https:'],
  'upgrade-insecure-requests': null,
};

/** The framework plugins, each configured in one place: security headers, CORS, OpenAPI. */
export async function httpPlugins(app: FastifyInstance, config: Readonly<Config>) {
  // The API docs and the two small HTML pages load their scripts and styles from this origin only.
  await app.register(helmet, { contentSecurityPolicy: { directives: CSP_DIRECTIVES } });

  // @fastify/cors answers a preflight without these headers with a plain-text 400; answer it first, in
  // the API's shape. (Registered before the CORS plugin, so this hook runs before its own.)
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'OPTIONS') return;
    if (request.headers.origin && request.headers['access-control-request-method']) return;
    return reply.code(400).send({
      detail: 'Invalid CORS preflight request: Origin and Access-Control-Request-Method are required',
    });
  });

  const anyOrigin = config.corsOrigins.includes('*');
  await app.register(cors, {
    // With credentials a browser refuses "*", so "*" in CORS_ORIGINS reflects the caller's origin.
    origin: anyOrigin ? true : config.corsOrigins,
    credentials: true,
    methods: CORS_METHODS,
    exposedHeaders: ['X-Total-Count', 'Retry-After'],
  });

  app.addSchema(ErrorResponse);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Contacts API',
        version: '1.0.0',
        description:
          'Sign up, verify your email, log in and keep a private address book. Errors are `{"detail": "<message>"}`; validation errors are 422 in FastAPI\'s shape. Every route is rate limited (429 with Retry-After) unless said otherwise.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      tags: [
        { name: 'system' },
        { name: 'auth' },
        { name: 'users' },
        { name: 'contacts' },
        { name: 'admin' },
      ],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url }) => ({ schema: optionalDefaults(schema), url }),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI's own static CSP ends with `upgrade-insecure-requests` too (see CSP_DIRECTIVES).
    transformStaticCSP: (header) =>
      header
        .split(';')
        .filter((directive) => directive.trim() !== 'upgrade-insecure-requests')
        .join(';'),
  });
  app.get('/openapi.json', { config: { rateLimit: false }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}

/** Multipart bodies, registered only in the scope of the upload routes: a JSON route answers them 415. */
export async function uploadPlugins(scope: FastifyInstance, config: Readonly<Config>) {
  await scope.register(multipart, {
    limits: { fileSize: config.avatarMaxBytes, files: 1, fields: 10, fieldSize: 1024 },
  });
}

type DocumentedSchema = {
  querystring?: { properties?: Record<string, { default?: unknown }>; required?: string[] };
};

/**
 * A query parameter with a default (`skip`, `limit`, `days_ahead`…) may be left out, whatever the
 * validation schema's `required` says (Ajv fills the default in before it checks): the OpenAPI
 * document must not mark it required.
 */
function optionalDefaults<T>(schema: T): T {
  const query = (schema as DocumentedSchema | undefined)?.querystring;
  if (!query?.required || !query.properties) return schema;
  const properties = query.properties;
  const required = query.required.filter((name) => properties[name]?.default === undefined);
  return { ...schema, querystring: { ...query, required } } as T;
}
