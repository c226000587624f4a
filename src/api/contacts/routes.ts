// SCAFFOLD: replaced by the real routes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const contactsRoutes: FastifyPluginAsyncTypebox = async () => {};
