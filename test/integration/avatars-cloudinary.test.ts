import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import multipartPlugin from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestContext } from '../helpers/app.js';
import { fileUpload } from '../helpers/multipart.js';

const CLOUD = 'demo-cloud';
const API_KEY = '123456789012345';
const API_SECRET = 'cloudinary-test-secret';

interface ReceivedUpload {
  path: string;
  fields: Record<string, string>;
  file: Buffer | undefined;
  signatureValid: boolean;
}

/**
 * Cloudinary's signature, computed here independently of the SDK: SHA-1 of the sorted `key=value`
 * parameters (all but file, cloud_name, resource_type, api_key and the signature itself) + the secret.
 */
function expectedSignature(fields: Record<string, string>, secret: string): string {
  const excluded = new Set([
    'file',
    'cloud_name',
    'resource_type',
    'api_key',
    'signature',
    'signature_algorithm',
  ]);
  const signed = Object.keys(fields)
    .filter((key) => !excluded.has(key) && fields[key] !== '')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
  return createHash('sha1')
    .update(signed + secret)
    .digest('hex');
}

/** A throw-away self-signed certificate: the SDK speaks only HTTPS, whatever upload_prefix says. */
function selfSignedCertificate() {
  const directory = mkdtempSync(path.join(tmpdir(), 'fake-cloudinary-'));
  const [key, cert] = [path.join(directory, 'key.pem'), path.join(directory, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    {
      stdio: 'ignore',
    },
  );
  const pair = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(directory, { recursive: true, force: true });
  return pair;
}

/** A local HTTPS server playing Cloudinary's upload and destroy API. */
async function startFakeCloudinary() {
  const received: ReceivedUpload[] = [];
  const certificate = selfSignedCertificate();
  const server: FastifyInstance = Fastify({ https: certificate }) as unknown as FastifyInstance;
  await server.register(multipartPlugin, { attachFieldsToBody: false });
  server.post('/v1_1/:cloud/image/:action', async (request) => {
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'file') file = await part.toBuffer();
      else fields[part.fieldname] = String(part.value);
    }
    received.push({
      path: request.url,
      fields,
      file,
      signatureValid: fields.signature === expectedSignature(fields, API_SECRET),
    });
    const { cloud, action } = request.params as { cloud: string; action: string };
    if (action === 'destroy') return { result: 'ok' };
    const version = 1_700_000_000 + received.length;
    const url = `https://res.cloudinary.com/${cloud}/image/upload/v${version}/${fields.public_id}.webp`;
    return { public_id: fields.public_id, version, secure_url: url, url: url.replace('https', 'http') };
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    server,
    received,
    certificate: certificate.cert,
    url: `https://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
  };
}

async function pngUpload(auth: { authorization: string }) {
  const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#0a0' } })
    .png()
    .toBuffer();
  const body = await fileUpload(png, { filename: 'me.png' });
  return { payload: body.payload, headers: { ...auth, ...body.headers } };
}

describe('avatars on Cloudinary (CLOUDINARY_URL set)', () => {
  let cloudinary: Awaited<ReturnType<typeof startFakeCloudinary>>;
  let ctx: TestContext;
  const previousCa = https.globalAgent.options.ca;
  beforeAll(async () => {
    cloudinary = await startFakeCloudinary();
    // The SDK sends through Node's global HTTPS agent: trust exactly the stand-in's self-signed
    // certificate there, instead of turning certificate checks off for the whole process.
    https.globalAgent.options.ca = cloudinary.certificate;
    ctx = await createTestApp({
      CLOUDINARY_URL: `cloudinary://${API_KEY}:${API_SECRET}@${CLOUD}?upload_prefix=${encodeURIComponent(cloudinary.url)}`,
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await cloudinary?.server.close();
    https.globalAgent.options.ca = previousCa;
  });

  it("uploads a signed, face-cropped picture under one public id per user and stores Cloudinary's URL", async () => {
    const user = await ctx.createUser();
    const first = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      ...(await pngUpload(user.auth)),
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(json(first).avatar_url).toMatch(
      new RegExp(
        `^https://res\\.cloudinary\\.com/${CLOUD}/image/upload/v\\d+/contacts-api/avatars/user-${user.id}\\.webp$`,
      ),
    );

    const upload = cloudinary.received.at(-1)!;
    expect(upload.path).toBe(`/v1_1/${CLOUD}/image/upload`);
    expect(upload.signatureValid).toBe(true);
    expect(upload.fields.api_key).toBe(API_KEY);
    expect(upload.fields.public_id).toBe(`contacts-api/avatars/user-${user.id}`);
    expect(upload.fields.overwrite).toBe('1');
    expect(upload.fields.transformation).toBe('c_fill,g_face,h_250,w_250');
    // What leaves the service is the re-encoded WebP, never the original upload.
    expect((await sharp(upload.file!).metadata()).format).toBe('webp');

    // A second upload overwrites the same public id and nothing is destroyed.
    const second = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      ...(await pngUpload(user.auth)),
    });
    expect(second.statusCode).toBe(200);
    expect(cloudinary.received.at(-1)!.fields.public_id).toBe(`contacts-api/avatars/user-${user.id}`);
    expect(cloudinary.received.filter((request) => request.path.endsWith('/destroy'))).toHaveLength(0);

    const me = await ctx.app.inject({ url: '/api/auth/me', headers: user.auth });
    expect(json(me).avatar_url).toBe(json(second).avatar_url);

    // Removing the avatar destroys the picture (signed too) and falls back to Gravatar.
    const removed = await ctx.app.inject({ method: 'DELETE', url: '/api/auth/avatar', headers: user.auth });
    expect(removed.statusCode).toBe(200);
    expect(json(removed).avatar_url).toMatch(/^https:\/\/www\.gravatar\.com\/avatar\//);
    const destroy = cloudinary.received.at(-1)!;
    expect(destroy.path).toBe(`/v1_1/${CLOUD}/image/destroy`);
    expect(destroy.fields.public_id).toBe(`contacts-api/avatars/user-${user.id}`);
    expect(destroy.signatureValid).toBe(true);
  });

  it('refuses a malformed CLOUDINARY_URL at start-up, naming the variable', async () => {
    await expect(createTestApp({ CLOUDINARY_URL: 'cloudinary://no-secret-here' })).rejects.toThrow(
      /CLOUDINARY_URL/,
    );
  });
});

describe('avatars when Cloudinary cannot be reached', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({
      CLOUDINARY_URL: `cloudinary://${API_KEY}:${API_SECRET}@${CLOUD}?upload_prefix=${encodeURIComponent('https://127.0.0.1:9')}`,
    });
  });
  afterAll(() => ctx?.close());

  it('answers 503 and leaves the user unchanged', async () => {
    const user = await ctx.createUser();
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/avatar',
      ...(await pngUpload(user.auth)),
    });
    expect(response.statusCode).toBe(503);
    expect(json(response)).toEqual({ detail: 'Avatar storage temporarily unavailable' });
    const me = await ctx.app.inject({ url: '/api/auth/me', headers: user.auth });
    expect(json(me).avatar_url).toMatch(/gravatar/);
  });
});
