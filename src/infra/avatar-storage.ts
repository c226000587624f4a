import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** `<userId>-<random hex>.webp`: the only names the local storage writes, reads or deletes. */
export const AVATAR_FILE_NAME = /^\d+-[a-f0-9]{16,64}\.webp$/;

/** Where re-encoded avatars (always WebP) are kept: the local disk by default, a cloud store in production. */
export interface AvatarStorage {
  /** Stores the picture under a new name and returns its public URL. */
  save(userId: number, webp: Buffer): Promise<string>;
  /** Deletes a picture this storage saved; any other URL (Gravatar, another store) is ignored. */
  remove(url: string): Promise<void>;
  /** True when a new upload of a user replaces the old picture in place, so there is nothing to remove. */
  readonly overwritesInPlace?: boolean;
  /** The bytes of a stored file, or undefined when there is none (only for storages the API serves itself). */
  read?(fileName: string): Promise<Buffer | undefined>;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Avatars as files in one directory, served by the API under `baseUrl`. Each upload gets a new random
 * name, so a browser or CDN can cache a picture forever and still never show a replaced one.
 */
export class LocalAvatarStorage implements AvatarStorage {
  constructor(
    readonly directory: string,
    readonly baseUrl: string,
  ) {}

  async save(userId: number, webp: Buffer): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const name = `${userId}-${randomBytes(16).toString('hex')}.webp`;
    // Written aside and renamed, so a concurrent GET never serves half a file.
    const temporary = path.join(this.directory, `.${name}.tmp`);
    await writeFile(temporary, webp, { flag: 'wx' });
    await rename(temporary, path.join(this.directory, name));
    return `${this.baseUrl}/${name}`;
  }

  async remove(url: string): Promise<void> {
    const name = this.fileNameOf(url);
    if (!name) return;
    try {
      await unlink(path.join(this.directory, name));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async read(fileName: string): Promise<Buffer | undefined> {
    // The strict pattern is what keeps "../" and friends out of the directory.
    if (!AVATAR_FILE_NAME.test(fileName)) return undefined;
    try {
      return await readFile(path.join(this.directory, fileName));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** The file name behind one of our URLs, or undefined for anybody else's URL. */
  private fileNameOf(url: string): string | undefined {
    const prefix = `${this.baseUrl}/`;
    if (!url.startsWith(prefix)) return undefined;
    const name = url.slice(prefix.length);
    return AVATAR_FILE_NAME.test(name) ? name : undefined;
  }
}
