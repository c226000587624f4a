/** Small HTTP helpers for set-up steps (not measured). */

export async function postJson(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Logs in through the API and returns the access token. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await postJson(`${baseUrl}/api/auth/login`, { username, password });
  const token = (res.body as { access_token?: string } | undefined)?.access_token;
  if (res.status !== 200 || !token)
    throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return token;
}

/** GET with a token; returns status, X-Total-Count and the body size (for the report's context). */
export async function probe(
  url: string,
  token: string,
): Promise<{ status: number; total: string | null; bytes: number }> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { status: res.status, total: res.headers.get('x-total-count'), bytes };
}

/** The `sid` claim of a JWT (for the EXPLAIN of the session query); no verification needed here. */
export function sessionIdOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sid?: string;
  };
  return payload.sid ?? '';
}
