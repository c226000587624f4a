import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { ErrorResponse } from '../common/schemas.js';

export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The framework plugins, each configured in one place: security headers, CORS, uploads, OpenAPI. */
export async function httpPlugins(app: FastifyInstance, config: Readonly<Config>) {
  await app.register(helmet, {
    // The API docs and the two small HTML pages load their scripts and styles from this origin only.
    contentSecurityPolicy: {
      directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:', 'https:'] },
    },
  });

  const anyOrigin = config.corsOrigins.includes('*');
  await app.register(cors, {
    // With credentials a browser refuses "*", so "*" in CORS_ORIGINS reflects the caller's origin.
    origin: anyOrigin ? true : config.corsOrigins,
    credentials: true,
    methods: CORS_METHODS,
    exposedHeaders: ['X-Total-Count', 'Retry-After'],
  });

  await app.register(multipart, {
    limits: { fileSize: config.avatarMaxBytes, files: 1, fields: 10, fieldSize: 1024 },
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
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { config: { rateLimit: false }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
