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
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM] });
      if (
        payload.type !== expectedType ||
        typeof payload.sub !== 'string' ||
        typeof payload.jti !== 'string'
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
