/** A content line taken apart: `group.NAME;param=value,value;bare:value`. Names are upper-case. */
export interface ContentLine {
  group: string | null;
  name: string;
  /** A parameter without `=` (vCard 2.1's `TEL;WORK`) has a null name. */
  params: { name: string | null; values: string[] }[];
  value: string;
}

/** Where the value starts: the first colon outside double quotes, or -1. */
export function headEnd(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 58 && !quoted) return i;
  }
  return -1;
}

/** Splits on a separator outside double quotes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

const unquote = (value: string): string => value.trim().replace(/^"(.*)"$/s, '$1');

/** Lexes one unfolded line; null when it has no colon (not a property). */
export function parseContentLine(line: string): ContentLine | null {
  const end = headEnd(line);
  if (end < 0) return null;
  const head = line.slice(0, end);
  const segments = head.includes('"') ? splitOutsideQuotes(head, ';') : head.split(';');
  const fullName = segments[0]!.trim();
  const dot = fullName.lastIndexOf('.');
  const params = segments.slice(1).flatMap((segment): ContentLine['params'] => {
    if (segment.trim() === '') return [];
    const eq = segment.indexOf('=');
    if (eq < 0) return [{ name: null, values: [segment.includes('"') ? unquote(segment) : segment.trim()] }];
    const raw = segment.slice(eq + 1);
    const values = raw.includes('"')
      ? splitOutsideQuotes(raw, ',').map(unquote)
      : raw.split(',').map((v) => v.trim());
    return [{ name: segment.slice(0, eq).trim().toUpperCase(), values }];
  });
  return {
    group: dot > 0 ? fullName.slice(0, dot) : null,
    name: fullName.slice(dot + 1).toUpperCase(),
    params,
    value: line.slice(end + 1),
  };
}

function formatParamValue(value: string): string {
  const clean = value.replace(/"/g, "^'");
  return /[;:,]/.test(clean) ? `"${clean}"` : clean;
}

/** Writes a content line back (unfolded), quoting parameter values that need it. */
export function formatContentLine(line: ContentLine): string {
  let text = line.group ? `${line.group}.${line.name}` : line.name;
  for (const param of line.params) {
    const values = param.values.map(formatParamValue).join(',');
    text += param.name === null ? `;${values}` : `;${param.name}=${values}`;
  }
  return `${text}:${line.value}`;
}

const QP_HEAD = /quoted-printable/i;
const BASE64_HEAD = /;\s*(?:encoding\s*=\s*)?(?:base64|b)\s*(?=[;,]|$)/i;
const END_LINE = /^\s*end\s*:\s*vcard\s*$/i;

/**
 * Joins folded lines. vCard 3.0/4.0 drop the line break and one space or tab; vCard 2.1 (RFC 822
 * folding) keeps the whitespace. A quoted-printable value that ends with `=` (a soft line break)
 * continues on the next line whatever it starts with, and a 2.1 base64 value continues on the lines
 * that have no colon until a blank line, as Outlook and Android write them.
 */
export function unfold(lines: string[], version: string): string[] {
  const out: string[] = [];
  let current: string | null = null;
  let qp = false;
  let base64 = false;
  const keepSpace = version === '2.1';
  for (const raw of lines) {
    if (current !== null && qp && current.endsWith('=') && !END_LINE.test(raw)) {
      current = current.slice(0, -1) + raw;
      continue;
    }
    if (raw.trim() === '') {
      if (current !== null) out.push(current);
      current = null;
      continue;
    }
    const first = raw[0];
    if (current !== null && (first === ' ' || first === '\t')) {
      current += keepSpace ? raw : raw.slice(1);
      continue;
    }
    if (current !== null && base64 && !raw.includes(':')) {
      current += raw.trim();
      continue;
    }
    if (current !== null) out.push(current);
    current = raw;
    const end = headEnd(raw);
    const head = end < 0 ? '' : raw.slice(0, end);
    qp = QP_HEAD.test(head);
    base64 = BASE64_HEAD.test(head);
  }
  if (current !== null) out.push(current);
  return out;
}
