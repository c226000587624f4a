-- The book's version: every insert, update and delete of a user's contacts adds 1 to `changes` on one
-- of their contact_counts shards (the same random shard choice as the count, so concurrent writes to
-- one book rarely share a row lock). The sum over the shards only grows: a reader that saw version V
-- and sees V again knows nothing in the book changed in between (the search result cache relies on it).
ALTER TABLE "contact_counts" ADD COLUMN "changes" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "contacts_count_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "contact_counts" ("user_id", "shard", "total", "changes")
    VALUES (NEW."user_id", floor(random() * 16)::smallint, 1, 1)
    ON CONFLICT ("user_id", "shard") DO UPDATE
      SET "total" = "contact_counts"."total" + 1, "changes" = "contact_counts"."changes" + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "contact_counts" ("user_id", "shard", "total", "changes")
    VALUES (NEW."user_id", floor(random() * 16)::smallint, 0, 1)
    ON CONFLICT ("user_id", "shard") DO UPDATE SET "changes" = "contact_counts"."changes" + 1;
  ELSE
    -- Decrement a shard that exists (every book with contacts has one). Never insert here: when the
    -- user is being deleted, a new row would point at a user that is going away.
    UPDATE "contact_counts" SET "total" = "total" - 1, "changes" = "changes" + 1
    WHERE "user_id" = OLD."user_id"
      AND "shard" = (SELECT min("shard") FROM "contact_counts" WHERE "user_id" = OLD."user_id");
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER "contacts_count" ON "contacts";
--> statement-breakpoint
CREATE TRIGGER "contacts_count" AFTER INSERT OR UPDATE OR DELETE ON "contacts"
FOR EACH ROW EXECUTE FUNCTION "contacts_count_changed"();
