/**
 * The SQL the baseline runs: copied from what the service's repository sends (captured through
 * Drizzle's logger, see capture.ts). Every run compares these strings with a fresh capture and the
 * report says when they have drifted apart.
 */
const PAGE =
  'select "id", "first_name", "last_name", "email", "phone", "birthday", "additional_info", "created_at", "updated_at", (select coalesce(sum("total"), 0) from "contact_counts" where "user_id" = $1) from "contacts" where "contacts"."id" = any(array(';
const IDS = 'select contacts_page_ids($2, $3, $4, $5)';
const END = ')) order by "contacts"."id" asc';

/** A page of the book (contacts_page_ids, migration 0010) plus the kept count (column `coalesce`): params [userId, userId, afterId, limit, skip]. */
export const LIST_PAGE_SQL = `${PAGE}${IDS}${END}`;
/** The live session's user: params [sessionId, userId]. */
export const ME_SQL =
  'select "users"."id", "users"."username", "users"."email", "users"."full_name", "users"."password_hash", "users"."avatar_url", "users"."role", "users"."is_active", "users"."is_verified", "users"."created_at", "users"."updated_at", "sessions"."expires_at" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where ("sessions"."id" = $1 and "sessions"."user_id" = $2 and "sessions"."revoked_at" is null and "sessions"."expires_at" > now())';
