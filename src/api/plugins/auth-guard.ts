import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { rateLimitAddress } from '../../lib/client-address.js';
import { ErrorResponse, RateLimitedResponse } from '../common/schemas.js';
import './route-config.js';

// Inlined without its $id: fast-json-stringify cannot resolve a `$ref: 'ErrorResponse#'` in a route
// that also inlines ErrorResponse itself (as errorResponses() does), and the app fails to start.
const { $id: _inlined, ...ERROR_SHAPE } = ErrorResponse as typeof ErrorResponse & { $id?: string };

const STAFF_ROLES = new Set(['moderator', 'admin']);

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.trim().split(/\s+/, 2);
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/**
 * Runs before the body is parsed: resolves the bearer token of routes with `config.auth`, checks the
 * role, then counts the request against its rate limit (per user when signed in, per IP otherwise).
 * Routes with `config.auth` also get the bearer scheme and 401/403 in their OpenAPI description, and every
 * limited route its 429.
 */
export const authGuard = fp(async (app: FastifyInstance) => {
  app.addHook('onRoute', (route) => {
    const limited = route.config?.rateLimit !== false;
    if (!route.config?.auth && !limited) return;
    route.schema = {
      ...route.schema,
      ...(route.config?.auth ? { security: [{ bearerAuth: [] }] } : {}),
      response: {
        ...(route.config?.auth ? { 401: ERROR_SHAPE, 403: ERROR_SHAPE } : {}),
        ...(route.schema?.response as object | undefined),
        // One 429 shape for every limited route: it is also the serializer, so `retry_after` survives.
        ...(limited ? { 429: RateLimitedResponse } : {}),
      },
    };
  });

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    // Unmatched URLs (404s) carry no route config and are not counted.
    const limit =
      config.rateLimit === false || !request.routeOptions.url ? undefined : (config.rateLimit ?? 'default');
    const consume = (key: string) => (limit ? app.deps.rateLimits.consume(limit, key) : undefined);
    if (config.auth) {
      try {
        const token = bearerToken(request);
        if (!token) throw new AppError('NOT_AUTHENTICATED');
        request.user = await app.services.sessions.authenticate(token);
      } catch (error) {
        // A failed authentication counts against the client's address, so guessing or replaying tokens
        // is limited like any anonymous call (429 once over the limit, instead of endless 401s).
        if (error instanceof AppError && error.status === 401)
          await consume(`ip:${rateLimitAddress(request.ip)}`);
        throw error;
      }
      const user = request.user;
      // Counted before the role checks: refused calls of a signed-in user are calls too.
      await consume(`user:${user.id}`);
      if (!user.isActive) throw new AppError('INACTIVE_USER');
      if (config.auth === 'staff' && !STAFF_ROLES.has(user.role)) throw new AppError('ADMIN_REQUIRED');
      if (config.auth === 'admin' && user.role !== 'admin') throw new AppError('ADMIN_REQUIRED');
      return;
    }
    await consume(`ip:${rateLimitAddress(request.ip)}`);
  });
});
