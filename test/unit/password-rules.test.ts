import { describe, expect, it } from 'vitest';
import { checkPassword, loadCommonPasswords } from '../../src/lib/password-rules.js';
import { TEST_PASSWORD } from '../helpers/app.js';

const ruleOf = async (password: string, context = {}) => (await checkPassword(password, context))?.rule;

describe('checkPassword', () => {
  it('accepts the test suite password and a long passphrase', async () => {
    expect(
      await checkPassword(TEST_PASSWORD, { username: 'alice', email: 'alice@example.com' }),
    ).toBeUndefined();
    expect(await ruleOf('correct horse battery staple')).toBeUndefined();
  });

  it('counts 8 to 128 characters (code points, not UTF-16 units)', async () => {
    expect(await ruleOf('x7#k2$p')).toBe('length');
    expect(await ruleOf('x7#k2$pq')).toBeUndefined();
    expect(await ruleOf('q'.repeat(128))).toBeUndefined();
    expect(await ruleOf('q'.repeat(129))).toBe('length');
    // Four emoji are 8 UTF-16 units but 4 characters.
    expect(await ruleOf('😀😀😀😀')).toBe('length');
    expect(await ruleOf('😀😀😀😀😀😀😀😀')).toBeUndefined();
  });

  it('refuses passwords that are only whitespace', async () => {
    expect(await ruleOf('        ')).toBe('whitespace');
    expect(await ruleOf('\t\t\t\t\n\n\n\n')).toBe('whitespace');
    expect((await checkPassword('        '))?.msg).toMatch(/whitespace/);
  });

  it('refuses common passwords, whatever their case', async () => {
    for (const password of ['password', 'PASSWORD', '12345678', 'Password1', 'iloveyou', 'qwertyuiop']) {
      expect(await ruleOf(password), password).toBe('common');
    }
    expect((await checkPassword('password'))?.msg).toMatch(/common/);
    expect((await loadCommonPasswords()).size).toBeGreaterThan(40_000);
  });

  it('refuses the username, the email and its local part, case-insensitively', async () => {
    const context = { username: 'Alice.Smith', email: 'Mr.Alice.Smith@Example.com' };
    expect(await ruleOf('alice.smith', context)).toBe('username');
    expect(await ruleOf('mr.alice.smith@example.com', context)).toBe('email');
    expect(await ruleOf('MR.ALICE.SMITH', context)).toBe('email');
    expect(await ruleOf('alice.smith-2', context)).toBeUndefined();
  });

  it('refuses the current password (exactly; passwords are case-sensitive)', async () => {
    expect(await ruleOf('old-secret-77', { currentPassword: 'old-secret-77' })).toBe('current');
    expect(await ruleOf('OLD-secret-77', { currentPassword: 'old-secret-77' })).toBeUndefined();
  });
});
