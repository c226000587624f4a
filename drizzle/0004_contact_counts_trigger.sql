-- Keep contact_counts in step with contacts, in the same transaction as each insert or delete.
-- Each change lands on one of 16 shard rows chosen at random, so concurrent inserts into one book
-- rarely wait on the same row lock; a user's count is the sum of their shards.
INSERT INTO "contact_counts" ("user_id", "shard", "total")
SELECT "user_id", 0, count(*) FROM "contacts" GROUP BY "user_id";
--> statement-breakpoint
CREATE FUNCTION "contacts_count_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "contact_counts" ("user_id", "shard", "total")
    VALUES (NEW."user_id", floor(random() * 16)::smallint, 1)
    ON CONFLICT ("user_id", "shard") DO UPDATE SET "total" = "contact_counts"."total" + 1;
  ELSE
    -- Decrement a shard that exists (every book with contacts has one). Never insert here: when the
    -- user is being deleted, a new row would point at a user that is going away.
    UPDATE "contact_counts" SET "total" = "total" - 1
    WHERE "user_id" = OLD."user_id"
      AND "shard" = (SELECT min("shard") FROM "contact_counts" WHERE "user_id" = OLD."user_id");
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "contacts_count" AFTER INSERT OR DELETE ON "contacts"
FOR EACH ROW EXECUTE FUNCTION "contacts_count_changed"();
