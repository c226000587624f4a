/** Quoted-printable (vCard 2.1's ENCODING=QUOTED-PRINTABLE) with a CHARSET, decoded to text. */

function qpBytes(value: string): Uint8Array {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '=') {
      const hex = value.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
      // A lone '=' (a soft break already joined, or a sloppy writer): dropped at the end, kept elsewhere.
      if (i === value.length - 1) continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else bytes.push(...encoder.encode(c));
  }
  return Uint8Array.from(bytes);
}

// windows-1252's 0x80–0x9F (€, ‚, „, …); Node's TextDecoder decodes them as ISO-8859-1 controls.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes)
    out += byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return out;
}

/** A decoder for a CHARSET label, or null when the label is unknown. */
function decoderFor(charset: string, fatal: boolean): InstanceType<typeof TextDecoder> | null {
  try {
    return new TextDecoder(charset, { fatal });
  } catch {
    return null;
  }
}

/**
 * Decodes bytes named by a CHARSET parameter. Without one, or with an unknown one, UTF-8 is tried
 * and windows-1252 taken when the bytes are not UTF-8 (what old Outlook and Nokia exports hold).
 */
export function decodeBytes(bytes: Uint8Array, charset: string | null): string {
  const named = charset ? decoderFor(charset.trim(), false) : null;
  // WHATWG maps latin1, iso-8859-1, ascii and cp1252 all to windows-1252.
  if (named?.encoding === 'windows-1252') return decodeWindows1252(bytes);
  if (named) return named.decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** Decodes a quoted-printable value (soft line breaks already joined) in its charset. */
export function decodeQuotedPrintable(value: string, charset: string | null): string {
  return decodeBytes(qpBytes(value), charset);
}
