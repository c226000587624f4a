import { eq } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { users } from '../database/schema/index.js';

/** SQL for swapping a user's avatar: the old URL is read under a row lock, so its file is removed exactly once. */
export const avatarsRepository = {
  /**
   * Locks the user's row until the transaction ends and returns the current avatar URL (null for the
   * default one), or undefined when the user is gone. Two concurrent uploads then see each other's file.
   */
  async lockAvatarUrl(db: Executor, userId: number): Promise<{ avatarUrl: string | null } | undefined> {
    const [row] = await db
      .select({ avatarUrl: users.avatarUrl })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    return row;
  },
};
