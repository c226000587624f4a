import type { Deps } from '../container.js';
import { isCheckViolation } from '../database/errors.js';
import type { UserRole, UserRow } from '../database/schema/index.js';
import { AppError } from '../errors.js';
import { adminRepository, type UserListQuery, type UserStats } from '../repository/admin-repository.js';
import { sessionsRepository } from '../repository/sessions-repository.js';
import { usersRepository } from '../repository/users-repository.js';
import { type AuthUser, SessionService } from './session-service.js';

export interface UserPage {
  rows: UserRow[];
  total: number;
  skip: number;
  limit: number;
  hasNext: boolean;
}

/**
 * The database refuses to remove the last active admin (migration 0007's trigger, which serialises
 * concurrent demotions): that refusal is the client's conflict, not a server error.
 */
function lastAdminConflict(error: unknown): never {
  if (isCheckViolation(error, 'users_last_admin')) throw new AppError('LAST_ADMIN');
  throw error;
}

/**
 * What staff may see and admins may change about other users. The guard has already checked the role;
 * the rules here are the ones about oneself: an admin cannot demote, deactivate or delete their own
 * account, which also means the last admin can never lock everybody out.
 */
export class AdminService {
  constructor(
    private readonly deps: Deps,
    private readonly sessions: SessionService,
  ) {}

  /**
   * Start-up: existing verified users whose email is in ADMIN_EMAILS become admins (the others when
   * they verify: AuthService.verifyEmail). Never an unverified account: whoever registers a listed
   * address first must prove they own it. Returns how many were promoted; their cached copies are
   * dropped so it shows at once.
   */
  static async promoteConfiguredAdmins(deps: Deps): Promise<number> {
    const db = deps.database.db;
    const candidates: UserRow[] = [];
    // The list is a handful of addresses: one lookup each is cheaper than a new repository query.
    for (const email of deps.config.adminEmails) {
      const user = await usersRepository.findByEmail(db, email);
      if (user?.isVerified && user.role !== 'admin') candidates.push(user);
    }
    if (candidates.length === 0) return 0;
    const promoted = await usersRepository.promoteEmails(
      db,
      candidates.map((user) => user.email),
    );
    const sessions = new SessionService(db, deps.tokens, deps.cache, deps.config);
    for (const user of candidates) await sessions.invalidateUser(user.id);
    return promoted;
  }

  async listUsers(query: UserListQuery): Promise<UserPage> {
    const { rows, total } = await adminRepository.listUsers(this.db, query);
    return { rows, total, skip: query.skip, limit: query.limit, hasNext: query.skip + rows.length < total };
  }

  async getUser(id: number): Promise<{ user: UserRow; contactsCount: number }> {
    const user = await usersRepository.findById(this.db, id);
    if (!user) throw new AppError('USER_NOT_FOUND');
    return { user, contactsCount: await adminRepository.countContacts(this.db, id) };
  }

  listByRole(role: UserRole): Promise<UserRow[]> {
    return adminRepository.listByRole(this.db, role);
  }

  stats(): Promise<UserStats> {
    return adminRepository.stats(this.db);
  }

  /** Takes effect on the user's very next request: their cached copy is dropped. */
  async setRole(actor: AuthUser, id: number, role: UserRole): Promise<UserRow> {
    if (actor.id === id && role !== 'admin') throw new AppError('CANNOT_DEMOTE_SELF');
    return this.change(id, { role });
  }

  /**
   * Deactivation keeps the user's sessions: their tokens answer 403 "Inactive user" from the next request
   * on (a refresh attempt ends that session), and reactivation lets still-valid tokens work again.
   */
  async setStatus(actor: AuthUser, id: number, isActive: boolean): Promise<UserRow> {
    if (actor.id === id && !isActive) throw new AppError('CANNOT_DEACTIVATE_SELF');
    return this.change(id, { isActive });
  }

  /** Deletes the user with their contacts and sessions (foreign-key cascade) and their uploaded avatar. */
  async deleteUser(actor: AuthUser, id: number): Promise<void> {
    if (actor.id === id) throw new AppError('CANNOT_DELETE_SELF');
    const deleted = await this.db
      .transaction(async (tx) => {
        const user = await usersRepository.findById(tx, id);
        if (!user) return undefined;
        // Read before the cascade removes the rows: these are the cache entries to forget.
        const sessionIds = await sessionsRepository.liveIdsForUser(tx, id);
        await usersRepository.delete(tx, id);
        return { user, sessionIds };
      })
      .catch(lastAdminConflict);
    if (!deleted) throw new AppError('USER_NOT_FOUND');
    await this.sessions.forgetSessions(deleted.sessionIds);
    if (deleted.user.avatarUrl) {
      await this.deps.storage.remove(deleted.user.avatarUrl).catch((error: unknown) => {
        this.deps.log.warn({ err: error, userId: id }, 'could not remove the avatar of a deleted user');
      });
    }
  }

  private async change(id: number, changes: Pick<Partial<UserRow>, 'role' | 'isActive'>): Promise<UserRow> {
    const user = await usersRepository.update(this.db, id, changes).catch(lastAdminConflict);
    if (!user) throw new AppError('USER_NOT_FOUND');
    await this.sessions.invalidateUser(id);
    return user;
  }

  private get db() {
    return this.deps.database.db;
  }
}
