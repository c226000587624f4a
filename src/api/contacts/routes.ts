import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ContactInput } from '../../services/contact-input.js';
import { currentUser } from '../plugins/route-config.js';
import { contactsQueryRoutes } from './query-routes.js';
import {
  ContactCreate,
  ContactIdParams,
  ContactResponse,
  ContactUpdate,
  errors,
  ListQuery,
  pageResponse,
  toContactResponse,
} from './schemas.js';

const tags = ['contacts'];
const config = { auth: 'user' } as const;

const INPUT_RULES =
  'first_name is trimmed and must keep 1–100 characters; last_name is trimmed (≤100) and a blank one is stored as null; ' +
  'email must be a valid address, unique among your contacts regardless of case (409 otherwise); phone is stored as E.164 ' +
  '(numbers without a country code are read in DEFAULT_PHONE_REGION); birthday must be a real date between 1900-01-01 and ' +
  'today in APP_TIMEZONE; additional_info (≤10 000) is kept as written, a blank one becomes null. Unknown fields are ignored.';

/** Picks the contact fields explicitly, so unknown JSON (id, user_id, timestamps…) is never passed on. */
function toInput(body: ContactUpdate | undefined): ContactInput {
  const source = body ?? {};
  return {
    firstName: source.first_name,
    lastName: source.last_name,
    email: source.email,
    phone: source.phone,
    birthday: source.birthday,
    additionalInfo: source.additional_info,
  };
}

/** The caller's address book: CRUD here; search and birthdays in query-routes.ts. */
export const contactsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const contacts = app.services.contacts;

  // Static paths (/search, /birthdays/upcoming) are registered here too; the router prefers them over /:id.
  await app.register(contactsQueryRoutes);

  app.get(
    '/',
    {
      config,
      schema: {
        tags,
        summary: 'List your contacts',
        description:
          'Ordered by id. Filters are case-insensitive substrings (any script), trimmed, and all must hold; `q` matches the first, last or full name, email or phone (a phone fragment also matches by its digits). `%` and `_` are literal characters. The X-Total-Count header is the number matching before skip/limit (and before `after_id`). For deep pages prefer `after_id` (keyset paging: the last id of the previous page) to a large `skip`, whose cost grows with the offset.',
        querystring: ListQuery,
        response: { 200: Type.Array(ContactResponse), 422: errors[422] },
      },
    },
    async (request, reply) => {
      const { skip, limit, after_id, first_name, last_name, email, q } = request.query;
      const page = await contacts.list(currentUser(request).id, {
        skip,
        limit,
        afterId: after_id,
        firstName: first_name,
        lastName: last_name,
        email,
        q,
      });
      return pageResponse(reply, page);
    },
  );

  app.post(
    '/',
    {
      config,
      schema: {
        tags,
        summary: 'Create a contact',
        description: INPUT_RULES,
        body: ContactCreate,
        response: { 201: ContactResponse, 409: errors[409], 422: errors[422] },
      },
    },
    async (request, reply) => {
      const row = await contacts.create(currentUser(request).id, toInput(request.body));
      return reply.code(201).send(toContactResponse(row));
    },
  );

  app.get(
    '/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Get one of your contacts',
        description: "Another user's contact is answered exactly like a missing one (404).",
        params: ContactIdParams,
        response: { 200: ContactResponse, 404: errors[404], 422: errors[422] },
      },
    },
    async (request) => toContactResponse(await contacts.get(currentUser(request).id, request.params.id)),
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/:id',
      config,
      schema: {
        tags,
        summary: `Update a contact (partial, ${method === 'PUT' ? 'as the original API' : 'same as PUT'})`,
        description: `PUT and PATCH behave the same: send any subset of the fields; fields not sent keep their value and an explicit null clears an optional one. An empty body ({} or none) changes nothing, updated_at included. ${INPUT_RULES}`,
        params: ContactIdParams,
        body: ContactUpdate,
        response: { 200: ContactResponse, 404: errors[404], 409: errors[409], 422: errors[422] },
      },
      // A request without any body is an update of nothing, like `{}` (the original API answered it with 200).
      preValidation: async (request) => {
        request.body ??= {};
      },
      handler: async (request) => {
        const row = await contacts.update(currentUser(request).id, request.params.id, toInput(request.body));
        return toContactResponse(row);
      },
    });
  }

  app.delete(
    '/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Delete a contact',
        params: ContactIdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), 404: errors[404], 422: errors[422] },
      },
    },
    async (request, reply) => {
      await contacts.delete(currentUser(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
