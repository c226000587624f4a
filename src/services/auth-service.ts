import { sql } from 'drizzle-orm';
import type { Deps } from '../container.js';
import type { Executor } from '../database/client.js';
import { isUniqueViolation } from '../database/errors.js';
import type { UserRow } from '../database/schema/index.js';
import { AppError, fieldError } from '../errors.js';
import { hashPassword, needsRehash, verifyPassword } from '../lib/password.js';
import { outboxRepository } from '../repository/outbox-repository.js';
import { sessionsRepository } from '../repository/sessions-repository.js';
import { usersRepository } from '../repository/users-repository.js';
import { assertPasswordRules, decoyMail, passwordFingerprint, userIdOf } from './auth-helpers.js';
import { passwordResetMail, type QueuedMail, verificationMail } from './auth-mails.js';
import { LoginProtection } from './login-protection.js';
import type { AuthUser, SessionService, TokenPair } from './session-service.js';

const VERIFY_TOKEN_TTL_SECONDS = 24 * 3600;
const RESET_TOKEN_TTL_SECONDS = 3600;

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  fullName: string | null;
}

export type VerifyOutcome = 'verified' | 'already_verified';

/** Accounts and credentials: sign-up, login, email verification, password reset and change, logout. */
export class AuthService {
  /** Verified against when the login names no user, so the answer takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;
  private readonly protection: LoginProtection;

  constructor(
    private readonly deps: Deps,
    private readonly sessions: SessionService,
  ) {
    this.protection = new LoginProtection(deps.rateLimits);
  }

  private get db() {
    return this.deps.database.db;
  }

  private get rounds() {
    return this.deps.config.passwordHashIterations;
  }

  /**
   * Creates an unverified account (role "user", whatever ADMIN_EMAILS says) and queues the link
   * in the same transaction: an account never exists without its mail, and SMTP being down only
   * delays the mail.
   */
  async register(input: RegisterInput): Promise<UserRow> {
    await assertPasswordRules('password', input.password, input);
    const passwordHash = await hashPassword(input.password, this.rounds);
    const role = 'user';
    let user: UserRow;
    try {
      // The unique indexes decide, so concurrent sign-ups with one name or email cannot both win.
      user = await this.db.transaction(async (tx) => {
        const row = await usersRepository.insert(tx, { ...input, passwordHash, role });
        await this.queueMail(tx, await this.verificationMail(row));
        return row;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_username_key')) throw new AppError('USERNAME_TAKEN');
      if (isUniqueViolation(error, 'users_email_key')) throw new AppError('EMAIL_TAKEN');
      throw error;
    }
    this.deps.outbox.nudge();
    return user;
  }

  /**
   * Checks the credentials (username or email) and starts a session. Failed attempts count per
   * account and per account+IP (LoginProtection); an account over either limit is 429 before any hashing.
   */
  async login(login: string, password: string, clientIp: string): Promise<TokenPair> {
    const user = await usersRepository.findByLogin(this.db, login);
    const account = LoginProtection.accountKey(user?.id, login);
    await this.protection.assertAllowed(account, clientIp);
    if (!user) {
      this.dummyHash ??= hashPassword('no-such-user-dummy-password', this.rounds);
      await verifyPassword(password, await this.dummyHash);
      await this.protection.failed(account, clientIp);
      throw new AppError('INCORRECT_LOGIN');
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      await this.protection.failed(account, clientIp);
      throw new AppError('INCORRECT_LOGIN');
    }
    await this.protection.succeeded(account, clientIp);
    if (!user.isActive) throw new AppError('INACTIVE_USER');
    if (!user.isVerified && this.deps.config.requireEmailVerification)
      throw new AppError('EMAIL_NOT_VERIFIED');
    if (needsRehash(user.passwordHash, this.rounds)) await this.upgradeHash(user, password);
    return this.sessions.start(user.id);
  }

  /** Marks the email verified when the token is valid and the account still has that email. */
  async verifyEmail(token: string): Promise<VerifyOutcome> {
    const claims = await this.deps.tokens.verify(token, 'verify');
    const userId = userIdOf(claims);
    const user = userId && claims?.email ? await usersRepository.findById(this.db, userId) : undefined;
    if (!user || user.email.toLowerCase() !== claims?.email?.toLowerCase()) {
      throw new AppError('INVALID_VERIFICATION_TOKEN');
    }
    if (user.isVerified) return 'already_verified';
    // ADMIN_EMAILS grants admin only now, once the address is proven (never at registration).
    const admin = this.deps.config.adminEmails.includes(user.email.toLowerCase());
    await usersRepository.update(this.db, user.id, { isVerified: true, ...(admin ? { role: 'admin' } : {}) });
    await this.sessions.invalidateUser(user.id);
    return 'verified';
  }

  /**
   * Mails a new verification link, only to an existing unverified account. Otherwise it does the
   * same work without queuing anything (decoyMail), so the answer time does not tell them apart.
   */
  async resendVerification(email: string): Promise<void> {
    const user = await usersRepository.findByEmail(this.db, email);
    const eligible = user !== undefined && !user.isVerified;
    const mail = await this.verificationMail(eligible ? user : { id: 0, email, username: email });
    await this.queueOrDecoy(eligible, mail);
  }

  /** Mails a one-time reset link, only to an existing active account; the same work otherwise (decoyMail). */
  async forgotPassword(email: string): Promise<void> {
    const user = await usersRepository.findByEmail(this.db, email);
    const eligible = user?.isActive === true;
    const { token, expiresAt } = await this.deps.tokens.sign(
      'reset',
      user?.id ?? 0,
      RESET_TOKEN_TTL_SECONDS,
      {
        pwd: passwordFingerprint(user?.passwordHash ?? email),
      },
    );
    const link = `${this.deps.config.publicUrl}/reset-password?token=${token}`;
    const mail = { to: user?.email ?? email, ...passwordResetMail(user?.username ?? email, link), expiresAt };
    await this.queueOrDecoy(eligible, mail);
  }

  /**
   * Queues the mail, or (not eligible) does the same work without queuing it (decoyMail). Neither
   * waits for the WAL flush (synchronous_commit off, for this transaction only): a flushed insert
   * against an unflushed decoy took ~6 ms more on a PostgreSQL server, which told the accounts
   * apart. A crash in the next fraction of a second may lose such a mail; the user asks again.
   */
  private async queueOrDecoy(eligible: boolean, mail: QueuedMail): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`set local synchronous_commit = off`);
      if (eligible) await this.queueMail(tx, mail);
      else await decoyMail(tx, mail);
    });
    if (eligible) this.deps.outbox.nudge();
  }

  /** Sets a new password from a reset link (once) and ends every session of the user. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const claims = await this.deps.tokens.verify(token, 'reset');
    const userId = userIdOf(claims);
    const user = userId && claims?.pwd ? await usersRepository.findById(this.db, userId) : undefined;
    if (!user?.isActive || passwordFingerprint(user.passwordHash) !== claims?.pwd) {
      throw new AppError('INVALID_RESET_TOKEN');
    }
    await assertPasswordRules('new_password', newPassword, user);
    // Only the hash is known here: the same password again would "reset" nothing.
    if (await verifyPassword(newPassword, user.passwordHash)) {
      throw fieldError('body', 'new_password', 'New password must differ from the current password');
    }
    const nextHash = await hashPassword(newPassword, this.rounds);
    const revoked = await this.db.transaction(async (tx) => {
      // Conditional on the old hash: of two concurrent uses of one link, only one gets through.
      if (!(await usersRepository.replacePasswordHash(tx, user.id, user.passwordHash, nextHash)))
        return undefined;
      return sessionsRepository.revokeAllForUser(tx, user.id);
    });
    if (!revoked) throw new AppError('INVALID_RESET_TOKEN');
    await this.sessions.forgetSessions(revoked);
    await this.sessions.invalidateUser(user.id);
  }

  /** Changes the caller's password and ends their other sessions; the current one keeps working. */
  async changePassword(caller: AuthUser, currentPassword: string, newPassword: string): Promise<void> {
    // The stored row, not the cached copy: the hash must be the one in the database right now.
    const user = await usersRepository.findById(this.db, caller.id);
    if (!user) throw new AppError('INVALID_CREDENTIALS_TOKEN');
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new AppError('INCORRECT_PASSWORD');
    await assertPasswordRules('new_password', newPassword, { ...user, currentPassword });
    const nextHash = await hashPassword(newPassword, this.rounds);
    const revoked = await this.db.transaction(async (tx) => {
      // Changed by someone else meanwhile: the password given is no longer the current one.
      if (!(await usersRepository.replacePasswordHash(tx, user.id, user.passwordHash, nextHash))) {
        throw new AppError('INCORRECT_PASSWORD');
      }
      return sessionsRepository.revokeAllForUser(tx, user.id, caller.sessionId);
    });
    await this.sessions.forgetSessions(revoked);
    await this.sessions.invalidateUser(user.id);
  }

  /**
   * Ends the caller's session (its access and refresh tokens die together). A refresh token of
   * another session of the same user ends that one too; an invalid or foreign one is ignored.
   */
  async logout(caller: AuthUser, refreshToken?: string): Promise<void> {
    await this.sessions.revoke(caller.sessionId);
    if (!refreshToken) return;
    const claims = await this.deps.tokens.verify(refreshToken, 'refresh');
    if (claims?.sid && claims.sid !== caller.sessionId && userIdOf(claims) === caller.id) {
      await this.sessions.revoke(claims.sid);
    }
  }

  /** The caller's account, as resolved by the auth guard (fresh within the short cache TTL). */
  me(caller: AuthUser): UserRow {
    return caller;
  }

  private async upgradeHash(user: UserRow, password: string): Promise<void> {
    const upgraded = await hashPassword(password, this.rounds);
    // A stronger hash is a bonus: a failure here must not fail a correct login.
    try {
      if (await usersRepository.replacePasswordHash(this.db, user.id, user.passwordHash, upgraded)) {
        await this.sessions.invalidateUser(user.id);
      }
    } catch (err) {
      this.deps.log.error({ err }, 'failed to upgrade a password hash');
    }
  }

  private async verificationMail(user: Pick<UserRow, 'id' | 'email' | 'username'>): Promise<QueuedMail> {
    const { token, expiresAt } = await this.deps.tokens.sign('verify', user.id, VERIFY_TOKEN_TTL_SECONDS, {
      email: user.email,
    });
    const link = `${this.deps.config.publicUrl}/api/auth/verify-email?token=${token}`;
    return { to: user.email, ...verificationMail(user.username, link), expiresAt };
  }

  /**
   * Mail is never sent from a request: it goes into the durable outbox (in the caller's transaction
   * when there is one) and the outbox worker delivers it, retrying while SMTP is down. Callers
   * nudge the worker once the write has committed, so it goes out at once when SMTP is up.
   */
  private async queueMail(db: Executor, message: QueuedMail): Promise<void> {
    await outboxRepository.insert(db, {
      recipient: message.to,
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html,
      // A mail whose link has expired is never sent (the outbox gives it up instead).
      expiresAt: message.expiresAt,
    });
  }
}
