-- migrate: no-transaction
-- Upcoming birthdays count and order a window of the (user_id, birthday_md) index by month-day then
-- id: with id in the index that is an index-only read, not a visit to every row of the window.
-- Built CONCURRENTLY so that writes to a large contacts table go on meanwhile (hence outside a
-- transaction, and idempotent: a failure half-way is finished by the next start). The new index
-- exists before the old one goes, so upcoming birthdays never lose their index.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "contacts_user_birthday_md_id_idx" ON "contacts" USING btree ("user_id","birthday_md","id");
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "contacts_user_birthday_md_idx";
