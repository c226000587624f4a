import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCompactJws, TokenSigner } from '../../src/lib/tokens.js';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const signer = new TokenSigner(SECRET);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A token signed by hand, so each test can leave out or change exactly one thing. */
function handMade(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
) {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = createHmac('sha256', SECRET).update(input).digest('base64url');
  return `${input}.${signature}`;
}

const valid = () => ({ sub: '7', type: 'access', jti: 'abc-123', iat: now(), exp: now() + 600, sid: 's1' });

describe('TokenSigner.verify', () => {
  it('accepts a complete hand-made token and its own tokens', async () => {
    expect((await signer.verify(handMade(valid()), 'access'))?.sub).toBe('7');
    const { token } = await signer.sign('reset', 9, 60, { pwd: 'f' });
    expect((await signer.verify(token, 'reset'))?.pwd).toBe('f');
  });

  it.each(['exp', 'iat', 'jti', 'type', 'sub'])('refuses a token without %s', async (claim) => {
    const payload: Record<string, unknown> = valid();
    delete payload[claim];
    expect(await signer.verify(handMade(payload), 'access')).toBeUndefined();
  });

  it('refuses claims of the wrong type, an empty jti, an expired token and another token type', async () => {
    expect(await signer.verify(handMade({ ...valid(), iat: String(now()) }), 'access')).toBeUndefined();
    expect(await signer.verify(handMade({ ...valid(), exp: String(now() + 60) }), 'access')).toBeUndefined();
    expect(await signer.verify(handMade({ ...valid(), jti: '' }), 'access')).toBeUndefined();
    expect(await signer.verify(handMade({ ...valid(), exp: now() - 10 }), 'access')).toBeUndefined();
    expect(await signer.verify(handMade(valid()), 'refresh')).toBeUndefined();
    expect(await signer.verify(handMade({ ...valid(), type: 'admin' }), 'access')).toBeUndefined();
  });

  it('refuses text after the signature, whitespace, padding and extra segments', async () => {
    const token = handMade(valid());
    for (const tampered of [
      `${token}x`,
      `${token}.`,
      `${token}.more`,
      `${token} `,
      ` ${token}`,
      `${token}=`,
      `${token}\n`,
      `${token}%20`,
    ]) {
      expect(await signer.verify(tampered, 'access'), JSON.stringify(tampered)).toBeUndefined();
    }
  });

  it('refuses a non-canonical spelling of the signature (spare low bits changed)', async () => {
    const token = handMade(valid());
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // A 32-byte signature leaves 2 spare bits in its last character: the next character decodes to the same bytes.
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const twin = `${token.slice(0, -1)}${sibling}`;
    expect(Buffer.from(twin.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(token.split('.')[2]!, 'base64url'),
    );
    expect(await signer.verify(twin, 'access')).toBeUndefined();
  });

  it('refuses other algorithms: none, HS512 with the same secret', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(valid())}.`;
    expect(await signer.verify(none, 'access')).toBeUndefined();
    const input = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(valid())}`;
    const hs512 = `${input}.${createHmac('sha512', SECRET).update(input).digest('base64url')}`;
    expect(await signer.verify(hs512, 'access')).toBeUndefined();
  });

  it('refuses a wrong signature and garbage', async () => {
    const other = new TokenSigner('another-secret-that-is-long-enough-0123456789');
    const { token } = await other.sign('access', 1, 60);
    expect(await signer.verify(token, 'access')).toBeUndefined();
    expect(await signer.verify('not-a-token', 'access')).toBeUndefined();
    expect(await signer.verify('', 'access')).toBeUndefined();
  });
});

describe('isCompactJws', () => {
  it('accepts three canonical base64url segments only', () => {
    expect(isCompactJws('eyJh.eyJz.c2ln')).toBe(true);
    expect(isCompactJws('a.b')).toBe(false);
    expect(isCompactJws('a.b.c.d')).toBe(false);
    expect(isCompactJws('a+b.c.d')).toBe(false);
  });
});
