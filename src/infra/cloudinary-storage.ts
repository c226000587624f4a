import type { UploadApiResponse } from 'cloudinary';
import { type CloudinaryCredentials, parseCloudinaryUrl } from '../lib/cloudinary-url.js';
import type { AvatarStorage } from './avatar-storage.js';

/** The SDK, loaded only when Cloudinary is configured and first used. */
async function loadSdk() {
  return (await import('cloudinary')).v2;
}

/**
 * Avatars on Cloudinary through the official SDK: one public id per user, so a new upload overwrites
 * the old picture in place, and Cloudinary crops it to 250×250 around the face. Credentials go with
 * each call rather than into the SDK's process-wide configuration.
 */
export class CloudinaryAvatarStorage implements AvatarStorage {
  readonly overwritesInPlace = true;
  private readonly credentials: CloudinaryCredentials;

  constructor(
    url: string,
    private readonly folder = 'contacts-api/avatars',
  ) {
    const credentials = parseCloudinaryUrl(url);
    if (!credentials)
      throw new Error('CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name>');
    this.credentials = credentials;
  }

  async save(userId: number, webp: Buffer): Promise<string> {
    const cloudinary = await loadSdk();
    const result = await new Promise<UploadApiResponse>((resolve, reject) => {
      const upload = cloudinary.uploader.upload_stream(
        {
          ...this.credentials,
          public_id: this.publicId(userId),
          overwrite: true,
          invalidate: true,
          resource_type: 'image',
          transformation: [{ width: 250, height: 250, crop: 'fill', gravity: 'face' }],
        },
        (error, response) =>
          error || !response ? reject(error ?? new Error('empty Cloudinary answer')) : resolve(response),
      );
      upload.end(webp);
    });
    return result.secure_url;
  }

  async remove(url: string): Promise<void> {
    const match = new RegExp(`/(${this.folder}/user-\\d+)(?:\\.[a-z]+)?$`).exec(new URL(url).pathname);
    if (!match?.[1] || !url.includes(`/${this.credentials.cloud_name}/`)) return;
    const cloudinary = await loadSdk();
    await cloudinary.uploader.destroy(match[1], { ...this.credentials, invalidate: true } as never);
  }

  private publicId(userId: number): string {
    return `${this.folder}/user-${userId}`;
  }
}
