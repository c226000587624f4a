import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../src/database/schema/index.js';
import { buildSearchText } from '../../src/lib/search-text.js';
import { usersRepository } from '../../src/repository/users-repository.js';
import {
  createTestApp,
  json,
  type TestContext,
  type TestUser,
  USER_RESPONSE_FIELDS,
  unique,
} from '../helpers/app.js';
import { fileUpload, multipartBody } from '../helpers/multipart.js';

const FORBIDDEN = { detail: 'Admin access required' };
const NOT_FOUND = { detail: 'User not found' };

/** Contacts straight into the table, so these tests do not depend on the contacts routes. */
async function addContacts(ctx: TestContext, userId: number, n: number) {
  for (let i = 0; i < n; i++) {
    const fields = { firstName: `Friend${i}`, lastName: null, email: `friend${i}@example.com`, phone: null };
    await ctx.deps.database.db
      .insert(contacts)
      .values({ userId, ...fields, searchText: buildSearchText(fields) });
  }
}

describe('admin routes', () => {
  let ctx: TestContext;
  let admin: TestUser;
  let moderator: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestApp();
    admin = await ctx.createUser({ role: 'admin' });
    moderator = await ctx.createUser({ role: 'moderator' });
    user = await ctx.createUser();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const get = (url: string, who: TestUser) => ctx.app.inject({ url, headers: who.auth });
  const put = (url: string, who: TestUser, payload: object) =>
    ctx.app.inject({ method: 'PUT', url, headers: who.auth, payload });
  const del = (url: string, who: TestUser) => ctx.app.inject({ method: 'DELETE', url, headers: who.auth });

  const readRoutes = () => [
    '/api/admin/users',
    `/api/admin/users/${user.id}`,
    '/api/admin/users/by-role/admin',
    '/api/admin/stats',
  ];
  const writeRoutes = () => [
    { method: 'PUT' as const, url: `/api/admin/users/${user.id}/role`, payload: { role: 'admin' } },
    { method: 'PUT' as const, url: `/api/admin/users/${user.id}/status`, payload: { is_active: false } },
    { method: 'DELETE' as const, url: `/api/admin/users/${user.id}` },
  ];

  it('refuses plain users on every route, and anonymous callers with 401', async () => {
    for (const url of readRoutes()) {
      const res = await get(url, user);
      expect(res.statusCode, url).toBe(403);
      expect(json(res), url).toEqual(FORBIDDEN);
      const anonymous = await ctx.app.inject({ url });
      expect(anonymous.statusCode, url).toBe(401);
      expect(json(anonymous)).toEqual({ detail: 'Not authenticated' });
    }
    for (const route of writeRoutes()) {
      const res = await ctx.app.inject({ ...route, headers: user.auth });
      expect(res.statusCode, route.url).toBe(403);
      expect(json(res)).toEqual(FORBIDDEN);
    }
    const tampered = await ctx.app.inject({
      url: '/api/admin/stats',
      headers: { authorization: `${admin.auth.authorization.slice(0, -2)}xx` },
    });
    expect(tampered.statusCode).toBe(401);
    expect(json(tampered)).toEqual({ detail: 'Could not validate credentials' });
    // Nothing changed.
    expect((await usersRepository.findById(ctx.deps.database.db, user.id))?.role).toBe('user');
  });

  it('lets moderators read but not change', async () => {
    for (const url of readRoutes()) expect((await get(url, moderator)).statusCode, url).toBe(200);
    for (const route of writeRoutes()) {
      const res = await ctx.app.inject({ ...route, headers: moderator.auth });
      expect(res.statusCode, route.url).toBe(403);
      expect(json(res)).toEqual(FORBIDDEN);
    }
    const row = await usersRepository.findById(ctx.deps.database.db, user.id);
    expect([row?.role, row?.isActive]).toEqual(['user', true]);
  });

  it('pages the user list by id with total and has_next', async () => {
    const tag = unique('pg');
    const made: TestUser[] = [];
    for (let i = 0; i < 5; i++) made.push(await ctx.createUser({ username: `${tag}${i}` }));
    const ids = made.map((u) => u.id);

    const first = json(await get(`/api/admin/users?search=${tag}&limit=2`, moderator));
    expect(first).toMatchObject({ total: 5, skip: 0, limit: 2, has_next: true });
    expect(first.users.map((u: { id: number }) => u.id)).toEqual(ids.slice(0, 2));
    expect(Object.keys(first.users[0]).sort()).toEqual(USER_RESPONSE_FIELDS);
    const middle = json(await get(`/api/admin/users?search=${tag}&limit=2&skip=2`, moderator));
    expect(middle.users.map((u: { id: number }) => u.id)).toEqual(ids.slice(2, 4));
    expect(middle.has_next).toBe(true);
    const last = json(await get(`/api/admin/users?search=${tag}&limit=2&skip=4`, moderator));
    expect(last).toMatchObject({ total: 5, skip: 4, limit: 2, has_next: false });
    expect(last.users.map((u: { id: number }) => u.id)).toEqual(ids.slice(4));

    const all = json(await get('/api/admin/users', admin));
    expect([all.skip, all.limit]).toEqual([0, 50]);
    const allIds = all.users.map((u: { id: number }) => u.id);
    expect(allIds).toEqual([...allIds].sort((a: number, b: number) => a - b));
    expect(all.total).toBeGreaterThanOrEqual(8);
  });

  it('validates the list query (422)', async () => {
    for (const query of ['limit=0', 'limit=101', 'skip=-1', 'role=boss', 'limit=abc']) {
      const res = await get(`/api/admin/users?${query}`, admin);
      expect(res.statusCode, query).toBe(422);
      expect(Array.isArray(json(res).detail), query).toBe(true);
    }
  });

  it('filters by role', async () => {
    const body = json(await get('/api/admin/users?role=moderator&limit=100', admin));
    expect(body.users.length).toBeGreaterThan(0);
    expect(body.users.every((u: { role: string }) => u.role === 'moderator')).toBe(true);
    expect(body.users.map((u: { id: number }) => u.id)).toContain(moderator.id);
    expect(body.total).toBe(body.users.length);
  });

  it('searches username, email and full name case-insensitively, with % and _ taken literally', async () => {
    const tag = unique('sx');
    const percent = await ctx.createUser({ username: `${tag}a` });
    await usersRepository.update(ctx.deps.database.db, percent.id, { fullName: '100% Real Person' });
    const underscore = await ctx.createUser({ username: `${tag}_b` });
    await ctx.createUser({ username: `${tag}xb` });
    const byEmail = await ctx.createUser({ username: `${tag}c`, email: `Mixed.${tag}@Example.ORG` });

    const ids = async (search: string) =>
      json(await get(`/api/admin/users?search=${encodeURIComponent(search)}&limit=100`, admin)).users.map(
        (u: { id: number }) => u.id,
      );
    expect(await ids('%')).toEqual([percent.id]);
    expect(await ids('_')).toEqual([underscore.id]);
    expect(await ids('100%')).toEqual([percent.id]);
    expect(await ids('% real')).toEqual([percent.id]);
    expect(await ids(`${tag.toUpperCase()}_B`)).toEqual([underscore.id]);
    expect(await ids(`mixed.${tag}@example.org`)).toEqual([byEmail.id]);
    expect(await ids('no-such-person-anywhere')).toEqual([]);
  });

  it('shows one user with their number of contacts; 404 and 422 otherwise', async () => {
    const owner = await ctx.createUser();
    await addContacts(ctx, owner.id, 3);
    const res = await get(`/api/admin/users/${owner.id}`, moderator);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      id: owner.id,
      username: owner.username,
      role: 'user',
      contacts_count: 3,
    });
    expect(json(res)).not.toHaveProperty('password_hash');
    expect(json(await get(`/api/admin/users/${user.id}`, admin)).contacts_count).toBe(0);

    const missing = await get('/api/admin/users/999999', admin);
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toEqual(NOT_FOUND);
    for (const bad of ['abc', '0', '99999999999']) {
      expect((await get(`/api/admin/users/${bad}`, admin)).statusCode, bad).toBe(422);
    }
  });

  it('lists users by role; an unknown role is 422', async () => {
    const res = await get('/api/admin/users/by-role/admin', moderator);
    expect(res.statusCode).toBe(200);
    const list = json(res) as { id: number; role: string }[];
    expect(list.map((u) => u.id)).toContain(admin.id);
    expect(list.every((u) => u.role === 'admin')).toBe(true);
    expect((await get('/api/admin/users/by-role/superuser', admin)).statusCode).toBe(422);
  });

  it('changes roles with effect on the very next request of the same token', async () => {
    const target = await ctx.createUser();
    expect((await get('/api/admin/stats', target)).statusCode).toBe(403);

    const promoted = await put(`/api/admin/users/${target.id}/role`, admin, { role: 'admin' });
    expect(promoted.statusCode).toBe(200);
    expect(json(promoted)).toMatchObject({ id: target.id, role: 'admin' });
    expect((await get('/api/admin/stats', target)).statusCode).toBe(200);

    // The new admin demotes the one who promoted them: the old admin's token loses access at once.
    const other = await ctx.createUser({ role: 'admin' });
    expect((await get('/api/admin/stats', other)).statusCode).toBe(200);
    expect((await put(`/api/admin/users/${other.id}/role`, target, { role: 'user' })).statusCode).toBe(200);
    const lost = await get('/api/admin/stats', other);
    expect(lost.statusCode).toBe(403);
    expect(json(lost)).toEqual(FORBIDDEN);

    const moderated = await put(`/api/admin/users/${target.id}/role`, admin, { role: 'moderator' });
    expect(json(moderated).role).toBe('moderator');
    expect((await get('/api/admin/stats', target)).statusCode).toBe(200);
    expect((await put(`/api/admin/users/${user.id}/role`, target, { role: 'admin' })).statusCode).toBe(403);
  });

  it('refuses self-demotion, unknown users and bad roles', async () => {
    for (const role of ['user', 'moderator']) {
      const res = await put(`/api/admin/users/${admin.id}/role`, admin, { role });
      expect(res.statusCode).toBe(400);
      expect(json(res)).toEqual({ detail: 'Admins cannot demote themselves' });
    }
    expect((await put(`/api/admin/users/${admin.id}/role`, admin, { role: 'admin' })).statusCode).toBe(200);
    expect((await get('/api/admin/stats', admin)).statusCode).toBe(200);

    const missing = await put('/api/admin/users/999999/role', admin, { role: 'user' });
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toEqual(NOT_FOUND);
    for (const payload of [{ role: 'superuser' }, {}, { role: 1 }]) {
      const res = await put(`/api/admin/users/${user.id}/role`, admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
    }
  });

  it('deactivation stops the user’s tokens at once (403 Inactive user); reactivation restores them', async () => {
    const staff = await ctx.createUser({ role: 'moderator' });
    expect((await get('/api/admin/stats', staff)).statusCode).toBe(200);

    const off = await put(`/api/admin/users/${staff.id}/status`, admin, { is_active: false });
    expect(off.statusCode).toBe(200);
    expect(json(off)).toMatchObject({ id: staff.id, is_active: false });
    const refused = await get('/api/admin/stats', staff);
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toEqual({ detail: 'Inactive user' });

    const on = await put(`/api/admin/users/${staff.id}/status`, admin, { is_active: true });
    expect(json(on).is_active).toBe(true);
    expect((await get('/api/admin/stats', staff)).statusCode).toBe(200);
  });

  it('refuses self-deactivation, unknown users and bad bodies', async () => {
    const self = await put(`/api/admin/users/${admin.id}/status`, admin, { is_active: false });
    expect(self.statusCode).toBe(400);
    expect(json(self)).toEqual({ detail: 'Admins cannot deactivate themselves' });
    expect((await get('/api/admin/stats', admin)).statusCode).toBe(200);

    const missing = await put('/api/admin/users/999999/status', admin, { is_active: false });
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toEqual(NOT_FOUND);
    for (const payload of [{}, { is_active: 'maybe' }]) {
      expect((await put(`/api/admin/users/${user.id}/status`, admin, payload)).statusCode).toBe(422);
    }
  });

  it('deletes a user with their contacts, sessions and avatar', async () => {
    const doomed = await ctx.createUser();
    await addContacts(ctx, doomed.id, 2);
    const png = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    const body = await fileUpload(png, { type: 'image/png' });
    const uploaded = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      headers: { ...doomed.auth, ...body.headers },
      payload: body.payload,
    });
    const avatarPath = new URL(json(uploaded).avatar_url).pathname;
    expect((await ctx.app.inject({ url: avatarPath })).statusCode).toBe(200);

    const res = await del(`/api/admin/users/${doomed.id}`, admin);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');

    const probe = await ctx.app.inject({ method: 'DELETE', url: '/api/auth/avatar', headers: doomed.auth });
    expect(probe.statusCode).toBe(401);
    expect(json(probe)).toEqual({ detail: 'Could not validate credentials' });
    expect((await get(`/api/admin/users/${doomed.id}`, admin)).statusCode).toBe(404);
    const left = await ctx.deps.database.db.select().from(contacts).where(eq(contacts.userId, doomed.id));
    expect(left).toEqual([]);
    expect((await ctx.app.inject({ url: avatarPath })).statusCode).toBe(404);

    const again = await del(`/api/admin/users/${doomed.id}`, admin);
    expect(again.statusCode).toBe(404);
    expect(json(again)).toEqual(NOT_FOUND);
  });

  it('refuses self-deletion', async () => {
    const res = await del(`/api/admin/users/${admin.id}`, admin);
    expect(res.statusCode).toBe(400);
    expect(json(res)).toEqual({ detail: 'Admins cannot delete themselves' });
    expect(await usersRepository.findById(ctx.deps.database.db, admin.id)).toBeDefined();
  });

  it('answers a multipart body on a JSON route with 415 (JSON routes take JSON only)', async () => {
    const form = new FormData();
    form.append('role', 'admin');
    const body = await multipartBody(form);
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/admin/users/${user.id}/role`,
      headers: { ...admin.auth, ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(415);
    expect((await usersRepository.findById(ctx.deps.database.db, user.id))?.role).toBe('user');
  });

  it('is described in OpenAPI', async () => {
    const doc = json(await ctx.app.inject({ url: '/openapi.json' }));
    for (const path of [
      '/api/admin/users',
      '/api/admin/users/{id}',
      '/api/admin/users/by-role/{role}',
      '/api/admin/users/{id}/role',
      '/api/admin/users/{id}/status',
      '/api/admin/stats',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/api/admin/users/{id}/status'].put.description).toContain('sessions are kept');
  });
});

describe('admin stats', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('counts users and contacts exactly, with every role present', async () => {
    const admin = await ctx.createUser({ role: 'admin' });
    const initial = await ctx.app.inject({ url: '/api/admin/stats', headers: admin.auth });
    expect(initial.statusCode).toBe(200);
    expect(json(initial)).toEqual({
      total_users: 1,
      active_users: 1,
      verified_users: 1,
      users_by_role: { user: 0, moderator: 0, admin: 1 },
      total_contacts: 0,
    });

    const moderator = await ctx.createUser({ role: 'moderator' });
    await ctx.createUser({ role: 'moderator', verified: false });
    const a = await ctx.createUser();
    const b = await ctx.createUser();
    await ctx.createUser({ verified: false });
    await usersRepository.update(ctx.deps.database.db, b.id, { isActive: false });
    await addContacts(ctx, a.id, 3);
    await addContacts(ctx, b.id, 2);
    await addContacts(ctx, admin.id, 1);

    const expected = {
      total_users: 6,
      active_users: 5,
      verified_users: 4,
      users_by_role: { user: 3, moderator: 2, admin: 1 },
      total_contacts: 6,
    };
    expect(json(await ctx.app.inject({ url: '/api/admin/stats', headers: moderator.auth }))).toEqual(
      expected,
    );

    // Deleting a user takes their contacts with them.
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `/api/admin/users/${a.id}`, headers: admin.auth }))
        .statusCode,
    ).toBe(204);
    expect(json(await ctx.app.inject({ url: '/api/admin/stats', headers: admin.auth }))).toEqual({
      ...expected,
      total_users: 5,
      active_users: 4,
      verified_users: 3,
      users_by_role: { user: 2, moderator: 2, admin: 1 },
      total_contacts: 3,
    });
  });
});
