import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { adminRoutes } from './api/admin/routes.js';
import { authRoutes } from './api/auth/routes.js';
import { contactsRoutes } from './api/contacts/routes.js';
import { authGuard } from './api/plugins/auth-guard.js';
import { clientErrorHandler } from './api/plugins/client-errors.js';
import { errorHandling } from './api/plugins/error-handler.js';
import { httpPlugins } from './api/plugins/http.js';
import { metricsPlugin } from './api/plugins/metrics.js';
import { systemRoutes } from './api/system/routes.js';
import { avatarRoutes } from './api/users/avatar-routes.js';
import { createServices, type Deps } from './container.js';

/** Largest JSON body accepted (avatars have their own limit): contacts and auth bodies are small. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Builds the application on already-opened dependencies: wires plugins, the auth guard, the error
 * handler and the routes. It opens nothing itself, so tests can build one per database.
 */
export async function buildApp(
  deps: Deps,
  options: Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> = {},
) {
  const app = Fastify({
    ...options,
    trustProxy: deps.config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    clientErrorHandler,
    // A URL with broken percent-encoding never reaches a route: answer it in the API's shape.
    frameworkErrors: (_error, _request, reply: FastifyReply) => {
      reply.code(400).send({ detail: 'Malformed URL' });
    },
    // A JWT in the path (GET /api/auth/confirmed_email/{token}) is far longer than the default 100.
    routerOptions: { maxParamLength: 2048 },
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: {
      customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('deps', deps);
  app.decorate('services', createServices(deps));
  // While shutting down, every answer closes its connection, so keep-alive clients move to another
  // instance and the drain ends as soon as the requests in flight are done.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    if (closing) reply.header('Connection', 'close');
  });

  // OAuth2's password flow posts the login as a form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  await errorHandling(app as unknown as FastifyInstance);
  await httpPlugins(app as unknown as FastifyInstance, deps.config);
  await app.register(authGuard);
  await app.register(metricsPlugin);

  await app.register(systemRoutes);
  await app.register(authRoutes);
  await app.register(avatarRoutes);
  await app.register(contactsRoutes, { prefix: '/api/contacts' });
  await app.register(adminRoutes, { prefix: '/api/admin' });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
