import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Database } from '../database/client.js';
import type { UserRow } from '../database/schema/index.js';
import { AppError } from '../errors.js';
import type { KeyValueCache } from '../infra/cache.js';
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

// Short, so that a cache deletion lost while Redis was away cannot matter for long.
const AUTH_CACHE_TTL_SECONDS = 60;
const cacheKey = (sessionId: string) => `auth:${sessionId}`;

/**
 * Logins as sessions: issues token pairs, rotates refresh tokens, revokes, and resolves an access
 * token to its user — from the cache when it can, so a cached user costs no database round trip.
 */
export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly tokens: TokenSigner,
    private readonly cache: KeyValueCache,
    private readonly config: Pick<Config, 'accessTokenExpireMinutes' | 'refreshTokenExpireDays'>,
  ) {}

  /** Starts a new session (a login) and returns its first token pair. */
  async start(userId: number): Promise<TokenPair> {
    const sessionId = randomUUID();
    const refresh = await this.signRefresh(userId, sessionId);
    await sessionsRepository.insert(this.db, {
      id: sessionId,
      userId,
      refreshJti: refresh.jti,
      expiresAt: refresh.expiresAt,
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

    const cached = await this.cache.get(cacheKey(claims.sid));
    if (cached) return { ...reviveUser(cached), sessionId: claims.sid };

    const user = await usersRepository.findBySession(this.db, claims.sid, userId);
    if (!user) throw new AppError('INVALID_CREDENTIALS_TOKEN');
    await this.cache.set(cacheKey(claims.sid), JSON.stringify(user), AUTH_CACHE_TTL_SECONDS);
    return { ...user, sessionId: claims.sid };
  }

  /** Ends one session: its access and refresh tokens stop working everywhere. */
  async revoke(sessionId: string): Promise<void> {
    await sessionsRepository.revoke(this.db, sessionId);
    await this.cache.delete([cacheKey(sessionId)]);
  }

  /** Ends every session of a user, but `exceptSessionId` (the caller's own, on a password change). */
  async revokeAllForUser(userId: number, exceptSessionId?: string): Promise<void> {
    const revoked = await sessionsRepository.revokeAllForUser(this.db, userId, exceptSessionId);
    await this.cache.delete(revoked.map(cacheKey));
  }

  /** Forgets the cached copies of a user after any change (role, status, avatar, password). */
  async invalidateUser(userId: number): Promise<void> {
    const live = await sessionsRepository.liveIdsForUser(this.db, userId);
    await this.cache.delete(live.map(cacheKey));
  }

  /** For deletions: forget these sessions' cached users (ids read before the rows went). */
  async forgetSessions(sessionIds: string[]): Promise<void> {
    await this.cache.delete(sessionIds.map(cacheKey));
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

function reviveUser(json: string): UserRow {
  const raw = JSON.parse(json) as UserRow & { createdAt: string; updatedAt: string };
  return { ...raw, createdAt: new Date(raw.createdAt), updatedAt: new Date(raw.updatedAt) };
}
