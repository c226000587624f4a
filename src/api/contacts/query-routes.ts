import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../plugins/route-config.js';
import {
  BirthdayResponse,
  BirthdaysAliasQuery,
  birthdayPageResponse,
  ContactResponse,
  errors,
  PageQuery,
  pageResponse,
  SearchParams,
  SearchQuery,
  UpcomingQuery,
} from './schemas.js';

const tags = ['contacts'];
const config = { auth: 'user' } as const;

const SEARCH_DESCRIPTION =
  'Case-insensitive (any script) substring match on first name, last name, full name ("Ada Love" finds Ada Lovelace), email or phone; a phone-like query also matches by its digits alone. `%` and `_` are literal. Best first: a field equal to the query, then a field starting with it, then any substring; ties by id. The X-Total-Count header is the number of matches before skip/limit. A blank query is 422.';

const BIRTHDAYS_DESCRIPTION =
  'Contacts whose next birthday anniversary (month and day) falls between today and today + N days inclusive, "today" being the date in `tz` (default APP_TIMEZONE). Soonest first, then by id; each with next_birthday and days_until (0 = today). Wraps over New Year; a 29 February birthday falls on 28 February in common years. Paged like the list: `skip` (default 0) and `limit` (1–1000, default 100); the X-Total-Count header is the number of contacts in the window before skip/limit, so a window of at most 100 contacts comes whole in one answer. An unknown time zone is 422.';

/** Search and upcoming birthdays: read-only views of the caller's address book. */
export const contactsQueryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const contacts = app.services.contacts;
  const listResponse = { 200: Type.Array(ContactResponse), 422: errors[422] };

  app.get(
    '/search/:query',
    {
      config,
      schema: {
        tags,
        summary: 'Search your contacts',
        description: SEARCH_DESCRIPTION,
        params: SearchParams,
        querystring: PageQuery,
        response: listResponse,
      },
    },
    async (request, reply) => {
      const { skip, limit } = request.query;
      const page = await contacts.search(
        currentUser(request).id,
        request.params.query,
        { skip, limit },
        { location: 'path', name: 'query' },
      );
      return pageResponse(reply, page);
    },
  );

  app.get(
    '/search',
    {
      config,
      schema: {
        tags,
        summary: 'Search your contacts (query parameter form)',
        description: `Same as GET /api/contacts/search/{query}, with the query in \`q\`. ${SEARCH_DESCRIPTION}`,
        querystring: SearchQuery,
        response: listResponse,
      },
    },
    async (request, reply) => {
      const { q, skip, limit } = request.query;
      const page = await contacts.search(
        currentUser(request).id,
        q,
        { skip, limit },
        { location: 'query', name: 'q' },
      );
      return pageResponse(reply, page);
    },
  );

  const birthdaysResponse = { 200: Type.Array(BirthdayResponse), 422: errors[422] };

  app.get(
    '/birthdays/upcoming',
    {
      config,
      schema: {
        tags,
        summary: 'Upcoming birthdays',
        description: BIRTHDAYS_DESCRIPTION,
        querystring: UpcomingQuery,
        response: birthdaysResponse,
      },
    },
    async (request, reply) => {
      const { days_ahead, tz, skip, limit } = request.query;
      const page = await contacts.upcomingBirthdays(
        currentUser(request).id,
        days_ahead,
        tz,
        { skip, limit },
        { daysName: 'days_ahead' },
      );
      return birthdayPageResponse(reply, page);
    },
  );

  app.get(
    '/birthdays',
    {
      config,
      schema: {
        tags,
        summary: 'Upcoming birthdays (alias)',
        description: `Same as GET /api/contacts/birthdays/upcoming, with the window in \`days\`. ${BIRTHDAYS_DESCRIPTION}`,
        querystring: BirthdaysAliasQuery,
        response: birthdaysResponse,
      },
    },
    async (request, reply) => {
      const { days, tz, skip, limit } = request.query;
      const page = await contacts.upcomingBirthdays(
        currentUser(request).id,
        days,
        tz,
        { skip, limit },
        { daysName: 'days' },
      );
      return birthdayPageResponse(reply, page);
    },
  );
};
