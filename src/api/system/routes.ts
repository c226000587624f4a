import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pingRedis } from '../../infra/redis.js';
import { CORS_METHODS } from '../plugins/http.js';

const HEALTH_TIMEOUT_MS = 2000;

const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  database: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
  redis: Type.Union([Type.Literal('connected'), Type.Literal('disconnected'), Type.Literal('disabled')]),
});

export const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['system'],
        summary: 'Welcome message',
        response: { 200: Type.Object({ message: Type.String() }) },
      },
    },
    async () => ({ message: 'Welcome to Contacts API' }),
  );

  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['system'],
        summary: 'Health check',
        description:
          'Checks the database and Redis for real on every call (2 s timeout each). 200 "healthy"; 200 "degraded" while a configured Redis is unreachable (the service keeps working without it); 503 "unhealthy" while the database is unreachable. Never rate limited.',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const { database, redis } = app.deps;
      const [databaseUp, redisUp] = await Promise.all([
        database.ping(HEALTH_TIMEOUT_MS).then(
          () => true,
          () => false,
        ),
        redis ? pingRedis(redis, HEALTH_TIMEOUT_MS) : Promise.resolve(undefined),
      ]);
      const body = {
        status: !databaseUp ? 'unhealthy' : redisUp === false ? 'degraded' : 'healthy',
        database: databaseUp ? 'connected' : 'disconnected',
        redis: redisUp === undefined ? 'disabled' : redisUp ? 'connected' : 'disconnected',
      } as const;
      return reply.code(databaseUp ? 200 : 503).send(body);
    },
  );

  // Browsers ask for it on every visit to /docs or a mailed page: "nothing here", without an error.
  app.get(
    '/favicon.ico',
    {
      config: { rateLimit: false },
      schema: { hide: true, response: { 204: Type.Null() } },
    },
    async (_request, reply) => reply.code(204).header('Cache-Control', 'public, max-age=86400').send(null),
  );

  app.get(
    '/cors-test',
    {
      schema: {
        tags: ['system'],
        summary: 'Shows the CORS settings in force',
        response: {
          200: Type.Object({
            message: Type.String(),
            allowed_origins: Type.Array(Type.String()),
            credentials_allowed: Type.Boolean(),
            allowed_methods: Type.Array(Type.String()),
          }),
        },
      },
    },
    async () => ({
      message: 'CORS is working!',
      allowed_origins: app.deps.config.corsOrigins,
      credentials_allowed: true,
      allowed_methods: CORS_METHODS,
    }),
  );
};
