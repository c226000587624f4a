-- btree_gin lets the trigram index hold user_id too, so a search visits only the caller's rows.
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
CREATE INDEX "contacts_user_search_trgm_idx" ON "contacts" USING gin ("user_id","search_text" gin_trgm_ops);
--> statement-breakpoint
DROP INDEX "contacts_search_text_trgm_idx";
