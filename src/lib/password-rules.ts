/**
 * The password rules of register, reset, change and the CLI's create-admin (NIST SP 800-63B style:
 * length and a blocklist, no composition rules). Pure apart from loading the blocklist once.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** What a new password is compared with; every field is optional. */
export interface PasswordRuleContext {
  username?: string | undefined;
  email?: string | undefined;
  /** The password being replaced, when the caller knows it in clear (change-password). */
  currentPassword?: string | undefined;
}

export type PasswordRule = 'length' | 'whitespace' | 'common' | 'username' | 'email' | 'current';

export interface PasswordRuleFailure {
  rule: PasswordRule;
  msg: string;
}

let commonPasswords: Promise<ReadonlySet<string>> | undefined;

/**
 * The ~49 000 most common passwords of @zxcvbn-ts/language-common, lower-cased. Imported on first use:
 * the module takes ~100 ms to load and ~10 MB, which a process that never sees a password need not pay.
 */
export function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase())),
  );
  return commonPasswords;
}

const fail = (rule: PasswordRule, msg: string): PasswordRuleFailure => ({ rule, msg });

/**
 * The first rule `password` breaks, or undefined when it is acceptable. Length counts characters
 * (code points), as the JSON schema does. Comparisons ignore case. The email's local part counts as
 * the email: "alice.smith@example.com" must not protect itself with "alice.smith".
 */
export async function checkPassword(
  password: string,
  context: PasswordRuleContext = {},
): Promise<PasswordRuleFailure | undefined> {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    return fail(
      'length',
      `Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    );
  }
  if (password.trim() === '') return fail('whitespace', 'Password must not be only whitespace');
  const lower = password.toLowerCase();
  if ((await loadCommonPasswords()).has(lower)) {
    return fail('common', 'Password is too common: it is on a list of frequently used passwords');
  }
  if (context.username && lower === context.username.toLowerCase()) {
    return fail('username', 'Password must not be the username');
  }
  if (context.email) {
    const email = context.email.toLowerCase();
    const localPart = email.slice(0, email.lastIndexOf('@'));
    if (lower === email || (localPart !== '' && lower === localPart)) {
      return fail('email', 'Password must not be the email address or its part before "@"');
    }
  }
  if (context.currentPassword !== undefined && password === context.currentPassword) {
    return fail('current', 'New password must differ from the current password');
  }
  return undefined;
}
