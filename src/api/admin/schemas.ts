import { Type } from 'typebox';
import { UserResponse } from '../common/schemas.js';

export const Role = Type.Union([Type.Literal('user'), Type.Literal('moderator'), Type.Literal('admin')], {
  description: 'user, moderator or admin',
});

/** Ids are PostgreSQL integers: anything beyond is a bad request, not a database error. */
export const UserIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export const RoleParams = Type.Object({ role: Role });

export const UserListQuery = Type.Object({
  skip: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0, description: 'Rows to skip' }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Page size (1–100)' }),
  role: Type.Optional(Role),
  search: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'Case-insensitive substring of the username, email or full name; % and _ match literally',
    }),
  ),
});

export const UserPageResponse = Type.Object({
  users: Type.Array(UserResponse),
  total: Type.Integer({ description: 'Users matching the filters, before skip/limit' }),
  skip: Type.Integer(),
  limit: Type.Integer(),
  has_next: Type.Boolean({ description: 'True when more users follow this page' }),
});

export const AdminUserResponse = Type.Object({
  ...UserResponse.properties,
  contacts_count: Type.Integer({ description: 'How many contacts the user keeps' }),
});

export const RoleBody = Type.Object({ role: Role });

export const StatusBody = Type.Object({ is_active: Type.Boolean() });

export const StatsResponse = Type.Object({
  total_users: Type.Integer(),
  active_users: Type.Integer(),
  verified_users: Type.Integer(),
  users_by_role: Type.Object({ user: Type.Integer(), moderator: Type.Integer(), admin: Type.Integer() }),
  total_contacts: Type.Integer(),
});
