import type { Deps } from '../container.js';
import { isUniqueViolation } from '../database/errors.js';
import { AppError, fieldError } from '../errors.js';
import { nextBirthday, todayInZone, upcomingMonthDayRanges } from '../lib/birthdays.js';
import { buildSearchText, foldCase, searchTerms } from '../lib/search-text.js';
import {
  type ContactFilters,
  type ContactRecord,
  type ContactValues,
  contactsRepository,
  type Page,
  type PageOf,
} from '../repository/contacts-repository.js';
import { type ContactInput, checkContactInput } from './contact-input.js';

/** Ids are PostgreSQL integers: anything outside cannot exist, and must not reach the database as an overflow. */
const MAX_ID = 2_147_483_647;
const EMAIL_KEY = 'contacts_user_email_key';

export type { ContactRecord, PageOf };

export interface ListQuery extends Page {
  /** Keyset cursor: the last id of the previous page. */
  afterId?: number | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  q?: string | undefined;
}

export type UpcomingBirthday = ContactRecord & { nextBirthday: string; daysUntil: number };

/** A filter value as the database compares it: trimmed and folded; blank means no filter. */
function folded(value: string | undefined): string | undefined {
  const text = value === undefined ? '' : foldCase(value.trim());
  return text === '' ? undefined : text;
}

/** The address book: every method is scoped to its owner, and another user's contact does not exist. */
export class ContactsService {
  constructor(private readonly deps: Deps) {}

  private get db() {
    return this.deps.database.db;
  }

  private checkInput(input: ContactInput) {
    return checkContactInput(input, {
      defaultPhoneRegion: this.deps.config.defaultPhoneRegion,
      today: todayInZone(this.deps.config.appTimezone),
    });
  }

  private checkId(id: number): void {
    if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) throw new AppError('CONTACT_NOT_FOUND');
  }

  /** Maps the unique (owner, email) index to 409, so concurrent duplicates are caught by the database. */
  private async uniqueEmail<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, EMAIL_KEY)) throw new AppError('CONTACT_EMAIL_TAKEN');
      throw error;
    }
  }

  async create(userId: number, input: ContactInput): Promise<ContactRecord> {
    if (input.firstName === undefined) throw fieldError('body', 'first_name', 'Field required', 'missing');
    const changes = this.checkInput(input);
    const values = {
      firstName: changes.firstName!,
      lastName: changes.lastName ?? null,
      email: changes.email ?? null,
      phone: changes.phone ?? null,
      birthday: changes.birthday ?? null,
      additionalInfo: changes.additionalInfo ?? null,
    };
    return this.uniqueEmail(() =>
      contactsRepository.insert(this.db, userId, { ...values, searchText: buildSearchText(values) }),
    );
  }

  async get(userId: number, id: number): Promise<ContactRecord> {
    this.checkId(id);
    const row = await contactsRepository.findOwned(this.db, userId, id);
    if (!row) throw new AppError('CONTACT_NOT_FOUND');
    return row;
  }

  /** Partial update (PUT and PATCH alike): fields not sent keep their value; search_text follows the merged row. */
  async update(userId: number, id: number, input: ContactInput): Promise<ContactRecord> {
    this.checkId(id);
    const changes = this.checkInput(input);
    if (Object.keys(changes).length === 0) return this.get(userId, id);
    return this.uniqueEmail(() =>
      this.db.transaction(async (tx) => {
        const current = await contactsRepository.findOwned(tx, userId, id, { forUpdate: true });
        if (!current) throw new AppError('CONTACT_NOT_FOUND');
        const merged = { ...current, ...changes };
        const values: ContactValues = {
          firstName: merged.firstName,
          lastName: merged.lastName,
          email: merged.email,
          phone: merged.phone,
          birthday: merged.birthday,
          additionalInfo: merged.additionalInfo,
          searchText: buildSearchText(merged),
        };
        const row = await contactsRepository.update(tx, userId, id, values);
        if (!row) throw new AppError('CONTACT_NOT_FOUND');
        return row;
      }),
    );
  }

  async delete(userId: number, id: number): Promise<void> {
    this.checkId(id);
    if (!(await contactsRepository.delete(this.db, userId, id))) throw new AppError('CONTACT_NOT_FOUND');
  }

  /** The owner's contacts, ordered by id, with case-insensitive substring filters (all must hold). */
  async list(userId: number, query: ListQuery): Promise<PageOf<ContactRecord>> {
    const filters: ContactFilters = {
      firstName: folded(query.firstName),
      lastName: folded(query.lastName),
      email: folded(query.email),
      terms: query.q === undefined ? [] : searchTerms(query.q),
    };
    return contactsRepository.list(this.db, userId, filters, {
      skip: query.skip,
      limit: query.limit,
      afterId: query.afterId,
    });
  }

  /** Substring search over names, full name, email and phone; exact matches first, then prefixes, then the rest. */
  async search(
    userId: number,
    query: string,
    page: Page,
    field: { location: 'path' | 'query'; name: string },
  ): Promise<PageOf<ContactRecord>> {
    const terms = searchTerms(query);
    if (terms.length === 0) throw fieldError(field.location, field.name, 'Search query must not be blank');
    return contactsRepository.search(this.db, userId, terms, page);
  }

  /**
   * Contacts whose next birthday falls within [today, today + daysAhead] in the time zone, soonest first.
   * SQL narrows by month-day ranges (a superset); the exact day count comes from the pure helper.
   */
  async upcomingBirthdays(
    userId: number,
    daysAhead: number,
    timeZone: string | undefined,
    field: { daysName: string },
  ): Promise<UpcomingBirthday[]> {
    if (!Number.isInteger(daysAhead) || daysAhead < 0 || daysAhead > 366) {
      throw fieldError('query', field.daysName, 'Input should be between 0 and 366');
    }
    let today: string;
    try {
      today = todayInZone(timeZone ?? this.deps.config.appTimezone);
    } catch {
      throw fieldError('query', 'tz', 'Unknown time zone: use an IANA name such as Europe/Kyiv');
    }
    const rows = await contactsRepository.withBirthdayIn(
      this.db,
      userId,
      upcomingMonthDayRanges(today, daysAhead),
    );
    return rows
      .filter((row): row is ContactRecord & { birthday: string } => row.birthday !== null)
      .map((row) => ({ ...row, ...nextBirthday(row.birthday, today) }))
      .filter((row) => row.daysUntil <= daysAhead)
      .sort((a, b) => a.daysUntil - b.daysUntil || a.id - b.id);
  }
}
