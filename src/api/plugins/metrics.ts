import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { bearerToken } from './auth-guard.js';
import './route-config.js';

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /metrics in Prometheus' text format, only with METRICS_ENABLED (otherwise the URL is a plain
 * 404), behind `Authorization: Bearer <METRICS_TOKEN>` when a token is configured. Every answered
 * request is counted and timed under its route pattern ('unmatched' for 404s without a route).
 */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  const { metrics, config } = app.deps;
  if (!metrics) return;

  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { config: { rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
    if (config.metricsToken) {
      const token = bearerToken(request);
      if (!token || !sameSecret(token, config.metricsToken)) throw new AppError('NOT_AUTHENTICATED');
    }
    const { contentType, body } = await metrics.render();
    return reply.header('Cache-Control', 'no-store').type(contentType).send(body);
  });
});
