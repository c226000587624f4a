import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { adminRoutes } from './api/admin/routes.js';
import { authRoutes } from './api/auth/routes.js';
import { contactsRoutes } from './api/contacts/routes.js';
import { authGuard } from './api/plugins/auth-guard.js';
import { clientErrorHandler } from './api/plugins/client-errors.js';
import { errorHandling } from './api/plugins/error-handler.js';
import { httpPlugins, uploadPlugins } from './api/plugins/http.js';
import { metricsPlugin } from './api/plugins/metrics.js';
import { requestId } from './api/plugins/request-id.js';
import { inputRules } from './api/plugins/validation.js';
import { systemRoutes } from './api/system/routes.js';
import { avatarRoutes } from './api/users/avatar-routes.js';
import { createServices, type Deps } from './container.js';
import { fastifyTrustProxy } from './lib/trust-proxy.js';

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
    // A hop count becomes a function: Fastify ignores a plain number (see fastifyTrustProxy).
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    ...timeouts(deps.config.requestTimeoutMs),
    clientErrorHandler,
    frameworkErrors,
    // A JWT in the path (GET /api/auth/confirmed_email/{token}) is far longer than the default 100.
    // `/api/contacts/` is `/api/contacts`, on every route.
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
    // The client's X-Request-Id is used only when short and safe (request-id.ts).
    requestIdHeader: false,
    genReqId: requestId,
    // A `__proto__` or `constructor.prototype` key is an unknown field like any other: dropped, never
    // applied, and never a misleading "malformed JSON".
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    // Types are never coerced: a JSON value must have its declared type. Query and path texts are typed
    // strictly, once for every route, by inputRules (validation.ts).
    ajv: {
      customOptions: { allErrors: true, coerceTypes: false, useDefaults: true, removeAdditional: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Past the cap a new connection is closed at once; those in flight keep being served.
  app.server.maxConnections = deps.config.maxConnections;

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

  // JSON routes take JSON only: Fastify's text/plain parser would let a plain-text body reach a JSON
  // route as a string. Forms are parsed only in the login route's scope, multipart only for uploads.
  app.removeContentTypeParser('text/plain');

  await errorHandling(app as unknown as FastifyInstance);
  await httpPlugins(app as unknown as FastifyInstance, deps.config);
  await app.register(authGuard);
  await app.register(inputRules);
  await app.register(metricsPlugin);

  await app.register(systemRoutes);
  await app.register(authRoutes);
  await app.register(async (uploads) => {
    await uploadPlugins(uploads, deps.config);
    await uploads.register(avatarRoutes);
  });
  await app.register(contactsRoutes, { prefix: '/api/contacts' });
  await app.register(adminRoutes, { prefix: '/api/admin' });
  return app;
}

/**
 * A request must arrive whole within REQUEST_TIMEOUT_MS (408 otherwise) and its headers within 10 s, so a
 * client trickling bytes cannot hold a connection for minutes; an idle socket is closed after the same
 * time. Node checks these deadlines on an interval, kept short so the cut comes close to the deadline.
 */
function timeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs,
    http: {
      headersTimeout: Math.min(10_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    },
  };
}

/**
 * Requests the router refuses before any route runs. A path parameter longer than the router takes
 * (2 048 characters) names nothing that exists: 404, as for any unknown URL. Broken percent-encoding
 * is a malformed URL.
 */
function frameworkErrors(error: Error & { code?: string }, _request: unknown, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') reply.code(404).send({ detail: 'Not Found' });
  else reply.code(400).send({ detail: 'Malformed URL' });
}

export type App = Awaited<ReturnType<typeof buildApp>>;
