-- "An admin is always left", checked by the database so that it holds under concurrency: two admins
-- demoting (or deactivating, or deleting) each other at the same moment must not both succeed.
-- Every change that takes an active admin away serialises on one advisory lock for the rest of its
-- transaction, then looks (with a fresh snapshot, so it sees the other's committed change) for
-- another active admin. A book without any admin yet (a fresh install) is not affected.
CREATE FUNCTION "users_keep_an_admin"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."role" = 'admin' AND OLD."is_active"
     AND (TG_OP = 'DELETE' OR NEW."role" <> 'admin' OR NOT NEW."is_active") THEN
    PERFORM pg_advisory_xact_lock(7220412);
    IF NOT EXISTS (SELECT 1 FROM "users" WHERE "role" = 'admin' AND "is_active" AND "id" <> OLD."id") THEN
      RAISE EXCEPTION 'the last active admin cannot be removed'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'users_last_admin';
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "users_keep_an_admin" AFTER UPDATE OF "role", "is_active" OR DELETE ON "users"
FOR EACH ROW EXECUTE FUNCTION "users_keep_an_admin"();
