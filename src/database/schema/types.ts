import { customType } from 'drizzle-orm/pg-core';

/** PostgreSQL `citext`: case-insensitive text, so unique indexes on emails ignore case. */
export const citext = customType<{ data: string }>({
  dataType() {
    return 'citext';
  },
});
