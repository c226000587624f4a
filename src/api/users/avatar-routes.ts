import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest, RouteShorthandOptions } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../errors.js';
import { errorResponses, toUserResponse, UserResponse } from '../common/schemas.js';
import { currentUser } from '../plugins/route-config.js';

const UPLOAD_DESCRIPTION =
  'Multipart form with the picture in the field `file`. The content decides, not the file name or the declared ' +
  'type: JPEG, PNG, GIF or WebP only (anything else, e.g. SVG, PDF or text, is 415, and so is a file that starts ' +
  'like an image but cannot be decoded, such as a truncated PNG). The picture is re-encoded as a 256×256 WebP ' +
  '(EXIF orientation applied, cropped to cover, first frame of an animation, no metadata kept) and served from ' +
  '`/avatars/<new name>`; each upload gets a new URL and the replaced file is deleted. 413 over AVATAR_MAX_BYTES; ' +
  '415 "Image dimensions too large" over 25 megapixels (judged from the header, before decoding); ' +
  '400 without a `file` field or for a request that is not multipart; 403 "Admin access required" for non-admins ' +
  'when AVATAR_ADMIN_ONLY is on. Rate limited by RATE_LIMIT_AVATAR.';

/**
 * The body schema documents the multipart form in OpenAPI only: the multipart parser leaves `request.body`
 * empty, so its validation result is set aside (attachValidation) and the handler reads and checks the bytes.
 */
const uploadOptions = {
  config: { auth: 'user', rateLimit: 'avatar' },
  attachValidation: true,
  schema: {
    tags: ['users'],
    consumes: ['multipart/form-data'],
    body: Type.Object({ file: Type.Unsafe<unknown>({ type: 'string', format: 'binary' }) }),
    response: { 200: UserResponse, ...errorResponses(400, 413, 415) },
  },
} as const satisfies RouteShorthandOptions;

/** The one file of the request, whole, or a 4xx: FILE_REQUIRED, 413 from the size limit, 400 for a broken body. */
async function readAvatarFile(request: FastifyRequest): Promise<Buffer> {
  try {
    // Throws FST_INVALID_MULTIPART_CONTENT_TYPE (400) for a JSON or form body.
    const part = await request.file();
    if (part?.fieldname !== 'file') throw new AppError('FILE_REQUIRED');
    // Throws FST_REQ_FILE_TOO_LARGE (413) past limits.fileSize (AVATAR_MAX_BYTES).
    const bytes = await part.toBuffer();
    if (part.file.truncated) throw new AppError('FILE_TOO_LARGE');
    return bytes;
  } catch (error) {
    if (error instanceof AppError || (error as { statusCode?: number }).statusCode) throw error;
    // The multipart parser's own errors ("Boundary not found", "Unexpected end of form") carry no status.
    throw new AppError('MALFORMED_MULTIPART');
  }
}

/** Upload, delete and serve avatars. Registered without a prefix: the paths span /api/auth, /api/users and /avatars. */
export const avatarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const upload = async (request: FastifyRequest) => {
    const user = currentUser(request);
    // Before reading the body: a refused upload costs no bandwidth or decoding.
    app.services.avatars.assertMayUpload(user);
    const bytes = await readAvatarFile(request);
    return toUserResponse(await app.services.avatars.upload(user, bytes));
  };

  app.post(
    '/api/auth/avatar',
    {
      ...uploadOptions,
      schema: { ...uploadOptions.schema, summary: 'Upload an avatar', description: UPLOAD_DESCRIPTION },
    },
    upload,
  );
  app.patch(
    '/api/users/avatar',
    {
      ...uploadOptions,
      schema: {
        ...uploadOptions.schema,
        summary: 'Upload an avatar (alias of POST /api/auth/avatar)',
        description: UPLOAD_DESCRIPTION,
      },
    },
    upload,
  );

  app.delete(
    '/api/auth/avatar',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['users'],
        summary: 'Remove the uploaded avatar',
        description:
          'Back to the default avatar, the Gravatar of the email; the uploaded file is deleted. Idempotent: 200 also when there was none.',
        response: { 200: UserResponse },
      },
    },
    async (request) => toUserResponse(await app.services.avatars.remove(currentUser(request))),
  );

  app.get(
    '/avatars/:file',
    {
      schema: {
        tags: ['users'],
        summary: 'An uploaded avatar (WebP)',
        description:
          'Anonymous. Names are `<user id>-<random hex>.webp` and never reused, so the answer may be cached for a year; ' +
          'anything else (including path tricks) is 404. Embeddable from other origins (Cross-Origin-Resource-Policy: cross-origin).',
        params: Type.Object({ file: Type.String({ maxLength: 200 }) }),
        response: {
          // Documentation only: a Buffer is sent as it is, never through a serializer.
          200: Type.Unsafe<Buffer>({
            description: 'The picture',
            content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } },
          }),
          404: errorResponses(404)[404]!,
        },
      },
    },
    async (request, reply) => {
      const bytes = await app.deps.storage.read?.(request.params.file);
      if (!bytes) throw new AppError('NOT_FOUND');
      return reply
        .type('image/webp')
        .header('Cache-Control', 'public, max-age=31536000, immutable')
        .header('Cross-Origin-Resource-Policy', 'cross-origin')
        .send(bytes);
    },
  );
};
