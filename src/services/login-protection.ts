import type { RateLimitService } from './rate-limit-service.js';

/**
 * Per-account brute-force protection, after rate-limiter-flexible's login-protection example: failed
 * logins are counted per account (RATE_LIMIT_LOGIN_ACCOUNT, any IP: an attack spread over many
 * addresses) and per account and IP (RATE_LIMIT_LOGIN_ACCOUNT_IP: consecutive failures, reset by a
 * success from that IP). Once either is used up, logins to that account answer 429 before any
 * password is hashed. The per-IP route limit (RATE_LIMIT_LOGIN) still applies on top.
 *
 * The account key is the user id when the login names a user (so its username and email share one
 * budget), else the login text itself: an unknown name counts the same way, so the answers do not
 * tell whether an account exists.
 */
export class LoginProtection {
  constructor(private readonly limits: RateLimitService) {}

  /** The counter key of a login attempt's account. */
  static accountKey(userId: number | undefined, login: string): string {
    return userId === undefined ? `name:${login.trim().toLowerCase()}` : `user:${userId}`;
  }

  /** 429 when the account (from anywhere, or from this IP) has failed too often. */
  async assertAllowed(account: string, ip: string): Promise<void> {
    await this.limits.assertNotExhausted('login_account_ip', `${account}|${ip}`);
    await this.limits.assertNotExhausted('login_account', account);
  }

  async failed(account: string, ip: string): Promise<void> {
    await Promise.all([
      this.limits.count('login_account_ip', `${account}|${ip}`),
      this.limits.count('login_account', account),
    ]);
  }

  /** The owner got in from this IP: their own earlier typos there no longer count. */
  async succeeded(account: string, ip: string): Promise<void> {
    await this.limits.reset('login_account_ip', `${account}|${ip}`);
  }
}
