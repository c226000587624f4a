/**
 * The SQL the baseline runs: copied from what the service's repository sends (captured through
 * Drizzle's logger, see capture.ts). Every run compares these strings with a fresh capture and the
 * report says when they have drifted apart.
 */
const PAGE =
  'select "id", "first_name", "last_name", "email", "phone", "birthday", "additional_info", "created_at", "updated_at", (select coalesce(sum("total"), 0) from "contact_counts" where "user_id" = $1) from "contacts" where "contacts"."id" = any(array(';
const WALK = `with recursive walk(id, n) as (
      (select "contacts"."id", 1 from "contacts"
        where "contacts"."user_id" = $2 and "contacts"."id" > $3
        order by "contacts"."user_id", "contacts"."id" limit 1)
      union all
      (select next_id.id, walk.n + 1 from walk cross join lateral
        (select c.id from "contacts" c where c.user_id = $4 and c.id > walk.id
          order by c.user_id, c.id limit 1) next_id
        where walk.n < $5)
    )
    select id from walk where n > $6`;
const OFFSET_IDS =
  'select "id" from "contacts" where ("contacts"."user_id" = $2 and "contacts"."id" > $3) order by "contacts"."user_id" asc, "contacts"."id" asc limit $4 offset $5';
const END = ')) order by "contacts"."id" asc';

/** A near page (skip + limit ≤ 200), ids walked in the (user_id, id) index, plus the kept count (column `coalesce`): params [userId, userId, afterId, userId, skip + limit, skip]. */
export const LIST_FIRST_PAGE_SQL = `${PAGE}${WALK}${END}`;
/** A deep page by offset: params [userId, userId, afterId, limit, skip]. */
export const LIST_PAGE_SQL = `${PAGE}${OFFSET_IDS}${END}`;
/** The service's limit between the two forms (src/repository/contacts-book-page.ts, INDEX_WALK_MAX_ROWS). */
export const WALK_MAX_ROWS = 200;
/** The live session's user: params [sessionId, userId]. */
export const ME_SQL =
  'select "users"."id", "users"."username", "users"."email", "users"."full_name", "users"."password_hash", "users"."avatar_url", "users"."role", "users"."is_active", "users"."is_verified", "users"."created_at", "users"."updated_at", "sessions"."expires_at" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where ("sessions"."id" = $1 and "sessions"."user_id" = $2 and "sessions"."revoked_at" is null and "sessions"."expires_at" > now())';
