export interface CloudinaryCredentials {
  cloud_name: string;
  api_key: string;
  api_secret: string;
  /** Where the upload API lives; only changed to point the SDK at a stand-in server in tests. */
  upload_prefix?: string;
}

/**
 * Reads `cloudinary://<api_key>:<api_secret>@<cloud_name>[?upload_prefix=…]`, the SDK's own URL form.
 * Returns undefined for a URL that lacks a part, so config validation can name the variable.
 */
export function parseCloudinaryUrl(url: string): CloudinaryCredentials | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'cloudinary:' || !parsed.username || !parsed.password || !parsed.hostname) {
      return undefined;
    }
    const uploadPrefix = parsed.searchParams.get('upload_prefix');
    return {
      cloud_name: parsed.hostname,
      api_key: decodeURIComponent(parsed.username),
      api_secret: decodeURIComponent(parsed.password),
      ...(uploadPrefix ? { upload_prefix: uploadPrefix } : {}),
    };
  } catch {
    return undefined;
  }
}
