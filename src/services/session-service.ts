import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Database } from '../database/client.js';
import type { UserRow } from '../database/schema/index.js';
import { AppError } from '../errors.js';
import type { SessionCache } from '../infra/cache.js';
import type { TokenSigner } from '../lib/tokens.js';
import { sessionsRepository } from '../repository/sessions-repository.js';
import { usersRepository } from '../repository/users-repository.js';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** The caller of an authenticated request: the user row plus the session (login) it came through. */
export interface AuthUser extends UserRow {
  sessionId: string;
}

/**
 * Logins as sessions: issues token pairs, rotates refresh tokens, revokes, and resolves an access
 * token to its user — from this process's memory when the cache can vouch for it (see SessionCache:
 * which configurations cache at all, and how every revocation reaches every process at once).
 */
export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly tokens: TokenSigner,
    private readonly cache: SessionCache,
    private readonly config: Pick<
      Config,
      'accessTokenExpireMinutes' | 'refreshTokenExpireDays' | 'sessionMaxDays'
    >,
  ) {}

  /** Starts a new session (a login) and returns its first token pair. */
  async start(userId: number): Promise<TokenPair> {
    const sessionId = randomUUID();
    const refresh = await this.signRefresh(userId, sessionId);
    const absoluteEnd = Date.now() + this.config.sessionMaxDays * 86_400_000;
    await sessionsRepository.insert(this.db, {
      id: sessionId,
      userId,
      refreshJti: refresh.jti,
      expiresAt: new Date(Math.min(refresh.expiresAt.getTime(), absoluteEnd)),
    });
    return this.pair(userId, sessionId, refresh.token);
  }

  /**
   * Exchanges a refresh token for a new pair. The presented token dies; presenting a dead token of a
   * live session again is treated as theft and revokes the whole session (every token of that login).
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const claims = await this.tokens.verify(refreshToken, 'refresh');
    const userId = Number(claims?.sub);
    if (!claims?.sid || !Number.isSafeInteger(userId)) throw new AppError('INVALID_CREDENTIALS_TOKEN');
    const next = await this.signRefresh(userId, claims.sid);
    const rotated = await sessionsRepository.rotate(this.db, {
      sessionId: claims.sid,
      userId,
      presentedJti: claims.jti,
      nextJti: next.jti,
      expiresAt: next.expiresAt,
      maxDays: this.config.sessionMaxDays,
    });
    if (!rotated) {
      await this.revoke(claims.sid);
      throw new AppError('INVALID_CREDENTIALS_TOKEN');
    }
    const user = await usersRepository.findById(this.db, userId);
    if (!user?.isActive) {
      await this.revoke(claims.sid);
      throw new AppError(user ? 'INACTIVE_USER' : 'INVALID_CREDENTIALS_TOKEN');
    }
    return this.pair(userId, claims.sid, next.token);
  }

  /** Resolves a bearer access token to its user, or throws 401. Does not check `isActive`. */
  async authenticate(accessToken: string): Promise<AuthUser> {
    const claims = await this.tokens.verify(accessToken, 'access');
    const userId = Number(claims?.sub);
    if (!claims?.sid || !Number.isSafeInteger(userId)) throw new AppError('INVALID_CREDENTIALS_TOKEN');

    const cached = this.cache.get(claims.sid);
    if (cached?.id === userId) return { ...cached, sessionId: claims.sid };

    // Taken before the read: a revocation that lands while the read is in flight makes `set` a no-op,
    // so a lookup that saw the session alive cannot write it back into the cache after its logout.
    const version = this.cache.version();
    const found = await usersRepository.findLiveSession(this.db, claims.sid, userId);
    if (!found) throw new AppError('INVALID_CREDENTIALS_TOKEN');
    this.cache.set(claims.sid, found.user, version, found.expiresAt);
    return { ...found.user, sessionId: claims.sid };
  }

  /** Ends one session: its access and refresh tokens stop working everywhere. */
  async revoke(sessionId: string): Promise<void> {
    await sessionsRepository.revoke(this.db, sessionId);
    await this.cache.invalidateSessions([sessionId]);
  }

  /** Ends every session of a user, but `exceptSessionId` (the caller's own, on a password change). */
  async revokeAllForUser(userId: number, exceptSessionId?: string): Promise<void> {
    const revoked = await sessionsRepository.revokeAllForUser(this.db, userId, exceptSessionId);
    await this.cache.invalidateSessions(revoked);
  }

  /**
   * Forgets the cached copies of a user after any change (role, status, avatar, password). False when
   * other processes could not be told (Redis unreachable from here): they see the change within the
   * cache's 60 s TTL, or at once if they lost Redis too. The CLI should say so.
   */
  invalidateUser(userId: number): Promise<boolean> {
    return this.cache.invalidateUser(userId);
  }

  /** For deletions: forget these sessions' cached users (ids read before the rows went). */
  async forgetSessions(sessionIds: string[]): Promise<void> {
    await this.cache.invalidateSessions(sessionIds);
  }

  private signRefresh(userId: number, sessionId: string) {
    return this.tokens.sign('refresh', userId, this.config.refreshTokenExpireDays * 86_400, {
      sid: sessionId,
    });
  }

  private async pair(userId: number, sessionId: string, refreshToken: string): Promise<TokenPair> {
    const expiresIn = this.config.accessTokenExpireMinutes * 60;
    const access = await this.tokens.sign('access', userId, expiresIn, { sid: sessionId });
    return {
      access_token: access.token,
      refresh_token: refreshToken,
      token_type: 'bearer',
      expires_in: expiresIn,
    };
  }
}
