import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

// The async form runs on libuv's thread pool: a 600 000-round hash never blocks the event loop.
const pbkdf2Raw = promisify(pbkdf2);

/**
 * At most (cores - 1) hashes run at once: libuv's pool has 4 threads, and four 600 000-round hashes
 * on a 2-core machine would starve the event loop of CPU — every other request would wait behind a
 * burst of logins. Logins queue instead; everything else keeps a core.
 */
const MAX_CONCURRENT_HASHES = Math.max(1, availableParallelism() - 1);
let running = 0;
const waiting: (() => void)[] = [];

async function pbkdf2Async(password: string, salt: Buffer, rounds: number, length: number, digest: string) {
  // A finishing hash hands its slot straight to the next in line, so the limit is never exceeded.
  if (running < MAX_CONCURRENT_HASHES) running += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await pbkdf2Raw(password, salt, rounds, length, digest);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

const PREFIX = '$pbkdf2-sha256$';
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** passlib's "adapted base64": standard alphabet with "." instead of "+", no padding. */
function ab64Encode(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
}

function ab64Decode(text: string): Buffer {
  return Buffer.from(text.replace(/\./g, '+'), 'base64');
}

interface ParsedHash {
  rounds: number;
  salt: Buffer;
  checksum: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  const [rounds, salt, checksum, ...rest] = hash.slice(PREFIX.length).split('$');
  if (rest.length > 0 || !rounds || !salt || !checksum || !/^[1-9]\d{0,8}$/.test(rounds)) return undefined;
  const parsed = { rounds: Number(rounds), salt: ab64Decode(salt), checksum: ab64Decode(checksum) };
  return parsed.checksum.length === KEY_LENGTH ? parsed : undefined;
}

/** Hashes a password as passlib's `pbkdf2_sha256` does: `$pbkdf2-sha256$rounds$salt$checksum`. */
export async function hashPassword(password: string, rounds: number): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const checksum = await pbkdf2Async(password, salt, rounds, KEY_LENGTH, 'sha256');
  return `${PREFIX}${rounds}$${ab64Encode(salt)}$${ab64Encode(checksum)}`;
}

/** Checks a password against a passlib `pbkdf2_sha256` hash in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const candidate = await pbkdf2Async(password, parsed.salt, parsed.rounds, KEY_LENGTH, 'sha256');
  return timingSafeEqual(candidate, parsed.checksum);
}

/** True when the hash was made with fewer rounds than now configured, so the next login should re-hash it. */
export function needsRehash(hash: string, rounds: number): boolean {
  const parsed = parseHash(hash);
  return !parsed || parsed.rounds < rounds;
}
