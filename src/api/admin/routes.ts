import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, toUserResponse, UserResponse } from '../common/schemas.js';
import { currentUser } from '../plugins/route-config.js';
import {
  AdminUserResponse,
  RoleBody,
  RoleParams,
  StatsResponse,
  StatusBody,
  UserIdParams,
  UserListQuery,
  UserPageResponse,
} from './schemas.js';

const READ = 'Moderators and admins; anyone else gets 403 "Admin access required".';
const WRITE =
  'Admins only; anyone else gets 403 "Admin access required". 409 "At least one active admin must remain" when the change would leave no active admin (checked by the database, so it holds for concurrent changes too).';

/** User administration under /api/admin: staff read, admins change. */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admin = () => app.services.admin;

  app.get(
    '/users',
    {
      config: { auth: 'staff' },
      schema: {
        tags: ['admin'],
        summary: 'List users',
        description: `Ordered by id, filtered by role and/or a search text. ${READ}`,
        querystring: UserListQuery,
        response: { 200: UserPageResponse },
      },
    },
    async (request) => {
      const { skip, limit, role, search } = request.query;
      const page = await admin().listUsers({ skip, limit, role, search });
      return {
        users: page.rows.map(toUserResponse),
        total: page.total,
        skip: page.skip,
        limit: page.limit,
        has_next: page.hasNext,
      };
    },
  );

  app.get(
    '/users/by-role/:role',
    {
      config: { auth: 'staff' },
      schema: {
        tags: ['admin'],
        summary: 'Users with one role',
        description: `Every user with the role, ordered by id. An unknown role is 422. ${READ}`,
        params: RoleParams,
        response: { 200: Type.Array(UserResponse) },
      },
    },
    async (request) => (await admin().listByRole(request.params.role)).map(toUserResponse),
  );

  app.get(
    '/users/:id',
    {
      config: { auth: 'staff' },
      schema: {
        tags: ['admin'],
        summary: 'One user, with their number of contacts',
        description: READ,
        params: UserIdParams,
        response: { 200: AdminUserResponse, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { user, contactsCount } = await admin().getUser(request.params.id);
      return { ...toUserResponse(user), contacts_count: contactsCount };
    },
  );

  app.put(
    '/users/:id/role',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "Change a user's role",
        description: `Effective at once, on the user's current tokens too. An admin cannot demote themselves (400), so there is always an admin left. ${WRITE}`,
        params: UserIdParams,
        body: RoleBody,
        response: { 200: UserResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      toUserResponse(await admin().setRole(currentUser(request), request.params.id, request.body.role)),
  );

  app.put(
    '/users/:id/status',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Activate or deactivate a user',
        description:
          'A deactivated user cannot log in, and their existing tokens answer 403 "Inactive user" from the next request on, on every instance. ' +
          'Their sessions are kept (a refresh attempt while inactive ends that session), so after reactivation tokens that have not expired work again; ' +
          `revoke sessions by other means if the account was compromised. An admin cannot deactivate themselves (400). ${WRITE}`,
        params: UserIdParams,
        body: StatusBody,
        response: { 200: UserResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      toUserResponse(
        await admin().setStatus(currentUser(request), request.params.id, request.body.is_active),
      ),
  );

  app.delete(
    '/users/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Delete a user',
        description: `Deletes the user with their contacts, sessions (their tokens answer 401 at once) and uploaded avatar. An admin cannot delete themselves (400). ${WRITE}`,
        params: UserIdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      await admin().deleteUser(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/stats',
    {
      config: { auth: 'staff' },
      schema: {
        tags: ['admin'],
        summary: 'User and contact counts',
        description: `users_by_role always has the three roles, 0 included. ${READ}`,
        response: { 200: StatsResponse },
      },
    },
    async () => {
      const stats = await admin().stats();
      return {
        total_users: stats.totalUsers,
        active_users: stats.activeUsers,
        verified_users: stats.verifiedUsers,
        users_by_role: stats.usersByRole,
        total_contacts: stats.totalContacts,
      };
    },
  );
};
