/** The TYPE tokens vCard 2.1/3.0 give inline data, and the media types vCard 4.0 data: URIs carry. */
const TOKEN_TO_MEDIA: Record<string, string> = {
  JPEG: 'image/jpeg',
  JPG: 'image/jpeg',
  PNG: 'image/png',
  GIF: 'image/gif',
  BMP: 'image/bmp',
  TIFF: 'image/tiff',
  WEBP: 'image/webp',
  HEIC: 'image/heic',
  WAVE: 'audio/wav',
  WAV: 'audio/wav',
  MP3: 'audio/mpeg',
  AIFF: 'audio/aiff',
  PGP: 'application/pgp-keys',
  X509: 'application/x-x509-user-cert',
};

const MEDIA_TO_TOKEN: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/bmp': 'BMP',
  'image/tiff': 'TIFF',
  'image/webp': 'WEBP',
  'image/heic': 'HEIC',
  'audio/wav': 'WAVE',
  'audio/mpeg': 'MP3',
  'audio/aiff': 'AIFF',
  'application/pgp-keys': 'PGP',
  'application/x-x509-user-cert': 'X509',
};

/** The media type a TYPE token (`JPEG`) or a media type written as a TYPE (`image/jpeg`) names. */
export function mediaTypeOfToken(token: string): string | null {
  if (token.includes('/')) return token.toLowerCase();
  return TOKEN_TO_MEDIA[token.toUpperCase()] ?? null;
}

/** The vCard 3.0 TYPE token for a media type: `JPEG` for image/jpeg, else the media type itself. */
export function tokenOfMediaType(mediaType: string): string {
  return MEDIA_TO_TOKEN[mediaType.toLowerCase()] ?? mediaType;
}

/** Recognises the common image formats by their first bytes, for inline photos that name none. */
export function sniffImage(data: Uint8Array): string {
  const at = (i: number): number => data[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46) return 'image/gif';
  if (at(0) === 0x52 && at(1) === 0x49 && at(8) === 0x57 && at(9) === 0x45) return 'image/webp';
  return 'application/octet-stream';
}

/** Splits a `data:` URI into its media type and bytes (base64 or percent-encoded); null if malformed. */
export function parseDataUri(uri: string): { mediaType: string; data: Uint8Array } | null {
  const match = /^data:([^,]*?),(.*)$/s.exec(uri.trim());
  if (!match) return null;
  const meta = match[1]!.split(';');
  const base64 = meta.some((part) => part.trim().toLowerCase() === 'base64');
  const mediaType = meta[0]!.trim().toLowerCase() || 'text/plain';
  const payload = match[2]!;
  if (base64) {
    const clean = payload.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return null;
    return { mediaType, data: Uint8Array.from(Buffer.from(clean, 'base64')) };
  }
  try {
    return { mediaType, data: new TextEncoder().encode(decodeURIComponent(payload)) };
  } catch {
    return null;
  }
}
