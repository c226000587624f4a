import { and, asc, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { contacts, type UserRole, type UserRow, users } from '../database/schema/index.js';
import { escapeLike, foldCase } from '../lib/search-text.js';

export interface UserListQuery {
  skip: number;
  limit: number;
  role?: UserRole | undefined;
  search?: string | undefined;
}

export interface UserStats {
  totalUsers: number;
  activeUsers: number;
  verifiedUsers: number;
  usersByRole: Record<UserRole, number>;
  totalContacts: number;
}

/** The filter of the admin user list: role, and a literal, case-insensitive substring of name or email. */
function listFilter(query: Pick<UserListQuery, 'role' | 'search'>): SQL | undefined {
  const text = query.search ? foldCase(query.search.trim()) : '';
  // escapeLike: '%' or '_' typed by an admin means that character, not a wildcard.
  const pattern = `%${escapeLike(text)}%`;
  return and(
    query.role ? eq(users.role, query.role) : undefined,
    text
      ? sql`(${users.username}::text ilike ${pattern} escape '\\' or ${users.email}::text ilike ${pattern} escape '\\' or coalesce(${users.fullName}, '') ilike ${pattern} escape '\\')`
      : undefined,
  );
}

/** Read-only queries over all users (the admin views); writes go through usersRepository. */
export const adminRepository = {
  /** One page of users ordered by id, and how many match in all. */
  async listUsers(db: Executor, query: UserListQuery): Promise<{ rows: UserRow[]; total: number }> {
    const where = listFilter(query);
    const [rows, totals] = await Promise.all([
      db.select().from(users).where(where).orderBy(asc(users.id)).limit(query.limit).offset(query.skip),
      db.select({ total: count() }).from(users).where(where),
    ]);
    return { rows, total: totals[0]?.total ?? 0 };
  },

  async listByRole(db: Executor, role: UserRole): Promise<UserRow[]> {
    return db.select().from(users).where(eq(users.role, role)).orderBy(asc(users.id));
  },

  async countContacts(db: Executor, userId: number): Promise<number> {
    const [row] = await db.select({ total: count() }).from(contacts).where(eq(contacts.userId, userId));
    return row?.total ?? 0;
  },

  /** Users whose email is listed, compared case-insensitively (citext). */
  async idsByEmails(db: Executor, emails: string[]): Promise<number[]> {
    if (emails.length === 0) return [];
    const rows = await db.select({ id: users.id }).from(users).where(inArray(users.email, emails));
    return rows.map((row) => row.id);
  },

  /** Every number of the dashboard in one round trip. */
  async stats(db: Executor): Promise<UserStats> {
    const [row] = await db
      .select({
        totalUsers: count(),
        activeUsers: sql<number>`count(*) filter (where ${users.isActive})::int`,
        verifiedUsers: sql<number>`count(*) filter (where ${users.isVerified})::int`,
        user: sql<number>`count(*) filter (where ${users.role} = 'user')::int`,
        moderator: sql<number>`count(*) filter (where ${users.role} = 'moderator')::int`,
        admin: sql<number>`count(*) filter (where ${users.role} = 'admin')::int`,
        totalContacts: sql<number>`(select count(*) from ${contacts})::int`,
      })
      .from(users);
    return {
      totalUsers: row?.totalUsers ?? 0,
      activeUsers: row?.activeUsers ?? 0,
      verifiedUsers: row?.verifiedUsers ?? 0,
      usersByRole: { user: row?.user ?? 0, moderator: row?.moderator ?? 0, admin: row?.admin ?? 0 },
      totalContacts: row?.totalContacts ?? 0,
    };
  },
};
