import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/database/schema/index.js';
import { AppError } from '../../src/errors.js';
import { usersRepository } from '../../src/repository/users-repository.js';
import type { AuthUser } from '../../src/services/session-service.js';
import { BACKEND, createTestApp, json, type TestContext, type TestUser } from '../helpers/app.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => {
  await ctx?.close();
});

/** Makes `keep` the only active admins: every other admin becomes a plain user, straight in the table. */
async function onlyAdmins(...keep: TestUser[]) {
  await ctx.deps.database.db
    .update(users)
    .set({ role: 'user' })
    .where(and(eq(users.role, 'admin'), ...keep.map((user) => ne(users.id, user.id))));
}

async function activeAdmins(): Promise<number> {
  const rows = await ctx.deps.database.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.isActive, true)));
  return rows.length;
}

/** The admin service acting for `actor`, as the route does once the guard let it through. */
const asActor = async (actor: TestUser) =>
  (await usersRepository.findById(ctx.deps.database.db, actor.id)) as unknown as AuthUser;

describe('an active admin always remains', () => {
  it('refuses to demote, deactivate or delete the last active admin with 409', async () => {
    const admin = await ctx.createUser({ role: 'admin' });
    const other = await ctx.createUser({ role: 'admin' });
    await onlyAdmins(admin);
    // `other` acts on a stale view (it was an admin a moment ago): the database has the last word.
    const actor = await asActor(other);
    for (const attempt of [
      () => ctx.app.services.admin.setRole(actor, admin.id, 'user'),
      () => ctx.app.services.admin.setStatus(actor, admin.id, false),
      () => ctx.app.services.admin.deleteUser(actor, admin.id),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: 'LAST_ADMIN',
        status: 409,
        detail: 'At least one active admin must remain',
      });
    }
    expect(await activeAdmins()).toBe(1);
    expect((await ctx.app.inject({ url: '/api/admin/stats', headers: admin.auth })).statusCode).toBe(200);
  });

  it('sequential cross-demotion through HTTP: the first wins, the last admin stays', async () => {
    const first = await ctx.createUser({ role: 'admin' });
    const second = await ctx.createUser({ role: 'admin' });
    await onlyAdmins(first, second);
    // Sequential: first demotes second (fine), then the now-last admin cannot go.
    const demote = (actor: TestUser, target: TestUser) =>
      ctx.app.inject({
        method: 'PUT',
        url: `/api/admin/users/${target.id}/role`,
        headers: actor.auth,
        payload: { role: 'user' },
      });
    expect((await demote(first, second)).statusCode).toBe(200);
    expect((await demote(second, first)).statusCode).toBe(403);
    expect(await activeAdmins()).toBe(1);
    const error = await ctx.app.services.admin
      .setRole(await asActor(second), first.id, 'moderator')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 409 });
  });

  // The embedded database has a single connection: two transactions can never overlap there.
  it.runIf(BACKEND !== 'embedded')(
    'two admins demoting each other at once never both succeed (PostgreSQL server only: needs concurrent connections)',
    async () => {
      const rounds = 30;
      for (let round = 0; round < rounds; round++) {
        const a = await ctx.createUser({ role: 'admin' });
        const b = await ctx.createUser({ role: 'admin' });
        await onlyAdmins(a, b);
        const [ab, ba] = await Promise.all(
          [
            [a, b],
            [b, a],
          ].map(([actor, target]) =>
            ctx.app.inject({
              method: 'PUT',
              url: `/api/admin/users/${target!.id}/role`,
              headers: actor!.auth,
              payload: { role: 'user' },
            }),
          ),
        );
        const statuses = [ab!.statusCode, ba!.statusCode].sort();
        expect(statuses).not.toEqual([200, 200]);
        for (const res of [ab!, ba!]) {
          expect([200, 403, 409]).toContain(res.statusCode);
          if (res.statusCode === 409)
            expect(json(res)).toEqual({ detail: 'At least one active admin must remain' });
        }
        expect(await activeAdmins()).toBe(1);
      }
    },
    120_000,
  );
});
