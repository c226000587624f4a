/**
 * The SQL the baseline runs: copied from what the service's repository sends (captured through
 * Drizzle's logger, see capture.ts). Every run compares these strings with a fresh capture and the
 * report says when they have drifted apart.
 */
const PAGE_IDS =
  'select "id" from "contacts" where "contacts"."user_id" = $3 order by "contacts"."user_id" asc, "contacts"."id" asc limit $4';
const PAGE =
  'select "id", "first_name", "last_name", "email", "phone", "birthday", "additional_info", "created_at", "updated_at", (select coalesce(sum("total"), 0) from "contact_counts" where "user_id" = $1) from "contacts" where ("contacts"."user_id" = $2 and "contacts"."id" in (';

/** A page of contacts (ids from the (user_id, id) index) plus the kept count (as column `coalesce`): params [userId, userId, userId, limit]. */
export const LIST_FIRST_PAGE_SQL = `${PAGE}${PAGE_IDS})) order by "contacts"."id" asc`;
/** The same with an offset: params [userId, userId, userId, limit, skip]. */
export const LIST_PAGE_SQL = `${PAGE}${PAGE_IDS} offset $5)) order by "contacts"."id" asc`;
/** The live session's user: params [sessionId, userId]. */
export const ME_SQL =
  'select "users"."id", "users"."username", "users"."email", "users"."full_name", "users"."password_hash", "users"."avatar_url", "users"."role", "users"."is_active", "users"."is_verified", "users"."created_at", "users"."updated_at" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where ("sessions"."id" = $1 and "sessions"."user_id" = $2 and "sessions"."revoked_at" is null and "sessions"."expires_at" > now())';
