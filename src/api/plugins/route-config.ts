import type { RateLimitName } from '../../config/config.js';
import type { Deps, Services } from '../../container.js';
import type { AuthUser } from '../../services/session-service.js';

/** Who may call a route: any signed-in user, staff (moderator or admin) reading, or admins only. */
export type AuthRequirement = 'user' | 'staff' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on authenticated routes; the guard resolves the bearer token before the handler runs. */
    auth?: AuthRequirement;
    /** Which RATE_LIMIT_* applies; `false` for routes that are never limited (health checks, docs). */
    rateLimit?: RateLimitName | false;
  }
  interface FastifyRequest {
    /** Set by the auth guard on routes with `config.auth`. */
    user?: AuthUser;
  }
  interface FastifyInstance {
    services: Services;
    deps: Deps;
  }
}

/** The signed-in caller of a route declared with `config.auth`. */
export function currentUser(request: { user?: AuthUser }): AuthUser {
  if (!request.user) throw new Error('currentUser() used on a route without config.auth');
  return request.user;
}
