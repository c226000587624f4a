-- The ids of a page of one user's book, in id order: one range scan of the (user_id, id) index,
-- whatever the planner believes about the book. Without statistics (a book just written through the
-- API, before autovacuum analyses it) PostgreSQL guesses a handful of rows for the user and prefers a
-- bitmap scan of the whole book plus a sort; the settings below leave it only the ordered index scan.
-- A function with SET clauses is never inlined, so they hold for its body alone. $1 user, $2 the id
-- to start after (0 for the first page), $3 limit, $4 offset.
CREATE FUNCTION "contacts_page_ids"(integer, integer, integer, integer) RETURNS SETOF integer
LANGUAGE sql STABLE
SET enable_bitmapscan = off SET enable_seqscan = off SET enable_sort = off
AS $$
  SELECT "id" FROM "contacts" WHERE "user_id" = $1 AND "id" > $2
  ORDER BY "user_id", "id" LIMIT $3 OFFSET $4
$$;
