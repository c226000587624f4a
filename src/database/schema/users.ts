import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import { citext } from './types.js';

export const USER_ROLES = ['user', 'moderator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    // citext: "Alice" and "alice" are the same account, for usernames as for emails.
    username: citext('username').notNull().unique('users_username_key'),
    email: citext('email').notNull().unique('users_email_key'),
    fullName: varchar('full_name', { length: 100 }),
    passwordHash: text('password_hash').notNull(),
    /** Null means "use the Gravatar of the email". */
    avatarUrl: text('avatar_url'),
    role: text('role').$type<UserRole>().notNull().default('user'),
    isActive: boolean('is_active').notNull().default(true),
    isVerified: boolean('is_verified').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [check('users_role_check', sql`${table.role} in ('user', 'moderator', 'admin')`)],
);

export type UserRow = typeof users.$inferSelect;
