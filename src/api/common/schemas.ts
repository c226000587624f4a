import { type Static, Type } from 'typebox';
import type { UserRow } from '../../database/schema/index.js';
import { gravatarUrl } from '../../lib/gravatar.js';

export const ErrorResponse = Type.Object(
  { detail: Type.String() },
  { $id: 'ErrorResponse', description: 'Every error: {"detail": "<message>"}' },
);

export const ValidationErrorResponse = Type.Object(
  {
    detail: Type.Array(
      Type.Object({
        loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
        msg: Type.String(),
        type: Type.String(),
      }),
    ),
  },
  { description: 'Validation error (FastAPI shape)' },
);

export const MessageResponse = Type.Object({ message: Type.String() });

export const RateLimitedResponse = Type.Object(
  {
    detail: Type.String(),
    retry_after: Type.Integer({ minimum: 1, description: 'Seconds, as in Retry-After' }),
  },
  { description: 'Over the rate limit; the Retry-After header says the same' },
);

export const UserResponse = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String({ format: 'email' }),
  full_name: Type.Union([Type.String(), Type.Null()]),
  avatar_url: Type.String({ description: 'Uploaded avatar, or the Gravatar of the email by default' }),
  role: Type.Union([Type.Literal('user'), Type.Literal('moderator'), Type.Literal('admin')]),
  is_active: Type.Boolean(),
  is_verified: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
});
export type UserResponse = Static<typeof UserResponse>;

/** The public view of a user: never the password hash, never a token. */
export function toUserResponse(user: UserRow): UserResponse {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    full_name: user.fullName,
    avatar_url: user.avatarUrl ?? gravatarUrl(user.email),
    role: user.role,
    is_active: user.isActive,
    is_verified: user.isVerified,
    created_at: user.createdAt.toISOString(),
  };
}

/** Pagination query used by list routes. */
export const SkipParam = Type.Integer({ minimum: 0, default: 0, description: 'Rows to skip' });

/** Standard error responses for documentation; 422 is added for routes with input. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorResponse]));
