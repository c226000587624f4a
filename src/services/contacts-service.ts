import type { Deps } from '../container.js';
import { isUniqueViolation } from '../database/errors.js';
import { AppError, fieldError } from '../errors.js';
import { nextBirthday, todayInZone, upcomingOrder } from '../lib/birthdays.js';
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
import { RANKED_IDS_KEPT, SearchResultCache } from './search-cache.js';

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
  /** Ranked ids and counts of recent searches, checked against the book's version on every use. */
  private readonly searchCache = new SearchResultCache();

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

  /**
   * Substring search over names, full name, email and phone; exact matches first, then prefixes, then
   * the rest, ties by id. Ranking and counting every match is the expensive part, so the first
   * RANKED_IDS_KEPT ranked ids and the count are cached with the book version they were computed at,
   * and a page of an unchanged book is fetched by id with the version checked in the same statement.
   */
  async search(
    userId: number,
    query: string,
    page: Page,
    field: { location: 'path' | 'query'; name: string },
  ): Promise<PageOf<ContactRecord>> {
    const terms = searchTerms(query);
    if (terms.length === 0) throw fieldError(field.location, field.name, 'Search query must not be blank');
    const cached = this.searchCache.pageOf(userId, terms, page.skip, page.limit);
    if (cached) {
      const current = await contactsRepository.contactsWithVersion(this.db, userId, cached.ids);
      if (current.version === cached.version) return { rows: current.rows, total: cached.total };
    }
    // Beyond the kept ranking (a rare deep page), rank and count in full for that page alone.
    if (page.skip + page.limit > RANKED_IDS_KEPT)
      return contactsRepository.search(this.db, userId, terms, page);
    const ranked = await contactsRepository.rankedIds(this.db, userId, terms, RANKED_IDS_KEPT);
    this.searchCache.remember(userId, terms, ranked);
    const ids = ranked.ids.slice(page.skip, page.skip + page.limit);
    const { rows } = await contactsRepository.contactsWithVersion(this.db, userId, ids);
    return { rows, total: ranked.total };
  }

  /**
   * One page of the contacts whose next birthday falls within [today, today + daysAhead] in the time
   * zone, soonest first then by id, and how many there are in all. The database counts, orders and
   * pages the window by month-day (exact: see upcomingOrder); the days come from the pure helper.
   */
  async upcomingBirthdays(
    userId: number,
    daysAhead: number,
    timeZone: string | undefined,
    page: Page,
    field: { daysName: string },
  ): Promise<PageOf<UpcomingBirthday>> {
    if (!Number.isInteger(daysAhead) || daysAhead < 0 || daysAhead > 366) {
      throw fieldError('query', field.daysName, 'Input should be between 0 and 366');
    }
    let today: string;
    try {
      today = todayInZone(timeZone ?? this.deps.config.appTimezone);
    } catch {
      throw fieldError('query', 'tz', 'Unknown time zone: use an IANA name such as Europe/Kyiv');
    }
    const { rows, total } = await contactsRepository.birthdayPage(
      this.db,
      userId,
      upcomingOrder(today, daysAhead),
      page,
    );
    const upcoming = rows
      // A birthday cleared between the two reads of the page: the row has no anniversary to show.
      .filter((row): row is ContactRecord & { birthday: string } => row.birthday !== null)
      .map((row) => ({ ...row, ...nextBirthday(row.birthday, today) }))
      .sort((a, b) => a.daysUntil - b.daysUntil || a.id - b.id);
    return { rows: upcoming, total };
  }
}
