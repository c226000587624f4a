import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gravatarUrl } from '../../src/lib/gravatar.js';
import { usersRepository } from '../../src/repository/users-repository.js';
import { createTestApp, json, type TestContext, type TestUser } from '../helpers/app.js';
import { fileUpload, multipartBody } from '../helpers/multipart.js';

const UNSUPPORTED = { detail: 'Unsupported image type: use JPEG, PNG, GIF or WebP' };
const AVATAR_URL = /^http:\/\/localhost:8000\/avatars\/(\d+)-[a-f0-9]{32}\.webp$/;

const solid = (width = 600, height = 400) =>
  sharp({ create: { width, height, channels: 3, background: '#f00' } });

/** Random pixels do not compress: a PNG of a predictable, large size. */
function noisePng(side: number) {
  const pixels = randomBytes(side * side * 3);
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

describe('avatars', () => {
  let ctx: TestContext;
  let alice: TestUser;

  beforeAll(async () => {
    ctx = await createTestApp();
    alice = await ctx.createUser();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function upload(
    user: TestUser,
    data: Buffer | string,
    options: Parameters<typeof fileUpload>[1] = {},
  ) {
    const body = await fileUpload(data, options);
    return ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      headers: { ...user.auth, ...body.headers },
      payload: body.payload,
    });
  }

  const pathOf = (url: string) => new URL(url).pathname;

  it('accepts PNG, JPEG, GIF and WebP and serves each as a 256×256 WebP', async () => {
    const images = {
      png: await solid().png().toBuffer(),
      jpeg: await solid().jpeg().toBuffer(),
      gif: await solid(300, 500).gif().toBuffer(),
      webp: await solid(100, 100).webp().toBuffer(),
    };
    for (const [format, bytes] of Object.entries(images)) {
      const res = await upload(alice, bytes, { filename: `x.${format}`, type: `image/${format}` });
      expect(res.statusCode, format).toBe(200);
      const body = json(res);
      expect(body.id).toBe(alice.id);
      expect(body.avatar_url).toMatch(AVATAR_URL);
      expect(body.avatar_url.match(AVATAR_URL)[1]).toBe(String(alice.id));
      expect(body).not.toHaveProperty('password_hash');

      const file = await ctx.app.inject({ url: pathOf(body.avatar_url) });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/webp');
      expect(file.headers['cache-control']).toContain('immutable');
      const meta = await sharp(file.rawPayload).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 256]);
    }
  });

  it('keeps nothing of the original file (EXIF is applied, then dropped)', async () => {
    const photo = await solid()
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret-owner', ImageDescription: '<script>alert(1)</script>' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const res = await upload(alice, photo, { filename: 'p.jpg', type: 'image/jpeg' });
    expect(res.statusCode).toBe(200);
    const file = await ctx.app.inject({ url: pathOf(json(res).avatar_url) });
    const meta = await sharp(file.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(file.rawPayload.includes(Buffer.from('secret-owner'))).toBe(false);
  });

  it('replacing an avatar deletes the old file, and the user and their cached copy show the new one at once', async () => {
    const bob = await ctx.createUser();
    const first = json(await upload(bob, await solid().png().toBuffer())).avatar_url as string;
    // The upload request itself cached bob for his token; the cache must not serve the old URL.
    expect((await ctx.app.services.sessions.authenticate(bob.accessToken)).avatarUrl).toBe(first);

    const body = await fileUpload(await solid().jpeg().toBuffer());
    const second = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/users/avatar',
      headers: { ...bob.auth, ...body.headers },
      payload: body.payload,
    });
    expect(second.statusCode).toBe(200);
    const url = json(second).avatar_url as string;
    expect(url).toMatch(AVATAR_URL);
    expect(url).not.toBe(first);

    expect((await ctx.app.inject({ url: pathOf(first) })).statusCode).toBe(404);
    expect((await ctx.app.inject({ url: pathOf(url) })).statusCode).toBe(200);
    const files = (await readdir(path.join(ctx.dataDir, 'avatars'))).filter((name) =>
      name.startsWith(`${bob.id}-`),
    );
    expect(files).toEqual([url.split('/').pop()]);

    expect((await usersRepository.findById(ctx.deps.database.db, bob.id))?.avatarUrl).toBe(url);
    expect((await ctx.app.services.sessions.authenticate(bob.accessToken)).avatarUrl).toBe(url);
    const me = await ctx.app.inject({ url: '/api/auth/me', headers: bob.auth });
    if (me.statusCode !== 404) expect(json(me).avatar_url).toBe(url);
  });

  it('DELETE returns to the Gravatar of the email and deletes the file', async () => {
    const carol = await ctx.createUser();
    const url = json(await upload(carol, await solid().png().toBuffer())).avatar_url as string;
    const res = await ctx.app.inject({ method: 'DELETE', url: '/api/auth/avatar', headers: carol.auth });
    expect(res.statusCode).toBe(200);
    expect(json(res).avatar_url).toBe(gravatarUrl(carol.email));
    expect(json(res).avatar_url).toMatch(/^https:\/\/www\.gravatar\.com\/avatar\/[a-f0-9]{32}/);
    expect((await ctx.app.inject({ url: pathOf(url) })).statusCode).toBe(404);
    expect((await ctx.app.services.sessions.authenticate(carol.accessToken)).avatarUrl).toBeNull();

    const again = await ctx.app.inject({ method: 'DELETE', url: '/api/auth/avatar', headers: carol.auth });
    expect(again.statusCode).toBe(200);
    expect(json(again).avatar_url).toBe(gravatarUrl(carol.email));
  });

  it('judges the content, not the name or declared type: 415 for SVG, text, PDF, corrupt or empty files', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    const whole = await noisePng(100);
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    const cases: [string, Buffer | string][] = [
      ['svg', svg],
      ['text', 'hello, I am not a picture'],
      ['pdf', '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n'],
      ['truncated png', truncated],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [name, data] of cases) {
      const res = await upload(alice, data, { filename: 'avatar.png', type: 'image/png' });
      expect(res.statusCode, name).toBe(415);
      expect(json(res), name).toEqual(UNSUPPORTED);
    }
  });

  it('answers 400 without a file field and for non-multipart bodies; 401 without a token', async () => {
    const png = await solid().png().toBuffer();
    const wrongField = await upload(alice, png, { field: 'avatar' });
    expect(wrongField.statusCode).toBe(400);
    expect(json(wrongField)).toEqual({ detail: 'A file is required in the multipart field "file"' });

    const form = new FormData();
    form.append('file', 'just a string field');
    const fieldOnly = await multipartBody(form);
    const noFile = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      headers: { ...alice.auth, ...fieldOnly.headers },
      payload: fieldOnly.payload,
    });
    expect(noFile.statusCode).toBe(400);
    expect(json(noFile).detail).toBe('A file is required in the multipart field "file"');

    const asJson = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      headers: alice.auth,
      payload: { file: 'aGVsbG8=' },
    });
    expect(asJson.statusCode).toBe(400);
    expect(json(asJson)).toEqual({ detail: 'Expected a multipart/form-data request' });

    const head =
      '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n';
    const broken: [string, string, Buffer | string][] = [
      ['no boundary', 'multipart/form-data', 'abc'],
      ['garbage', 'multipart/form-data; boundary=XYZ', 'garbage garbage'],
      ['unterminated', 'multipart/form-data; boundary=XYZ', Buffer.concat([Buffer.from(head), png])],
    ];
    for (const [name, type, payload] of broken) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/avatar',
        headers: { ...alice.auth, 'content-type': type },
        payload,
      });
      expect(res.statusCode, name).toBe(400);
      expect(json(res), name).toEqual({ detail: 'Malformed multipart/form-data body' });
    }

    const body = await fileUpload(png);
    const anonymous = await ctx.app.inject({ method: 'POST', url: '/api/auth/avatar', ...body });
    expect(anonymous.statusCode).toBe(401);
    expect(json(anonymous)).toEqual({ detail: 'Not authenticated' });
    const deleted = await ctx.app.inject({ method: 'DELETE', url: '/api/auth/avatar' });
    expect(deleted.statusCode).toBe(401);
  });

  it('serves only well-formed avatar names: traversal and unknown files are 404', async () => {
    for (const url of [
      '/avatars/..%2F..%2Fetc%2Fpasswd',
      '/avatars/../../etc/passwd',
      '/avatars/%2e%2e%2fjwt-secret',
      '/avatars/..%5C..%5Cwindows',
      '/avatars/1-abc.webp',
      `/avatars/1-${'a'.repeat(32)}.png`,
      `/avatars/${alice.id}-${'0'.repeat(32)}.webp`,
      `/avatars/.${alice.id}-${'0'.repeat(32)}.webp.tmp`,
    ]) {
      const res = await ctx.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/json');
    }
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = json(await ctx.app.inject({ url: '/openapi.json' }));
    expect(doc.paths['/api/auth/avatar'].post.requestBody.content).toHaveProperty('multipart/form-data');
    expect(doc.paths['/api/users/avatar']).toHaveProperty('patch');
    expect(doc.paths['/api/auth/avatar']).toHaveProperty('delete');
    expect(doc.paths['/avatars/{file}'].get.responses['200'].content).toHaveProperty('image/webp');
  });
});

describe('avatars with AVATAR_MAX_BYTES=2048 and AVATAR_ADMIN_ONLY=true', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestApp({ AVATAR_MAX_BYTES: '2048', AVATAR_ADMIN_ONLY: 'true' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function post(user: TestUser, data: Buffer) {
    const body = await fileUpload(data);
    return ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      headers: { ...user.auth, ...body.headers },
      payload: body.payload,
    });
  }

  it('lets only admins upload', async () => {
    const small = await solid(64, 64).png().toBuffer();
    expect(small.length).toBeLessThan(2048);
    for (const role of ['user', 'moderator'] as const) {
      const res = await post(await ctx.createUser({ role }), small);
      expect(res.statusCode, role).toBe(403);
      expect(json(res)).toEqual({ detail: 'Admin access required' });
    }
    const admin = await ctx.createUser({ role: 'admin' });
    const res = await post(admin, small);
    expect(res.statusCode).toBe(200);
    expect(json(res).avatar_url).toMatch(AVATAR_URL);
  });

  it('answers 413 over the size limit, and keeps the previous avatar', async () => {
    const admin = await ctx.createUser({ role: 'admin' });
    const before = json(await post(admin, await solid(64, 64).png().toBuffer())).avatar_url;
    const big = await noisePng(60);
    expect(big.length).toBeGreaterThan(8 * 1024);
    const res = await post(admin, big);
    expect(res.statusCode).toBe(413);
    expect(json(res)).toEqual({ detail: 'File too large' });
    expect((await usersRepository.findById(ctx.deps.database.db, admin.id))?.avatarUrl).toBe(before);
  });
});
