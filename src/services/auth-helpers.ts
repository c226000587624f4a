import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Executor } from '../database/client.js';
import { fieldError } from '../errors.js';
import type { MailMessage } from '../infra/mailer.js';
import { checkPassword, type PasswordRuleContext } from '../lib/password-rules.js';

/**
 * A short digest of the stored password hash, carried in reset tokens: once the password changes
 * (by that very token or otherwise) the digest no longer matches and the token is dead.
 */
export function passwordFingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('hex').slice(0, 16);
}

/** The subject of a signed token as a user id, or undefined when it is not one. */
export function userIdOf(claims: { sub: string } | undefined): number | undefined {
  const id = Number(claims?.sub);
  return claims && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** Raises the contract's 422 (at the password field) naming the first password rule broken. */
export async function assertPasswordRules(
  field: 'password' | 'new_password',
  password: string,
  context: PasswordRuleContext,
): Promise<void> {
  const failure = await checkPassword(password, context);
  if (failure) throw fieldError('body', field, failure.msg);
}

/**
 * The cost of queuing `message` without queuing it, for an address that gets no mail (unknown,
 * verified, inactive): one round trip carrying the mail, in a statement that takes a transaction id
 * as the insert does. The answer time then does not tell them apart.
 */
export async function decoyMail(db: Executor, message: MailMessage): Promise<void> {
  await db.execute(
    sql`select txid_current(), length(${message.to}) + length(${message.subject}) + length(${message.text}) + length(${message.html})`,
  );
}
