import { createHash } from 'node:crypto';

/** The Gravatar URL for an email: the default avatar of a user who has not uploaded one. */
export function gravatarUrl(email: string): string {
  const digest = createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${digest}?d=identicon&s=256`;
}
