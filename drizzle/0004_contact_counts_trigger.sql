-- Keep contact_counts in step with contacts, in the same transaction as each insert or delete.
-- Existing books are counted once here.
INSERT INTO "contact_counts" ("user_id", "total")
SELECT "user_id", count(*) FROM "contacts" GROUP BY "user_id"
ON CONFLICT ("user_id") DO UPDATE SET "total" = EXCLUDED."total";
--> statement-breakpoint
CREATE FUNCTION "contacts_count_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "contact_counts" ("user_id", "total") VALUES (NEW."user_id", 1)
    ON CONFLICT ("user_id") DO UPDATE SET "total" = "contact_counts"."total" + 1;
  ELSE
    UPDATE "contact_counts" SET "total" = "total" - 1 WHERE "user_id" = OLD."user_id";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "contacts_count" AFTER INSERT OR DELETE ON "contacts"
FOR EACH ROW EXECUTE FUNCTION "contacts_count_changed"();
