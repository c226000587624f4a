import type { LightMyRequestResponse } from 'fastify';
import type { TestContext, TestUser } from './app.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A contact as the API returns it. */
export interface ContactBody {
  id: number;
  first_name: string;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  additional_info: string | null;
  created_at: string;
  updated_at: string;
}

/** Calls the contacts API as one user: `call('GET', '/api/contacts?q=x')`. */
export function contactsApi(ctx: TestContext, user: TestUser) {
  const call = (method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    ctx.app.inject({
      method,
      url,
      headers: user.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  /** Creates a contact and fails loudly unless the API answers 201. */
  const create = async (body: Record<string, unknown>): Promise<ContactBody> => {
    const response = await call('POST', '/api/contacts', body);
    if (response.statusCode !== 201)
      throw new Error(`create failed: ${response.statusCode} ${response.body}`);
    return response.json() as ContactBody;
  };
  return { call, create };
}

/** The ids of a JSON array answer, in order. */
export function ids(response: LightMyRequestResponse): number[] {
  return (response.json() as { id: number }[]).map((row) => row.id);
}
