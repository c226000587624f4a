import type { Deps } from '../container.js';
import type { UserRow } from '../database/schema/index.js';
import { AppError } from '../errors.js';
import { avatarsRepository } from '../repository/avatars-repository.js';
import { usersRepository } from '../repository/users-repository.js';
import type { AuthUser, SessionService } from './session-service.js';

/** Judged by the bytes, never by the file name or the declared content type. */
const ACCEPTED_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
export const AVATAR_SIZE = 256;
/**
 * 25 megapixels (a 6000×4000 photo; phones shoot 12–24): plenty for a 256×256 avatar, and it bounds
 * the decoder's memory to ~100 MB per upload however small the file is (a "decompression bomb").
 */
export const MAX_INPUT_PIXELS = 25_000_000;

/**
 * Re-encodes an accepted image as a 256×256 WebP. Nothing of the original survives (metadata, trailing
 * data, scripts hidden in comments); EXIF orientation is applied first so phone photos stand upright.
 * A file whose magic bytes pass but which libvips cannot decode (truncated, corrupt) is 415 too: it is
 * not a usable image of an accepted type.
 */
export async function toAvatarWebp(bytes: Buffer): Promise<Buffer> {
  // Loaded on first use: libvips alone is ~20 MB of resident memory a server without uploads never needs.
  const [{ fileTypeFromBuffer }, { default: sharp }] = await Promise.all([
    import('file-type'),
    import('sharp'),
  ]);
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !ACCEPTED_TYPES.has(type.mime)) throw new AppError('UNSUPPORTED_IMAGE');
  // The header's dimensions, read without decoding a pixel: a bomb is refused before it costs memory.
  // (No pixel limit for this header read: sharp's default would refuse the bomb as "unsupported".)
  const { width = 0, height = 0 } = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw new AppError('UNSUPPORTED_IMAGE');
    });
  if (width * height > MAX_INPUT_PIXELS) throw new AppError('IMAGE_TOO_LARGE');
  try {
    // limitInputPixels again as the decoder's own backstop; `pages: 1` decodes only the first frame of
    // an animation, so a GIF or WebP of many frames costs no more than one picture.
    return await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning', pages: 1 })
      .rotate()
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover' })
      .webp({ quality: 85 })
      .toBuffer();
  } catch {
    throw new AppError('UNSUPPORTED_IMAGE');
  }
}

/** Uploading, replacing and removing a user's own avatar. */
export class AvatarService {
  constructor(
    private readonly deps: Deps,
    private readonly sessions: SessionService,
  ) {}

  /** Refuses before any byte is read when AVATAR_ADMIN_ONLY keeps uploads to admins. */
  assertMayUpload(user: AuthUser): void {
    if (this.deps.config.avatarAdminOnly && user.role !== 'admin') throw new AppError('ADMIN_REQUIRED');
  }

  /** Stores the new picture, points the user at it and deletes the picture it replaces. */
  async upload(user: AuthUser, bytes: Buffer): Promise<UserRow> {
    this.assertMayUpload(user);
    const webp = await toAvatarWebp(bytes);
    const url = await this.deps.storage.save(user.id, webp).catch((error: unknown) => {
      // A cloud store that is down or refuses us is the store's fault, not the client's: 503.
      this.deps.log.error({ err: error }, 'could not store an avatar');
      throw new AppError('STORAGE_UNAVAILABLE');
    });
    try {
      return await this.replace(user.id, url);
    } catch (error) {
      // The row was not changed: the new file would be an orphan.
      await this.deps.storage.remove(url).catch(() => {});
      throw error;
    }
  }

  /** Back to the default (the Gravatar of the email); the uploaded file is deleted. */
  async remove(user: AuthUser): Promise<UserRow> {
    return this.replace(user.id, null);
  }

  private async replace(userId: number, url: string | null): Promise<UserRow> {
    const { row, previous } = await this.deps.database.db.transaction(async (tx) => {
      const current = await avatarsRepository.lockAvatarUrl(tx, userId);
      // The caller was authenticated a moment ago; the user can only be gone if deleted meanwhile.
      if (!current) throw new AppError('INVALID_CREDENTIALS_TOKEN');
      const updated = await usersRepository.update(tx, userId, { avatarUrl: url });
      return { row: updated!, previous: current.avatarUrl };
    });
    await this.sessions.invalidateUser(userId);
    // A store that overwrites in place (Cloudinary) already replaced the old picture with the new one.
    const replacedInPlace = url !== null && this.deps.storage.overwritesInPlace;
    if (previous && previous !== url && !replacedInPlace) {
      // A file left behind costs disk space, not correctness: never fail the request for it.
      await this.deps.storage.remove(previous).catch((error: unknown) => {
        this.deps.log.warn({ err: error, url: previous }, 'could not remove a replaced avatar');
      });
    }
    return row;
  }
}
