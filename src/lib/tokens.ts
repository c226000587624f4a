import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

export type TokenType = 'access' | 'refresh' | 'verify' | 'reset';

export interface TokenClaims {
  sub: string;
  type: TokenType;
  jti: string;
  iat: number;
  exp: number;
  /** Session (login) id, on access and refresh tokens. */
  sid?: string;
  /** For reset tokens: a fingerprint of the password hash, so the token dies once the password changes. */
  pwd?: string;
  /** For verification tokens: the email being verified. */
  email?: string;
}

const ALGORITHM = 'HS256';
/** The JWS compact form and nothing else: three base64url segments (no padding, no whitespace, no trailer). */
const COMPACT_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * True for exactly the compact form a signer writes. Each segment must also be canonical base64url:
 * decoders ignore the spare low bits of the last character, so without this check one token would
 * have several accepted spellings (a signature with a changed last character would still verify).
 */
export function isCompactJws(token: string): boolean {
  if (!COMPACT_FORM.test(token)) return false;
  return token
    .split('.')
    .every((segment) => Buffer.from(segment, 'base64url').toString('base64url') === segment);
}

/** Signs and verifies the service's JWTs: HS256 only, with exp, iat, jti and type on every token. */
export class TokenSigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(
    type: TokenType,
    subject: string | number,
    ttlSeconds: number,
    extra: Pick<TokenClaims, 'sid' | 'pwd' | 'email'> & { jti?: string } = {},
  ): Promise<{ token: string; jti: string; expiresAt: Date }> {
    const jti = extra.jti ?? randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const { jti: _ignored, ...claims } = extra;
    const token = await new SignJWT({ ...claims, type })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(String(subject))
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(this.key);
    return { token, jti, expiresAt: new Date((now + ttlSeconds) * 1000) };
  }

  /** Returns the claims of a valid, unexpired token of the expected type; undefined for anything else. */
  async verify(token: string, expectedType: TokenType): Promise<TokenClaims | undefined> {
    if (!isCompactJws(token)) return undefined;
    try {
      // jose checks `exp` only when present: requiredClaims makes a token without one (never expiring) invalid.
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      });
      if (
        payload.type !== expectedType ||
        typeof payload.sub !== 'string' ||
        typeof payload.jti !== 'string' ||
        payload.jti === '' ||
        typeof payload.iat !== 'number' ||
        typeof payload.exp !== 'number'
      ) {
        return undefined;
      }
      return payload as unknown as TokenClaims;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }
}
