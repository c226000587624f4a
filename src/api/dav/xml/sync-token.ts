/**
 * The sync token as DAV clients see it. RFC 6578 §4 makes it a URI, and Evolution holds it to that:
 * a token with neither `:` nor `/` is taken for a ctag and dropped, so every sync would start over.
 * The service's own token travels inside a fixed URI prefix, as sabre/dav's `http://sabre.io/ns/sync/N`
 * does; the `.invalid` host says it is a name, never a place to fetch.
 */
export const SYNC_TOKEN_PREFIX = 'http://contacts-api.invalid/ns/sync/';

/** The URI a client is given for a service sync token. */
export function syncTokenUri(token: string): string {
  return SYNC_TOKEN_PREFIX + encodeURIComponent(token);
}

/**
 * The service token inside a client's sync token URI, or null when the URI is not one of ours (macOS
 * Contacts sends a UUID of its own on its first sync): the adapter answers `DAV:valid-sync-token`.
 */
export function tokenFromSyncUri(uri: string): string | null {
  if (!uri.startsWith(SYNC_TOKEN_PREFIX)) return null;
  try {
    const token = decodeURIComponent(uri.slice(SYNC_TOKEN_PREFIX.length));
    return token === '' ? null : token;
  } catch {
    return null;
  }
}
