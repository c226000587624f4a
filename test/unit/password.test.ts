import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../src/lib/password.js';

// Made by Python passlib's pbkdf2_sha256, so existing users' hashes keep working.
const PASSLIB_VECTORS = [
  ['password123', '$pbkdf2-sha256$29000$IKQ0ZowRIkQohbC2FoIwhg$9gMf8YkfzAU7GykhUoBesxMPvZPA2zDtlBQ5hhShK7g'],
  ['admin', '$pbkdf2-sha256$29000$ay0l5FxLCWGslRICYOw9Zw$6.2rvfsMII8pxzBc7YobXKcpcdn/7r42ql10Txyj/zo'],
  ['pässwörd-Ü1', '$pbkdf2-sha256$1000$ABEiM0RVZneImaq7zN3u/w$d8mHX25xP3xRsq6WZbB0R2zZ88Poyjqnf2mNWTbCzHI'],
] as const;

const PASSLIB_FORMAT = /^\$pbkdf2-sha256\$1000\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{43}$/;

describe('verifyPassword', () => {
  it.each(PASSLIB_VECTORS)('accepts passlib hash of %j', async (password, hash) => {
    expect(await verifyPassword(password, hash)).toBe(true);
  });

  it.each(PASSLIB_VECTORS)('rejects a wrong password for %j', async (password, hash) => {
    expect(await verifyPassword(`${password}x`, hash)).toBe(false);
    expect(await verifyPassword(password.toUpperCase(), hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  const [, valid] = PASSLIB_VECTORS[2];
  const [rounds, salt, checksum] = valid.split('$').slice(2) as [string, string, string];
  it.each([
    ['a wrong prefix', `$pbkdf2-sha512$${rounds}$${salt}$${checksum}`],
    ['no prefix', `${rounds}$${salt}$${checksum}`],
    ['zero rounds', `$pbkdf2-sha256$0$${salt}$${checksum}`],
    ['negative rounds', `$pbkdf2-sha256$-1000$${salt}$${checksum}`],
    ['non-numeric rounds', `$pbkdf2-sha256$abc$${salt}$${checksum}`],
    ['leading-zero rounds', `$pbkdf2-sha256$01000$${salt}$${checksum}`],
    ['a truncated checksum', `$pbkdf2-sha256$${rounds}$${salt}$${checksum.slice(0, -4)}`],
    ['an empty salt', `$pbkdf2-sha256$${rounds}$$${checksum}`],
    ['a missing checksum', `$pbkdf2-sha256$${rounds}$${salt}`],
    ['an extra part', `${valid}$extra`],
    ['a trailing $', `${valid}$`],
    ['an empty string', ''],
  ])('returns false for %s', async (_, hash) => {
    await expect(verifyPassword('pässwörd-Ü1', hash)).resolves.toBe(false);
  });
});

describe('hashPassword', () => {
  it('round-trips in passlib format with a fresh salt each time', async () => {
    const first = await hashPassword('correct horse', 1000);
    const second = await hashPassword('correct horse', 1000);
    expect(first).toMatch(PASSLIB_FORMAT);
    expect(second).not.toBe(first);
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct horse!', first)).toBe(false);
  });

  it('handles non-ASCII passwords', async () => {
    const hash = await hashPassword('пароль-Ї', 1000);
    expect(await verifyPassword('пароль-Ї', hash)).toBe(true);
  });
});

describe('needsRehash', () => {
  const [, hash] = PASSLIB_VECTORS[0];

  it('is true when the hash used fewer rounds than configured', () => {
    expect(needsRehash(hash, 600_000)).toBe(true);
    expect(needsRehash(hash, 29_001)).toBe(true);
  });

  it('is false for equal or more rounds', () => {
    expect(needsRehash(hash, 29_000)).toBe(false);
    expect(needsRehash(hash, 1000)).toBe(false);
  });

  it('is true for a malformed hash', () => {
    expect(needsRehash('', 1000)).toBe(true);
    expect(needsRehash('$2b$12$bcryptlookingthing', 1000)).toBe(true);
    expect(needsRehash(`${hash}$extra`, 1000)).toBe(true);
  });
});

describe('many hashes at once', () => {
  it('queues them behind the concurrency limit and answers every one correctly', async () => {
    const passwords = Array.from({ length: 12 }, (_, i) => `password-${i}`);
    const hashes = await Promise.all(passwords.map((password) => hashPassword(password, 1000)));
    const checks = await Promise.all(
      passwords.flatMap((password, i) => [
        verifyPassword(password, hashes[i]!),
        verifyPassword(`${password}!`, hashes[i]!),
      ]),
    );
    expect(checks).toEqual(passwords.flatMap(() => [true, false]));
  });
});
