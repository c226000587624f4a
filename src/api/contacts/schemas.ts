import type { FastifyReply } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { ContactRecord, PageOf, UpcomingBirthday } from '../../services/contacts-service.js';
import { ErrorResponse, SkipParam, ValidationErrorResponse } from '../common/schemas.js';

/**
 * A field that may also be null. `nullable` (rather than anyOf with null) gives one clear validation
 * error per bad field, and @fastify/swagger writes it as OpenAPI 3.0's `nullable: true`.
 */
function nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

const FirstName = Type.String({
  description: '1–100 characters after trimming; stored trimmed',
  examples: ['Ada'],
});
const fields = {
  last_name: Type.Optional(
    nullable(Type.String({ description: 'At most 100 characters after trimming; blank is stored as null' })),
  ),
  email: Type.Optional(
    nullable(
      Type.String({
        format: 'email',
        maxLength: 254,
        description: 'Stored as given; unique per user, compared case-insensitively',
      }),
    ),
  ),
  phone: Type.Optional(
    nullable(
      Type.String({
        maxLength: 40,
        description:
          'Digits with optional +, spaces, dashes, dots and parentheses; a possible number for its region. Stored as E.164; without a country code DEFAULT_PHONE_REGION applies',
        examples: ['+380 50 123 45 67', '(050) 123-45-67'],
      }),
    ),
  ),
  birthday: Type.Optional(
    nullable(
      Type.String({
        format: 'date',
        description: 'YYYY-MM-DD, a real date from 1900-01-01 to today (in APP_TIMEZONE)',
      }),
    ),
  ),
  additional_info: Type.Optional(
    nullable(
      Type.String({
        maxLength: 10_000,
        description: 'At most 10 000 characters, kept as written; blank is stored as null',
      }),
    ),
  ),
};

export const ContactCreate = Type.Object(
  { first_name: FirstName, ...fields },
  { description: 'Unknown fields are ignored; id, owner and timestamps cannot be set' },
);
export type ContactCreate = Static<typeof ContactCreate>;

export const ContactUpdate = Type.Object(
  { first_name: Type.Optional(FirstName), ...fields },
  {
    description:
      'Any subset of the fields: those not sent keep their value, an explicit null clears an optional field',
  },
);
export type ContactUpdate = Static<typeof ContactUpdate>;

const contactResponseFields = {
  id: Type.Integer(),
  first_name: Type.String(),
  last_name: nullable(Type.String()),
  email: nullable(Type.String()),
  phone: nullable(Type.String({ description: 'E.164' })),
  birthday: nullable(Type.String({ format: 'date' })),
  additional_info: nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
};

export const ContactResponse = Type.Object(contactResponseFields);
export type ContactResponse = Static<typeof ContactResponse>;

export const BirthdayResponse = Type.Object({
  ...contactResponseFields,
  next_birthday: Type.String({ format: 'date', description: 'The next anniversary, today or later' }),
  days_until: Type.Integer({ minimum: 0 }),
});
export type BirthdayResponse = Static<typeof BirthdayResponse>;

export const ContactIdParams = Type.Object({ id: Type.Integer({ description: 'Contact id' }) });

const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size' });
const Skip = Type.Integer({ ...SkipParam, maximum: 2_147_483_647 });
const SearchText = Type.String({ minLength: 1, maxLength: 200 });
const Filter = (description: string) => Type.Optional(Type.String({ maxLength: 200, description }));

export const ListQuery = Type.Object({
  skip: Skip,
  limit: Limit,
  after_id: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 2_147_483_647,
      description:
        'Keyset paging: only contacts with a greater id (pass the last id of the previous page). Constant time however deep the page, unlike a large skip.',
    }),
  ),
  first_name: Filter('Case-insensitive substring of the first name'),
  last_name: Filter('Case-insensitive substring of the last name'),
  email: Filter('Case-insensitive substring of the email'),
  q: Filter('Case-insensitive substring of the first, last or full name, email or phone'),
});

export const PageQuery = Type.Object({ skip: Skip, limit: Limit });
export const SearchParams = Type.Object({ query: SearchText });
export const SearchQuery = Type.Object({ q: SearchText, skip: Skip, limit: Limit });

const TimeZone = Type.Optional(
  Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone; default APP_TIMEZONE' }),
);
const Days = Type.Integer({
  minimum: 0,
  maximum: 366,
  default: 7,
  description: 'Days after today to include',
});
// Paged like the list (skip, limit ≤ 1000, default 100): a week of a large book is thousands of contacts.
export const UpcomingQuery = Type.Object({ days_ahead: Days, tz: TimeZone, skip: Skip, limit: Limit });
export const BirthdaysAliasQuery = Type.Object({ days: Days, tz: TimeZone, skip: Skip, limit: Limit });

export const errors = {
  404: ErrorResponse,
  409: ErrorResponse,
  422: ValidationErrorResponse,
} as const;

/** The client's view of a contact: snake_case, ISO timestamps, never the owner or search_text. */
export function toContactResponse(row: ContactRecord): ContactResponse {
  return {
    id: row.id,
    first_name: row.firstName,
    last_name: row.lastName,
    email: row.email,
    phone: row.phone,
    birthday: row.birthday,
    additional_info: row.additionalInfo,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** A page of contacts as the list and search routes answer it: the rows, and their total in X-Total-Count. */
export function pageResponse(reply: FastifyReply, page: PageOf<ContactRecord>): ContactResponse[] {
  reply.header('X-Total-Count', String(page.total));
  return page.rows.map(toContactResponse);
}

export function toBirthdayResponse(row: UpcomingBirthday): BirthdayResponse {
  return { ...toContactResponse(row), next_birthday: row.nextBirthday, days_until: row.daysUntil };
}

/** A page of upcoming birthdays: the rows, and how many fall within the window in X-Total-Count. */
export function birthdayPageResponse(
  reply: FastifyReply,
  page: PageOf<UpcomingBirthday>,
): BirthdayResponse[] {
  reply.header('X-Total-Count', String(page.total));
  return page.rows.map(toBirthdayResponse);
}
