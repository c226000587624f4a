-- citext: case-insensitive emails and usernames; pg_trgm: indexed substring search.
CREATE EXTENSION IF NOT EXISTS citext;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
